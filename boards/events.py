"""The activity log: every change writes exactly one Event."""

from functools import lru_cache

from sqlalchemy import bindparam, func
from sqlmodel import select

from .direct import Direct, entity
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


_EVENT = Event.__table__
_COLUMNS = ("at", "kind", "person_id", "team_id", "action_id", "goal_id", "before", "after",
            "op_id")
_INSERT = _EVENT.insert().values(
    {_EVENT.c[name]: bindparam(f"event_{name}", type_=_EVENT.c[name].type) for name in _COLUMNS}
).returning(_EVENT.c.id)


_INSERT_DIRECT = Direct(_INSERT)


@lru_cache(maxsize=None)
def _direct(statement):
    return Direct(statement)


@lru_cache(maxsize=None)
def _insert_along(along):
    return Direct(_INSERT.add_cte(along.cte("along")))


def record_at_once(session, *, kind, person_id, team_id, action_id, before, after, op_id,
                   along=None, along_params=None):
    """`record`, written at once by one INSERT instead of the session's flush: for the hottest
    write (a move). The Event returned is what was written; it is not in the session.

    `along`, a statement built once (the change itself, with `along_params`), is written in
    the same statement on PostgreSQL (a data-modifying WITH: one round trip less) and just
    before the INSERT elsewhere.
    """
    values = {"at": utcnow(), "kind": kind, "person_id": person_id, "team_id": team_id,
              "action_id": action_id, "goal_id": None, "before": before, "after": after,
              "op_id": op_id}
    params = {f"event_{name}": value for name, value in values.items()}
    session.flush()  # Events recorded earlier in this unit of work get the lower ids
    insert = _INSERT_DIRECT
    if along is not None and session.get_bind().dialect.name == "postgresql":
        insert = _insert_along(along)
        params.update(along_params)
    elif along is not None:
        _direct(along).rows(session, along_params)
    entry = entity(Event, {"id": insert.first(session, params)[0], **values})
    session.info.setdefault(RECORDED, []).append(entry)
    return entry


_LATEST_ID = Direct(select(func.max(Event.id)))


def latest_id(session):
    """The newest Event's id (0 for an empty log): how far the log had got when read.

    Read before every live page and every socket's join: on the driver's cursor (direct.py)."""
    return _LATEST_ID.first(session, {})[0] or 0
