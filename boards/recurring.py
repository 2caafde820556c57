"""Recurring actions (standard work): a card that comes back every n cycles.

A card with `repeat_every` n > 0 starts a series (its `series_id` is its own id). The series'
next card is due n cycles after its latest one: with an unchanged n, in the series' first
cycle + k·n. The newest card of the series carries the rhythm: changing its `repeat_every`
changes the series from there, 0 stops it; `stop_series` stops it from any of its cards.
A copy has the newest card's title, notes, owner and goal (the goal while it is open), starts
in "todo" and repeats like it. An unfinished card of a series is decided at the close like any
other (carried, dropped or split); the series' next copy comes all the same.

Cycles are computed and reads never write, so copies are made at two deliberate moments only:
when a team closes a cycle (into the next one) and when `flask repeat-actions` runs (into each
team's working cycle, for teams that do not close). Each copy is marked in `SeriesCopy` under
the board's lock, so a second run, or two processes at once, make it once; a deleted copy
stays deleted.

When the owner is no longer an active member of the team, the copy goes to the team's delegate
if they are one; otherwise that cycle's copy is skipped (logged once as "repeat_skipped").
"""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from . import events, ordering
from .access import active_person, is_member, require_team_writer
from .changes import Change, check_version, lock_team, locked_action
from .cycles import team_cycle_closed, team_cycles
from .models import Action, Goal, Person, SeriesCopy, Team, utcnow
from .queries import card_in_session


def join_series(session, action):
    """After an edit: a card that starts repeating starts a series (a card keeps its series)."""
    if action.repeat_every and action.series_id is None:
        action.series_id = action.id
        session.add(SeriesCopy(series_id=action.id, cycle_number=action.cycle_number,
                               action_id=action.id))


@dataclass
class RepeatResult:
    """The copies made (Changes to publish)."""

    changes: list = field(default_factory=list)


def repeat_actions(session, team_id, cycle_number, actor_id=None):
    """Make the team's series' copies due in `cycle_number`; a list of Changes ("created").

    `actor_id`: who closed the cycle, or None when the scheduler's command runs.
    """
    team = lock_team(session, team_id)  # every run for this board waits for the one before
    if team is None or team.retired_at is not None \
            or team_cycle_closed(session, team_id, cycle_number):
        return []
    cards = session.exec(select(Action).where(
        Action.team_id == team_id, Action.series_id.is_not(None),
        Action.cycle_number < cycle_number).order_by(Action.cycle_number, Action.id)).all()
    newest = {card.series_id: card for card in cards}  # the last one per series wins
    if not newest:
        return []
    marks = session.exec(select(SeriesCopy.series_id, func.max(SeriesCopy.cycle_number)).where(
        SeriesCopy.series_id.in_(list(newest))).group_by(SeriesCopy.series_id)).all()
    last_made = dict(marks)
    changes = []
    for series_id, card in sorted(newest.items()):
        anchor = max(card.cycle_number, last_made.get(series_id, 0))
        every = card.repeat_every
        if every and cycle_number > anchor and (cycle_number - anchor) % every == 0:
            change = _copy(session, team, card, cycle_number, actor_id)
            if change is not None:
                changes.append(change)
    return changes


def _owner_of_copy(session, team, card):
    for person_id in (card.owner_id, team.delegate_id):
        person = session.get(Person, person_id) if person_id else None
        if person is not None and person.active and is_member(session, person.id, team.id):
            return person
    return None


def _copy(session, team, card, cycle_number, actor_id):
    owner = _owner_of_copy(session, team, card)
    if owner is None:
        session.add(SeriesCopy(series_id=card.series_id, cycle_number=cycle_number))
        events.record(session, kind="repeat_skipped", person_id=actor_id, team_id=team.id,
                      action_id=card.id, after={"title": card.title, "cycle": cycle_number,
                                                "series_id": card.series_id})
        return None
    goal = session.get(Goal, card.goal_id) if card.goal_id else None
    last = session.exec(select(func.max(Action.position)).where(
        Action.team_id == team.id, Action.cycle_number == cycle_number,
        Action.status == "todo")).one()
    new = Action(title=card.title, notes=card.notes, owner_id=owner.id, team_id=team.id,
                 goal_id=goal.id if goal is not None and goal.status == "open" else None,
                 cycle_number=cycle_number, status="todo",
                 position=ordering.key_between(last, None),
                 repeat_every=card.repeat_every, series_id=card.series_id)
    session.add(new)
    session.flush()
    session.add(SeriesCopy(series_id=card.series_id, cycle_number=cycle_number, action_id=new.id))
    entry = events.record(session, kind="repeated", person_id=actor_id, team_id=team.id,
                          action_id=new.id, after=dict(events.snapshot(new),
                                                       series_id=card.series_id,
                                                       repeated_from_id=card.id))
    change = Change("created", new, team, owner, entry)
    change.card = card_in_session(session, new, owner, team)
    return change


def repeat_due_actions(session, today=None):
    """The scheduler's run: every team's due copies into its working cycle (idempotent)."""
    team_ids = session.exec(select(Team.id).where(Team.retired_at.is_(None))
                            .order_by(Team.id)).all()
    result = RepeatResult()
    for team_id in team_ids:
        number = team_cycles(session, team_id, today=today).working.number
        result.changes += repeat_actions(session, team_id, number)
    return result


def stop_series(session, actor_id, action_id, version):
    """Stop the series of this card: no card of it repeats any more; the copies stay.

    Allowed from any card of the series, also one in a closed cycle: it changes the series'
    future, not what the closed cycle recorded (title, status, outcome)."""
    actor = active_person(session, actor_id)
    action, team = locked_action(session, action_id)
    require_team_writer(session, actor, team)
    check_version(action, version)
    if action.series_id is None:
        repeating = [action] if action.repeat_every else []
    else:
        repeating = session.exec(select(Action).where(
            Action.series_id == action.series_id, Action.repeat_every > 0)
            .order_by(Action.id)).all()
    result = RepeatResult()
    for card in repeating:
        before = events.snapshot(card)
        card.repeat_every = 0
        card.version += 1
        card.updated_at = utcnow()
        entry = events.record(session, kind="repeat_stopped", person_id=actor.id,
                              team_id=team.id, action_id=card.id, before=before,
                              after=events.snapshot(card))
        owner = session.get(Person, card.owner_id)
        change = Change("changed", card, team, owner, entry)
        change.card = card_in_session(session, card, owner, team)
        result.changes.append(change)
    return result
