"""What the activity log's entries refer to, so each can be told as a sentence (app/history.py).

The log stores ids; a sentence needs names. `names_for` reads every person, team, goal,
ambition and card that a batch of events mentions in a fixed number of queries.
"""

from dataclasses import dataclass, field

from sqlmodel import select

from .models import Action, Ambition, Goal, Person, Team
from .numbers import is_int

PERSON_KEYS = ("person_id", "delegate_id", "owner_id")
ACTION_KEYS = ("next_action_id", "carried_from_id", "from_action_id")


@dataclass
class Names:
    """Names by id: people, teams, goals and ambitions, and card titles."""

    people: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)
    goals: dict = field(default_factory=dict)
    ambitions: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)


# Where each sort of name is read: Names' field, and the id and name columns.
NAME_COLUMNS = (
    ("people", Person.id, Person.name),
    ("teams", Team.id, Team.name),
    ("goals", Goal.id, Goal.title),
    ("ambitions", Ambition.id, Ambition.title),
    ("actions", Action.id, Action.title),
)


def _ids(events):
    wanted = {field_name: set() for field_name, _id, _name in NAME_COLUMNS}
    for event in events:
        wanted["people"].add(event.person_id)
        wanted["teams"].add(event.team_id)
        wanted["goals"].add(event.goal_id)
        wanted["actions"].add(event.action_id)
        for state in (event.before or {}, event.after or {}):
            if not isinstance(state, dict):
                continue
            for key in PERSON_KEYS:
                wanted["people"].add(state.get(key))
            for key in ACTION_KEYS:
                wanted["actions"].add(state.get(key))
            wanted["goals"].update((state.get("goal_id"), state.get("parent_id")))
            wanted["ambitions"].add(state.get("ambition_id"))
            wanted["ambitions"].update(state.get("ambition_ids") or ())
    return {key: {i for i in ids if is_int(i)}
            for key, ids in wanted.items()}


def names_for(session, events):
    """The names the events mention (five queries at most, whatever their number)."""
    ids = _ids(events)
    names = Names()
    for field_name, id_column, name_column in NAME_COLUMNS:
        if ids[field_name]:
            setattr(names, field_name, dict(session.exec(
                select(id_column, name_column).where(id_column.in_(ids[field_name]))).all()))
    return names


def logged_title(event):
    """The card's title as the event logged it (after the event, else before), or None."""
    for state in (event.after, event.before):
        if isinstance(state, dict) and isinstance(state.get("title"), str) and state["title"]:
            return state["title"]
    return None


def titles_then(events):
    """{event id: the card's title at that event} for card events that logged no title
    themselves, from the nearest earlier event of the same card in the batch."""
    known, then = {}, {}
    for event in sorted(events, key=lambda e: e.id or 0):
        if not event.action_id:
            continue
        title = logged_title(event)
        if title:
            known[event.action_id] = title
        elif event.action_id in known:
            then[event.id] = known[event.action_id]
    return then
