"""Reading indicators: a goal's list, and one indicator with its values and baselines."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from .access import get_or_404
from .errors import N_
from .models import Goal, Indicator, IndicatorBaseline, IndicatorValue
from .periods import Period, current_period
from .xmr import xmr_analysis


@dataclass
class IndicatorView:
    """An indicator with what its page, chart and exports show."""

    indicator: Indicator
    goal: Goal
    values: list  # IndicatorValue rows, oldest period first
    baselines: list  # IndicatorBaseline rows, oldest first; the last one is in force
    current: Period  # the period running now (a form pre-selects it)

    @property
    def baseline(self):
        """The baseline in force, or None (limits from the first values)."""
        return self.baselines[-1] if self.baselines else None

    @property
    def since_baseline(self):
        """The values the limits are computed from: those from the baseline's period on."""
        if self.baseline is None:
            return self.values
        return [v for v in self.values if v.ordinal >= self.baseline.from_ordinal]

    @property
    def keys(self):
        """{ordinal: period key} of the values (the analysis counts periods by ordinal)."""
        return {v.ordinal: v.period for v in self.values}

    def analysis(self):
        """The values read as an XmR chart, a segment per baseline; periods are ordinals."""
        return xmr_analysis([(v.ordinal, v.value) for v in self.values],
                            baseline_starts(self.baselines))


def baseline_starts(baselines):
    """The ordinals where baselines begin, oldest first: a baseline started later from an
    earlier period replaces those that begin at or after it."""
    starts = []
    for baseline in baselines:
        starts = [s for s in starts if s < baseline.from_ordinal] + [baseline.from_ordinal]
    return starts


def goal_indicators(session, goal_id):
    """The goal and its indicators, retired ones included, in the order they were added."""
    goal = get_or_404(session, Goal, goal_id, N_("Unknown goal."))
    rows = session.exec(select(Indicator).where(Indicator.goal_id == goal.id)
                        .order_by(Indicator.id)).all()
    return goal, list(rows)


def indicator_view(session, indicator_id):
    """One indicator with its values in period order and its baselines."""
    indicator = get_or_404(session, Indicator, indicator_id, N_("Unknown indicator."))
    values = session.exec(select(IndicatorValue)
                          .where(IndicatorValue.indicator_id == indicator.id)
                          .order_by(IndicatorValue.ordinal)).all()
    baselines = session.exec(select(IndicatorBaseline)
                             .where(IndicatorBaseline.indicator_id == indicator.id)
                             .order_by(IndicatorBaseline.id)).all()
    return IndicatorView(indicator, session.get(Goal, indicator.goal_id), list(values),
                         list(baselines), current_period(session, indicator.period))


def indicators_of_goals(session, goal_ids, *, retired=False):
    """{goal id: [its indicators]} for many goals in one statement (a goals panel); retired
    indicators only when asked."""
    if not goal_ids:
        return {}
    statement = select(Indicator).where(Indicator.goal_id.in_(list(goal_ids)))
    if not retired:
        statement = statement.where(Indicator.retired_at.is_(None))
    found = {}
    for row in session.exec(statement.order_by(Indicator.id)).all():
        found.setdefault(row.goal_id, []).append(row)
    return found


def latest_values(session, indicator_ids):
    """{indicator id: its value of the latest period that has one}, in one statement."""
    if not indicator_ids:
        return {}
    latest = (select(IndicatorValue.indicator_id, func.max(IndicatorValue.ordinal).label("last"))
              .where(IndicatorValue.indicator_id.in_(list(indicator_ids)))
              .group_by(IndicatorValue.indicator_id).subquery())
    rows = session.exec(select(IndicatorValue).join(
        latest, (latest.c.indicator_id == IndicatorValue.indicator_id)
        & (latest.c.last == IndicatorValue.ordinal))).all()
    return {row.indicator_id: row for row in rows}


def indicator_views_of_goals(session, goal_ids, *, retired=False):
    """{goal id: [IndicatorView]} of the goals' indicators in use (retired ones too when asked),
    with all their values and baselines (a panel's sparklines): three statements, one when
    there are no indicators."""
    found = indicators_of_goals(session, goal_ids, retired=retired)
    ids = [row.id for rows in found.values() for row in rows]
    values, baselines = {}, {}
    if ids:
        for row in session.exec(select(IndicatorValue)
                                .where(IndicatorValue.indicator_id.in_(ids))
                                .order_by(IndicatorValue.indicator_id, IndicatorValue.ordinal)):
            values.setdefault(row.indicator_id, []).append(row)
        for row in session.exec(select(IndicatorBaseline)
                                .where(IndicatorBaseline.indicator_id.in_(ids))
                                .order_by(IndicatorBaseline.id)):
            baselines.setdefault(row.indicator_id, []).append(row)
    return {goal_id: [IndicatorView(row, None, values.get(row.id, []), baselines.get(row.id, []),
                                    None) for row in rows]
            for goal_id, rows in found.items()}
