"""Sparklines of goals' indicators for a goals panel and the overview."""

from boards import indicator_reads
from boards.periods import current_period

from .xmr_chart import xmr_sparkline


def goal_sparklines(session, goals):
    """{goal id: [(indicator, Sparkline, key of the period running now)]} of the goals'
    indicators in use: the last values, the latest one and any signal, and the period a
    value form pre-selects."""
    views = indicator_reads.indicator_views_of_goals(session, [goal.id for goal in goals])
    currents = {}
    for rows in views.values():
        for view in rows:
            kind = view.indicator.period
            if kind not in currents:
                currents[kind] = current_period(session, kind).key
    return {goal_id: [(view.indicator, xmr_sparkline(view.analysis()),
                       currents[view.indicator.period]) for view in rows]
            for goal_id, rows in views.items()}
