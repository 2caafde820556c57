"""Cycle review and history: what each team and ambition did, carried over and dropped."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from .cycles import Cycle, cycle_by_number, cycle_number_on, cycle_of, organisation
from .idea_lists import idea_counts
from .models import Action, Event, Goal, Person, Team, TeamCycle
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
    goals_achieved: int = 0  # goals marked achieved within the cycle (not actions: not in total)

    @property
    def total(self):
        """Every action of the cycle."""
        return self.done + self.carried + self.dropped + self.split + self.open

    def count(self, outcome, escalated):
        """Count one action with this outcome."""
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.escalated += escalated


@dataclass
class GoalRow:
    """A short-term goal's actions in the cycle, with its path and what became of it."""

    goal: Goal
    long_goal: Goal
    ambition: object
    counts: Counts


@dataclass
class CycleReview:
    """One cycle in review."""

    cycle: Cycle
    teams: list  # [(Team, Counts, TeamCycle or None)]
    ambitions: list  # [(Ambition, Counts)]
    total: Counts
    without_goal: Counts = field(default_factory=Counts)  # "Zonder doel": completes every table
    # Long-term goals belong to no team: their achievements complete the per-team table.
    organisation_wide: Counts = field(default_factory=Counts)
    goals: list = field(default_factory=list)  # [GoalRow] with actions or achieved this cycle
    achieved_goals: list = field(default_factory=list)  # [Goal] marked achieved in the cycle
    trend: list = field(default_factory=list)  # [(cycle number, Counts)]
    repeated: list = field(default_factory=list)  # actions carried over repeatedly
    ideas: list = field(default_factory=list)  # [(Team, IdeaCounts)] with ideas in the cycle


def outcome_of(action):
    """done, carried, dropped, split or open."""
    if action.status == "done":
        return "done"
    return action.outcome or "open"


def cycle_review(session, number):
    """Per team, ambition and goal: done, carried over, dropped, split, escalated, goals achieved;
    actions without a goal form their own row, so every table adds up to the total."""
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
    by_goal = {}
    total, without_goal, organisation_wide = Counts(), Counts(), Counts()
    rows = session.exec(select(Action).where(Action.cycle_number == cycle.number)).all()
    for action in rows:
        goal = goals.get(action.goal_id)
        targets = [by_team[action.team_id], total]
        if goal is None:
            targets.append(without_goal)
        else:
            targets += [by_ambition[goal.ambition_id], by_goal.setdefault(goal.id, Counts())]
        for counts in targets:
            counts.count(outcome_of(action), action.id in escalated)
    achieved = [g for g in goals.values() if g.achieved_on is not None
                and cycle.start <= g.achieved_on <= cycle.end]
    for goal in achieved:
        targets = [total, by_ambition[goal.ambition_id], by_goal.setdefault(goal.id, Counts()),
                   by_team.get(goal.team_id, organisation_wide)]
        for counts in targets:
            counts.goals_achieved += 1
    review = CycleReview(
        cycle, [(t, by_team[t.id], records.get(t.id)) for t in teams if by_team[t.id].total
                or by_team[t.id].goals_achieved or t.id in records],
        [(ambitions[a], c) for a, c in by_ambition.items()], total, without_goal=without_goal,
        organisation_wide=organisation_wide,
        achieved_goals=sorted(achieved, key=lambda g: (g.achieved_on, g.title)))
    review.goals = _goal_rows(by_goal, goals, ambitions)
    review.trend = _trend(session, cycle)
    review.repeated = _repeated(session, cycle)
    ideas = idea_counts(session, cycle)
    review.ideas = [(t, ideas[t.id]) for t in teams if t.id in ideas]
    return review


def _goal_rows(by_goal, goals, ambitions):
    """Goal rows in the order of their ambitions, long-term goals and titles."""
    order = {a: i for i, a in enumerate(ambitions)}
    rows = [GoalRow(goals[i], goals.get(goals[i].parent_id), ambitions.get(goals[i].ambition_id),
                    counts) for i, counts in by_goal.items()]
    return sorted(rows, key=lambda r: (order.get(r.goal.ambition_id, 0), r.goal.horizon,
                                       r.long_goal.title if r.long_goal else "", r.goal.title))


def _trend(session, cycle):
    first = cycle.number - TREND_CYCLES + 1
    rows = session.exec(
        select(Action.cycle_number, Action.status, Action.outcome, func.count())
        .where(Action.cycle_number >= first, Action.cycle_number <= cycle.number)
        .group_by(Action.cycle_number, Action.status, Action.outcome)).all()
    trend = {}
    for number, status, outcome, count in rows:
        counts = trend.setdefault(number, Counts())
        key = "done" if status == "done" else (outcome or "open")
        setattr(counts, key, getattr(counts, key) + count)
    org = organisation(session)
    since = cycle_of(org, max(first, 1)).start
    for day in session.exec(select(Goal.achieved_on).where(Goal.achieved_on >= since,
                                                           Goal.achieved_on <= cycle.end)).all():
        trend.setdefault(cycle_number_on(org, day), Counts()).goals_achieved += 1
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
