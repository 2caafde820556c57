"""Closing a team's cycle: every unfinished action is carried, dropped or split, explicitly."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from . import escalation, events, ordering, recurring
from .access import active_person, is_id, require_team_writer, writable_team_ids
from .changes import Change, lock_team
from .cycles import Cycle, cycle_by_number, today_local
from .errors import N_, Conflict, Invalid
from .models import Action, Person, TeamCycle, utcnow
from .queries import card_in_session, team_by_slug
from .validation import clean_text

DECISIONS = ("carry", "drop", "split")
OUTCOME_OF = {"carry": "carried", "drop": "dropped", "split": "split"}
RETRO_FIELDS = ("went_well", "to_improve", "do_differently")
RETRO_MAX = 4000


@dataclass
class CloseResult:
    """What closing changed: the new cards in the next cycle, for broadcasting."""

    cycle: Cycle
    next_cycle: Cycle
    already_closed: bool
    counts: dict = field(default_factory=dict)
    carried: list = field(default_factory=list)  # Changes: the new cards in the next cycle
    closed: list = field(default_factory=list)  # Changes: the unfinished cards, now decided
    repeated: list = field(default_factory=list)  # Changes: recurring actions' next copies

    @property
    def changes(self):
        """Everything to publish."""
        return self.closed + self.carried + self.repeated


def team_cycle(session, team_id, number):
    """The team's record of a cycle (unsaved and empty when there is none yet)."""
    return session.get(TeamCycle, (team_id, number)) or TeamCycle(team_id=team_id,
                                                                  cycle_number=number)


def _cycle(session, number):
    cycle = cycle_by_number(session, number)
    if cycle.start > today_local():
        raise Invalid(N_("A cycle that has not started cannot be closed."))
    return cycle


def closable_team_ids(session, person_id, cycle, teams):
    """The ids of `teams` whose `cycle` the person may close once it has started (whether a
    team closed it already is the record's to say)."""
    if cycle.start > today_local():
        return set()
    return writable_team_ids(session, active_person(session, person_id), teams)


def _reason(item, action_id):
    """The reason given with a decision, needed to drop an action; an error names the action."""
    try:
        return clean_text(item.get("reason"), "reason", 1000, required=item["decision"] == "drop",
                          missing=N_("Say why an action is dropped."))
    except Invalid as error:
        error.item = action_id
        raise


def _parse(decisions, unfinished):
    if not isinstance(decisions, list):
        raise Invalid(N_("Decisions must be a list."), field="decisions")
    chosen = {}
    for item in decisions:
        if not isinstance(item, dict) or item.get("decision") not in DECISIONS:
            raise Invalid(N_("Each decision is carry, drop or split."), field="decisions")
        action_id = item.get("action_id")
        if not is_id(action_id) or action_id not in unfinished:
            raise Invalid(N_("A decision names an action that is not unfinished in this cycle."),
                          field="decisions")
        chosen[action_id] = (item["decision"], _reason(item, action_id))
    missing = set(unfinished) - set(chosen)
    if missing:
        raise Invalid(N_("Every unfinished action needs a decision: carry, drop or split."),
                      field="decisions")
    return chosen


