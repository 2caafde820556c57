"""The signals of every indicator whose period falls in a cycle (the cycle's review)."""

from dataclasses import dataclass

from sqlmodel import select

from .indicator_reads import indicator_views_of_goals
from .models import Goal, Indicator
from .periods import period_on


@dataclass
class CycleSignal:
    """One period of an indicator with the signals it is part of."""

    indicator: Indicator
    goal: Goal
    period: str
    signals: tuple  # boards.xmr.Signal


def period_range(kind, cycle):
    """The first and last ordinal of the indicator's periods that share a day with the cycle."""
    if kind == "cycle":
        return cycle.number, cycle.number
    return period_on(kind, cycle.start).ordinal, period_on(kind, cycle.end).ordinal


def cycle_signals(session, cycle):
    """Every signal whose period falls in the cycle, by goal and indicator (retired ones
    too: they signalled then)."""
    goal_ids = set(session.exec(select(Indicator.goal_id)).all())
    if not goal_ids:
        return []
    views = indicator_views_of_goals(session, goal_ids, retired=True)
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.id.in_(list(goal_ids))))}
    found = []
    for goal_id in sorted(views):
        for view in views[goal_id]:
            low, high = period_range(view.indicator.period, cycle)
            keys = view.keys
            found += [CycleSignal(view.indicator, goals[goal_id], keys[p.period], p.signals)
                      for p in view.analysis().points if p.signals and low <= p.period <= high]
    return found
