"""Cycle review and history: what each team and ambition did, carried over and dropped."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from .cycles import Cycle, cycle_by_number
from .models import Action, Event, Person, Team, TeamCycle
from .queries import goal_index, make_card

TREND_CYCLES = 8
# Carried over this often or more: the card is flagged on the board and in the review.
REPEATEDLY_CARRIED = 2


@dataclass
class Counts:
    """An outcome tally for a team, an ambition or a whole cycle."""

    done: int = 0
    carried: int = 0
    dropped: int = 0
    split: int = 0
    open: int = 0
    escalated: int = 0

    @property
    def total(self):
        """Every action of the cycle."""
        return self.done + self.carried + self.dropped + self.split + self.open


@dataclass
class CycleReview:
    """One cycle in review."""

    cycle: Cycle
    teams: list  # [(Team, Counts, TeamCycle or None)]
    ambitions: list  # [(Ambition, Counts)]
    total: Counts
    trend: list = field(default_factory=list)  # [(cycle number, Counts)]
    repeated: list = field(default_factory=list)  # actions carried over repeatedly


def outcome_of(action):
    """done, carried, dropped, split or open."""
    if action.status == "done":
        return "done"
    return action.outcome or "open"


def cycle_review(session, number):
    """Per team and per ambition: done, carried over, dropped, split, escalated; and a trend."""
    cycle = cycle_by_number(session, number)
    goals, ambitions = goal_index(session)
    escalated = set(session.exec(select(Event.action_id).join(Action, Action.id == Event.action_id)
                                 .where(Action.cycle_number == cycle.number,
                                        Event.kind == "help_requested")).all())
    teams = session.exec(select(Team).order_by(Team.kind, Team.name)).all()
    records = {r.team_id: r for r in session.exec(
        select(TeamCycle).where(TeamCycle.cycle_number == cycle.number)).all()}
    by_team = {t.id: Counts() for t in teams}
    by_ambition = {a.id: Counts() for a in ambitions.values()}
    total = Counts()
    rows = session.exec(select(Action).where(Action.cycle_number == cycle.number)).all()
    for action in rows:
        outcome = outcome_of(action)
        targets = [by_team[action.team_id], total]
        goal = goals.get(action.goal_id)
        if goal is not None:
            targets.append(by_ambition[goal.ambition_id])
        for counts in targets:
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            counts.escalated += action.id in escalated
    review = CycleReview(
        cycle, [(t, by_team[t.id], records.get(t.id)) for t in teams if by_team[t.id].total
                or t.id in records],
        [(ambitions[a], c) for a, c in by_ambition.items()], total)
    review.trend = _trend(session, cycle)
    review.repeated = _repeated(session, cycle)
    return review


def _trend(session, cycle):
    rows = session.exec(
        select(Action.cycle_number, Action.status, Action.outcome, func.count())
        .where(Action.cycle_number > cycle.number - TREND_CYCLES,
               Action.cycle_number <= cycle.number)
        .group_by(Action.cycle_number, Action.status, Action.outcome)).all()
    trend = {}
    for number, status, outcome, count in rows:
        counts = trend.setdefault(number, Counts())
        key = "done" if status == "done" else (outcome or "open")
        setattr(counts, key, getattr(counts, key) + count)
    return sorted(trend.items())


def _repeated(session, cycle):
    return session.exec(
        select(Action, Person, Team).join(Person, Person.id == Action.owner_id)
        .join(Team, Team.id == Action.team_id)
        .where(Action.cycle_number == cycle.number, Action.carry_count >= REPEATEDLY_CARRIED)
        .order_by(Team.name, Action.title)).all()


def board_activity(session, team_id, limit=100):
    """The board's activity feed: newest events first, with who and which card."""
    return session.exec(
        select(Event, Person, Action.title).outerjoin(Person, Person.id == Event.person_id)
        .outerjoin(Action, Action.id == Event.action_id)
        .where(Event.team_id == team_id).order_by(Event.id.desc()).limit(limit)).all()


def all_events(session):
    """The whole activity log, oldest first (for an admin's export)."""
    return session.exec(select(Event, Person).outerjoin(Person, Person.id == Event.person_id)
                        .order_by(Event.id)).yield_per(1000)


def cycle_cards(session, cycle):
    """Every action of a cycle across teams, with owner and goal path, in board order."""
    goals, ambitions = goal_index(session)
    rows = session.exec(
        select(Action, Person, Team).join(Person, Person.id == Action.owner_id)
        .join(Team, Team.id == Action.team_id).where(Action.cycle_number == cycle.number)
        .order_by(Team.name, Action.status, Action.position)).all()
    return [make_card(a, p, t, goals, ambitions) for a, p, t in rows]
