"""Reading one goal's page: the goal, its place under its ambition, its indicators and the
actions done towards it."""

from dataclasses import dataclass
from datetime import timezone

from sqlmodel import select

from .access import get_or_404
from .cycles import cycle_number_on, organisation, today_local
from .errors import N_
from .indicator_reads import indicator_view
from .models import Action, Ambition, Goal, Indicator, Team
from .periods import period_on


@dataclass
class DoneAction:
    """An action done towards the goal, and the day it was done."""

    id: int
    title: str
    day: object  # date


@dataclass
class GoalPage:
    """What /goals/<id> shows."""

    goal: Goal
    ambition: Ambition
    parent: Goal | None  # a short-term goal's long-term goal
    team: Team | None  # a team's goal's team
    indicators: list  # IndicatorView, retired ones last
    done: list  # DoneAction, oldest first


def goal_page(session, goal_id):
    """The goal with its ambition, its indicators' values and baselines, and its done actions
    (a long-term goal's include those of its short-term goals)."""
    goal = get_or_404(session, Goal, goal_id, N_("Unknown goal."))
    ids = session.exec(select(Indicator.id).where(Indicator.goal_id == goal.id)
                       .order_by(Indicator.retired_at.is_not(None), Indicator.id)).all()
    return GoalPage(goal, session.get(Ambition, goal.ambition_id),
                    session.get(Goal, goal.parent_id) if goal.parent_id else None,
                    session.get(Team, goal.team_id) if goal.team_id else None,
                    [indicator_view(session, i) for i in ids], done_actions(session, goal))


def done_actions(session, goal):
    """The actions done towards a goal, oldest first. A card's last change is taken as the day
    it was done: a done card is seldom changed again, and the log need not be searched."""
    children = select(Goal.id).where(Goal.parent_id == goal.id)
    rows = session.exec(select(Action)
                        .where(Action.status == "done",
                               (Action.goal_id == goal.id) | Action.goal_id.in_(children))
                        .order_by(Action.updated_at, Action.id)).all()
    return [DoneAction(a.id, a.title, today_local(_aware(a.updated_at))) for a in rows]


def _aware(moment):
    """SQLite hands back stored UTC times without their offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def done_periods(session, view, done):
    """The done actions as (ordinal, title) in the indicator's kind of period (a cycle's
    number is the organisation's cycle on that day)."""
    if view.indicator.period == "cycle":
        org = organisation(session)
        return [(cycle_number_on(org, a.day), a.title) for a in done]
    return [(period_on(view.indicator.period, a.day).ordinal, a.title) for a in done]