def close_team_cycle(session, actor_id, slug, number, decisions, retrospective=None):
    """Close the cycle for one team in a single transaction; a repeat changes nothing."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, slug)
    require_team_writer(session, actor, team)
    cycle = _cycle(session, number)
    next_cycle = cycle_by_number(session, cycle.number + 1)
    lock_team(session, team.id)  # held until the unit of work commits
    cards = session.exec(select(Action).where(Action.team_id == team.id,
                                              Action.cycle_number == cycle.number)).all()
    record = team_cycle(session, team.id, cycle.number)
    if record.closed_at is not None:
        return _repeat(cards, decisions, cycle, next_cycle)
    unfinished = {c.id: c for c in cards if c.status != "done"}
    chosen = _parse(decisions, unfinished)
    result = CloseResult(cycle, next_cycle, False,
                         dict.fromkeys(("carried", "dropped", "split"), 0))
    for action_id, (decision, reason) in sorted(chosen.items()):
        closed, carried = _decide(session, actor, team, unfinished[action_id], decision, reason,
                                  next_cycle)
        result.counts[OUTCOME_OF[decision]] += 1
        result.closed.append(closed)
        if carried is not None:
            result.carried.append(carried)
    result.counts["done"] = len(cards) - len(unfinished)
    _apply_retrospective(record, retrospective or {})
    record.closed_at, record.closed_by = utcnow(), actor.id
    session.add(record)
    events.record(session, kind="cycle_closed", person_id=actor.id, team_id=team.id,
                  after={"cycle": cycle.number, **result.counts})
    for action in cards:
        # Whatever was not handed to a copy ends with the cycle.
        escalation.end_escalation(session, action, actor.id, escalation.ENDED_CLOSED)
    result.repeated = recurring.repeat_actions(session, team.id, next_cycle.number, actor.id)
    for change in result.changes:
        change.card = card_in_session(session, change.action, change.owner, change.team)
    session.flush()
    return result


def _repeat(cards, decisions, cycle, next_cycle):
    """A retried close: fine when it asks for what was done, a conflict otherwise."""
    outcomes = {c.id: c.outcome for c in cards if c.outcome}
    asked = {d["action_id"]: OUTCOME_OF.get(d.get("decision")) if isinstance(
        d.get("decision"), str) else None for d in decisions
        if isinstance(d, dict) and is_id(d.get("action_id"))} if isinstance(decisions, list) else {}
    if any(outcomes.get(action_id) != outcome for action_id, outcome in asked.items()):
        raise Conflict(N_("This cycle is already closed for this team, with other decisions."))
    return CloseResult(cycle, next_cycle, True)


def _decide(session, actor, team, action, decision, reason, next_cycle):
    before = events.snapshot(action)
    action.outcome, action.outcome_reason = OUTCOME_OF[decision], reason
    action.version += 1
    action.updated_at = utcnow()
    kind = {"carry": "carried_over", "drop": "dropped", "split": "split"}[decision]
    new = None
    if decision != "drop":
        title = action.title if decision == "carry" else (reason or f"{action.title} (vervolg)")
        new = _copy_into(session, action, next_cycle, title[:200])
        escalation.hand_over(session, action, new, actor.id)
    after = dict(events.snapshot(action), outcome=action.outcome, reason=reason,
                 next_action_id=new.id if new else None)
    entry = events.record(session, kind=kind, person_id=actor.id, team_id=team.id,
                          action_id=action.id, before=before, after=after)
    owner = session.get(Person, action.owner_id)
    closed = Change("changed", action, team, owner, entry)
    if new is None:
        return closed, None
    created = events.record(session, kind="created", person_id=actor.id, team_id=team.id,
                            action_id=new.id, after=dict(events.snapshot(new),
                                                         carried_from_id=action.id))
    return closed, Change("created", new, team, owner, created)


def _copy_into(session, action, cycle, title):
    status = action.status if action.status == "doing" else "todo"
    last = session.exec(select(func.max(Action.position)).where(
        Action.team_id == action.team_id, Action.cycle_number == cycle.number,
        Action.status == status)).one()
    new = Action(title=title, notes=action.notes, owner_id=action.owner_id, team_id=action.team_id,
                 goal_id=action.goal_id, cycle_number=cycle.number, status=status,
                 position=ordering.key_between(last, None),
                 carried_from_id=action.id, carry_count=action.carry_count + 1)
    session.add(new)
    session.flush()
    return new


def _apply_retrospective(record, retrospective):
    if not isinstance(retrospective, dict):
        raise Invalid(N_("The retrospective has the fields went_well, to_improve and "
                         "do_differently."), field="retrospective")
    for name in RETRO_FIELDS:
        value = retrospective.get(name)
        if value is None:
            continue
        setattr(record, name, clean_text(value, name, RETRO_MAX))


def save_retrospective(session, actor_id, slug, number, retrospective):
    """Write the team's retrospective for a cycle (until the cycle is closed)."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, slug)
    require_team_writer(session, actor, team)
    cycle = _cycle(session, number)
    lock_team(session, team.id)
    record = team_cycle(session, team.id, cycle.number)
    if record.closed_at is not None:
        raise Conflict(N_("This cycle is closed; its record no longer changes."))
    before = {name: getattr(record, name) for name in RETRO_FIELDS}
    _apply_retrospective(record, retrospective)
    session.add(record)
    events.record(session, kind="retrospective_saved", person_id=actor.id, team_id=team.id,
                  before=before, after={name: getattr(record, name) for name in RETRO_FIELDS})
    session.flush()
    return record


def preview_close(session, actor_id, slug, number, decisions):
    """What closing with these decisions would do (counts per outcome); writes nothing.

    Raises what close_team_cycle would raise for the same decisions, so the confirmation
    is only shown for a close that can go through.
    """
    actor = active_person(session, actor_id)
    team = team_by_slug(session, slug)
    require_team_writer(session, actor, team)
    cycle = _cycle(session, number)
    if team_cycle(session, team.id, cycle.number).closed_at is not None:
        raise Conflict(N_("This cycle is closed; its record no longer changes."))
    cards = session.exec(select(Action).where(Action.team_id == team.id,
                                              Action.cycle_number == cycle.number)).all()
    unfinished = {c.id: c for c in cards if c.status != "done"}
    chosen = _parse(decisions, unfinished)
    counts = dict.fromkeys(("done", "carried", "dropped", "split"), 0)
    counts["done"] = len(cards) - len(unfinished)
    for decision, _reason in chosen.values():
        counts[OUTCOME_OF[decision]] += 1
    return counts
