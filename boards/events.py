"""The activity log: every change writes exactly one Event."""

from sqlalchemy import func
from sqlmodel import select

from . import outbox
from .models import Event, utcnow

SNAPSHOT_FIELDS = (
    "title", "notes", "owner_id", "goal_id", "cycle_number", "status",
    "position", "needs_help", "help_reason", "due_date", "version",
)


def snapshot(action):
    """The logged state of an action."""
    data = {name: getattr(action, name) for name in SNAPSHOT_FIELDS}
    if data["due_date"] is not None:
        data["due_date"] = data["due_date"].isoformat()
    return data


def record(session, *, kind, person_id, team_id=None, action_id=None, goal_id=None,
           before=None, after=None, op_id=None):
    """Add one Event to the session; it commits with the change it describes."""
    entry = Event(kind=kind, person_id=person_id, team_id=team_id, action_id=action_id,
                  goal_id=goal_id, before=before, after=after, op_id=op_id)
    session.add(entry)
    outbox.note_event(session, entry)  # its notifications commit with it
    return entry


_INSERT = Event.__table__.insert().returning(Event.__table__.c.id)


def record_at_once(session, *, kind, person_id, team_id, action_id, before, after, op_id):
    """`record`, written at once by one INSERT instead of the session's flush: for the hottest
    write (a move). The Event returned is what was written; it is not in the session."""
    entry = Event(at=utcnow(), kind=kind, person_id=person_id, team_id=team_id,
                  action_id=action_id, goal_id=None, before=before, after=after, op_id=op_id)
    entry.id = session.connection().execute(_INSERT, {
        "at": entry.at, "kind": kind, "person_id": person_id, "team_id": team_id,
        "action_id": action_id, "goal_id": None, "before": before, "after": after,
        "op_id": op_id}).scalar_one()
    outbox.note_event(session, entry)  # its notifications commit with it
    return entry


def latest_id(session):
    """The newest Event's id (0 for an empty log): how far the log had got when read."""
    return session.exec(select(func.max(Event.id))).one() or 0
