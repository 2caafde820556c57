"""What the activity log's entries refer to, so each can be told as a sentence (app/history.py).

The log stores ids; a sentence needs names. `names_for` reads every person, team, goal,
ambition and card that a batch of events mentions in a fixed number of queries.
"""

from dataclasses import dataclass, field

from sqlmodel import select

from .models import Action, Ambition, Goal, Person, Team

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


def _ids(events):
    wanted = {"people": set(), "teams": set(), "goals": set(), "ambitions": set(),
              "actions": set()}
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
    return {key: {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
            for key, ids in wanted.items()}


def names_for(session, events):
    """The names the events mention (five queries at most, whatever their number)."""
    ids = _ids(events)
    names = Names()
    if ids["people"]:
        names.people = dict(session.exec(select(Person.id, Person.name)
                                         .where(Person.id.in_(ids["people"]))).all())
    if ids["teams"]:
        names.teams = dict(session.exec(select(Team.id, Team.name)
                                        .where(Team.id.in_(ids["teams"]))).all())
    if ids["goals"]:
        names.goals = dict(session.exec(select(Goal.id, Goal.title)
                                        .where(Goal.id.in_(ids["goals"]))).all())
    if ids["ambitions"]:
        names.ambitions = dict(session.exec(select(Ambition.id, Ambition.title)
                                            .where(Ambition.id.in_(ids["ambitions"]))).all())
    if ids["actions"]:
        names.actions = dict(session.exec(select(Action.id, Action.title)
                                          .where(Action.id.in_(ids["actions"]))).all())
    return names
