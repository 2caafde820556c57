"""The activity log: every change writes exactly one Event."""

from sqlalchemy import func
from sqlmodel import select

from .models import Event

SNAPSHOT_FIELDS = (
    "title", "notes", "owner_id", "goal_id", "cycle_number", "status",
    "position", "needs_help", "help_reason", "due_date", "repeat_every", "version",
)


def snapshot(action):
    """The logged state of an action."""
    data = {name: getattr(action, name) for name in SNAPSHOT_FIELDS}
    if data["due_date"] is not None:
        data["due_date"] = data["due_date"].isoformat()
    return data


# Where a session keeps the Events recorded in its transaction.
RECORDED = "verbeterbord.recorded_events"


def record(session, *, kind, person_id, team_id=None, action_id=None, goal_id=None,
           before=None, after=None, op_id=None):
    """Add one Event to the session: it is written with the change it describes."""
    entry = Event(kind=kind, person_id=person_id, team_id=team_id, action_id=action_id,
                  goal_id=goal_id, before=before, after=after, op_id=op_id)
    session.add(entry)
    session.info.setdefault(RECORDED, []).append(entry)
    return entry


def recorded(session):
    """The Events recorded in this session's transaction, oldest first (see unit_of_work)."""
    return session.info.get(RECORDED, [])


def latest_id(session):
    """The newest Event's id (0 for an empty log): how far the log had got when read."""
    return session.execute(select(func.max(Event.id))).scalar() or 0
