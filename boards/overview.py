"""The Team van teams overview: aggregates in a fixed number of queries, whatever the size."""

from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlmodel import select

from .cycles import Cycle, current_cycle, today_local
from .escalation import open_escalations
from .models import STATUSES, Action, Goal, Team
from .queries import goal_index

HISTORY_CYCLES = 6


@dataclass
class Tally:
    """Done out of total."""

    done: int = 0
    total: int = 0

    def add(self, status, count):
        """Count `count` actions of `status`."""
        self.total += count
        if status == "done":
            self.done += count

    @property
    def percent(self):
        """Share done, 0–100."""
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class TeamSummary:
    """One team's board at a glance."""

    team: Team
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    needs_help: int = 0
    overdue: int = 0
    without_goal: int = 0

    @property
    def total(self):
        """All actions this cycle."""
        return sum(self.counts.values())


@dataclass
class AmbitionSummary:
    """One ambition: its goals, teams and trend."""

    ambition: object
    tally: Tally = field(default_factory=Tally)
    goals: dict = field(default_factory=dict)  # goal id -> Tally
    teams: dict = field(default_factory=dict)  # team id -> Tally
    history: dict = field(default_factory=dict)  # cycle number -> Tally


@dataclass
class Overview:
    """Everything the overview shows."""

    cycle: Cycle
    goals: dict
    ambitions: list
    teams: list
    escalations: list


def overview_for(session, today=None):
    """All teams and ambitions for the current cycle, with escalations and a trend."""
    today = today or today_local()
    cycle = current_cycle(session, today)
    goals, ambitions = goal_index(session)
    teams = session.exec(select(Team).where(Team.kind == "team", Team.retired_at.is_(None))
                         .order_by(Team.name)).all()
    summaries = {t.id: TeamSummary(t) for t in teams}
    by_ambition = {a.id: AmbitionSummary(a) for a in ambitions.values()}
    _team_counts(session, cycle, today, summaries)
    _goal_counts(session, cycle, goals, by_ambition)
    _history(session, cycle, goals, by_ambition)
    return Overview(cycle, goals, list(by_ambition.values()), list(summaries.values()),
                    open_escalations(session, goals, ambitions))


def _team_counts(session, cycle, today, summaries):
    overdue = case(((Action.due_date < today) & (Action.status != "done"), 1), else_=0)
    rows = session.exec(
        select(Action.team_id, Action.status, func.count(),
               func.sum(case((Action.needs_help, 1), else_=0)), func.sum(overdue),
               func.sum(case((Action.goal_id.is_(None), 1), else_=0)))
        .where(Action.cycle_number == cycle.number).group_by(Action.team_id, Action.status)).all()
    for team_id, status, count, help_count, overdue_count, no_goal in rows:
        summary = summaries.get(team_id)
        if summary is None:
            continue  # the Team van teams' own cards
        summary.counts[status] += count
        summary.needs_help += help_count or 0
        summary.overdue += overdue_count or 0
        summary.without_goal += no_goal or 0


def _goal_counts(session, cycle, goals, by_ambition):
    rows = session.exec(
        select(Action.goal_id, Action.team_id, Action.status, func.count())
        .where(Action.cycle_number == cycle.number, Action.goal_id.is_not(None))
        .group_by(Action.goal_id, Action.team_id, Action.status)).all()
    for goal_id, team_id, status, count in rows:
        goal = goals[goal_id]
        summary = by_ambition[goal.ambition_id]
        summary.tally.add(status, count)
        summary.goals.setdefault(goal_id, Tally()).add(status, count)
        if goal.parent_id:
            summary.goals.setdefault(goal.parent_id, Tally()).add(status, count)
        summary.teams.setdefault(team_id, Tally()).add(status, count)


def _history(session, cycle, goals, by_ambition):
    rows = session.exec(
        select(Action.cycle_number, Goal.ambition_id, Action.status, func.count())
        .join(Goal, Goal.id == Action.goal_id)
        .where(Action.cycle_number > cycle.number - HISTORY_CYCLES,
               Action.cycle_number <= cycle.number)
        .group_by(Action.cycle_number, Goal.ambition_id, Action.status)).all()
    for number, ambition_id, status, count in rows:
        by_ambition[ambition_id].history.setdefault(number, Tally()).add(status, count)
