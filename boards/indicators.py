"""Indicators of a goal: defining and retiring them, entering and correcting their values, and
starting a new baseline.

Whoever may change the goal manages its indicators (boards.goals.require_goal_editor). The
people who work towards the goal enter its values and start baselines (require_measurer).
A change to an existing indicator locks its row first. Every change writes one Event and
returns an IndicatorChange; the write door commits and publishes it.
"""

from sqlmodel import select

from . import events
from .access import active_person, is_id, require_team_writer, sets_organisation_goals
from .changes import IndicatorChange
from .errors import N_, Conflict, Forbidden, Invalid, NotFound
from .goals import _locked, require_goal_editor, showing_boards
from .indicator_signals import SIGNAL_EVENT, analysis_of, new_signals
from .models import (
    DIRECTIONS,
    Goal,
    Indicator,
    IndicatorBaseline,
    IndicatorValue,
    Membership,
    Team,
    TeamAmbition,
    utcnow,
)
from .numbers import MAX_DECIMALS, number_text, parse_number
from .pasted import pasted_rows
from .periods import check_kind, check_not_future, current_period, parse_period
from .validation import check_version, clean_line

EDITABLE = ("name", "unit", "direction", "decimals", "target")


def require_measurer(session, actor, goal):
    """Members of a team's goal's team enter its values (Conflict once the team is retired).
    A goal of no team (a long-term goal) is measured by the members of the teams working on
    its ambition, the teams whose boards show it, and by whoever sets long-term goals."""
    if goal.team_id is not None:
        require_team_writer(session, actor, session.get(Team, goal.team_id))
        return
    if sets_organisation_goals(session, actor):  # admins too
        return
    works_on_it = session.exec(
        select(Membership.team_id)
        .join(TeamAmbition, TeamAmbition.team_id == Membership.team_id)
        .join(Team, Team.id == Membership.team_id)
        .where(Membership.person_id == actor.id, TeamAmbition.ambition_id == goal.ambition_id,
               Team.retired_at.is_(None))).first()
    if works_on_it is None:
        raise Forbidden(N_("Only members of the teams working on this goal can enter its "
                           "values."))


def indicator_state(indicator):
    """The logged state of an indicator's definition."""
    return {"indicator_id": indicator.id, "name": indicator.name, "unit": indicator.unit,
            "direction": indicator.direction, "decimals": indicator.decimals,
            "target": number_text(indicator.target), "period": indicator.period}


def _clean(fields):
    """The checked values of an indicator's editable fields, by name."""
    values = {}
    if "name" in fields:
        values["name"] = clean_line(fields["name"], "name", 200)
    if "unit" in fields:
        values["unit"] = clean_line(fields["unit"], "unit", 40, required=False)
    if "direction" in fields:
        if fields["direction"] not in DIRECTIONS:
            raise Invalid(N_("Say whether higher or lower is better."), field="direction")
        values["direction"] = fields["direction"]
    if "decimals" in fields:
        decimals = fields["decimals"]
        if not (isinstance(decimals, int) and not isinstance(decimals, bool)
                and 0 <= decimals <= MAX_DECIMALS):
            raise Invalid(N_("Show 0 to 6 decimals."), field="decimals")
        values["decimals"] = decimals
    if "target" in fields:
        target = fields["target"]
        values["target"] = None if target in (None, "") else parse_number(target, "target")
    return values


def _goal_of(session, goal_id):
    goal = session.get(Goal, goal_id) if is_id(goal_id) else None
    if goal is None:
        raise NotFound(N_("Unknown goal."))
    return goal


def _change(session, kind, entry, indicator, goal, **extra):
    return IndicatorChange(kind, entry, indicator, goal, showing_boards(session, goal), **extra)


def _by(actor, goal):
    """Who logged an Event and about which goal (and its team)."""
    return {"person_id": actor.id, "team_id": goal.team_id, "goal_id": goal.id}


def create_indicator(session, actor_id, goal_id, *, name, direction, period, unit="",
                     decimals=1, target=None):
    """A new indicator of a goal (whoever may change the goal)."""
    actor = active_person(session, actor_id)
    goal = _goal_of(session, goal_id)
    require_goal_editor(session, actor, goal)
    if goal.status == "retired":
        raise Conflict(N_("This goal is retired; it takes no new indicators."))
    values = _clean({"name": name, "unit": unit, "direction": direction, "decimals": decimals,
                     "target": target})
    indicator = Indicator(goal_id=goal.id, period=check_kind(period), **values)
    session.add(indicator)
    session.flush()
    entry = events.record(session, kind="indicator_created", **_by(actor, goal),
                          after=indicator_state(indicator))
    return _change(session, "indicator.created", entry, indicator, goal)


def _locked_indicator(session, indicator_id):
    """The indicator, locked against concurrent writes and read under that lock, and its goal."""
    indicator = _locked(session, Indicator, indicator_id)
    if indicator is None:
        raise NotFound(N_("Unknown indicator."))
    return indicator, session.get(Goal, indicator.goal_id)


def edit_indicator(session, actor_id, indicator_id, *, version, fields):
    """Change an indicator's name, unit, direction, decimals or target (its period stays: its
    values are kept by it)."""
    if not isinstance(fields, dict):
        raise Invalid(N_("Unknown field."))
    if "period" in fields:
        raise Invalid(N_("The period of an indicator cannot change; retire it and add a new "
                         "one."), field="period")
    if set(fields) - set(EDITABLE):
        raise Invalid(N_("Unknown field."), field=sorted(set(fields) - set(EDITABLE))[0])
    actor = active_person(session, actor_id)
    indicator, goal = _locked_indicator(session, indicator_id)
    require_goal_editor(session, actor, goal)
    check_version(indicator, version)
    values = _clean(fields)
    changed = {k: v for k, v in values.items() if getattr(indicator, k) != v}
    if not changed:
        return _change(session, "indicator.changed", None, indicator, goal)
    before = indicator_state(indicator)
    for name, value in changed.items():
        setattr(indicator, name, value)
    indicator.version += 1
    entry = events.record(session, kind="indicator_edited", **_by(actor, goal), before=before,
                          after=indicator_state(indicator))
    return _change(session, "indicator.changed", entry, indicator, goal)


def retire_indicator(session, actor_id, indicator_id, *, version):
    """Retire an indicator: it keeps its values and history but takes no new values."""
    actor = active_person(session, actor_id)
    indicator, goal = _locked_indicator(session, indicator_id)
    require_goal_editor(session, actor, goal)
    check_version(indicator, version)
    if indicator.retired_at is not None:
        return _change(session, "indicator.changed", None, indicator, goal)
    indicator.retired_at = utcnow()
    indicator.version += 1
    entry = events.record(session, kind="indicator_retired", **_by(actor, goal),
                          after={"indicator_id": indicator.id, "name": indicator.name})
    return _change(session, "indicator.changed", entry, indicator, goal)


def _measurable(session, actor_id, indicator_id):
    """The actor, indicator and goal of a value or baseline write, checked."""
    actor = active_person(session, actor_id)
    indicator, goal = _locked_indicator(session, indicator_id)
    require_measurer(session, actor, goal)
    if indicator.retired_at is not None:
        raise Conflict(N_("This indicator is retired; it takes no new values."))
    return actor, indicator, goal


def _stored_values(session, indicator_id, keys):
    rows = session.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                     IndicatorValue.period.in_(keys))).all()
    return {row.period: row for row in rows}


def _write_values(session, actor, indicator, entries):
    """Store (Period, Decimal) pairs; returns {period: old text} of corrections and
    {period: new text} of every value that changed, in the order given."""
    stored = _stored_values(session, indicator.id, [period.key for period, _ in entries])
    before, after = {}, {}
    for period, number in entries:
        row = stored.get(period.key)
        if row is not None and row.value == number:
            continue
        if row is None:
            session.add(IndicatorValue(indicator_id=indicator.id, period=period.key,
                                       ordinal=period.ordinal, value=number,
                                       person_id=actor.id))
        else:
            before[period.key] = number_text(row.value)
            row.value, row.person_id, row.updated_at = number, actor.id, utcnow()
        after[period.key] = number_text(number)
    return before, after


def set_value(session, actor_id, indicator_id, period, value):
    """Enter one period's value, or correct it (the Event keeps the old one)."""
    actor, indicator, goal = _measurable(session, actor_id, indicator_id)
    found = check_not_future(session, indicator.period, parse_period(indicator.period, period))
    number = parse_number(value)
    earlier = analysis_of(session, indicator.id)
    before, after = _write_values(session, actor, indicator, [(found, number)])
    if not after:
        return _change(session, "indicator.changed", None, indicator, goal,
                       value=(found.key, number))
    head = {"indicator_id": indicator.id, "name": indicator.name, "period": found.key}
    if before:
        entry = events.record(session, kind="indicator_value_corrected", **_by(actor, goal),
                              before={**head, "value": before[found.key]},
                              after={**head, "value": after[found.key]})
    else:
        entry = events.record(session, kind="indicator_value_entered", **_by(actor, goal),
                              after={**head, "value": after[found.key]})
    return _change(session, "indicator.changed", entry, indicator, goal,
                   periods=(found.key,), created=not before, value=(found.key, number),
                   signal=_signals_since(session, earlier, actor, indicator, goal))


def paste_values(session, actor_id, indicator_id, text):
    """Enter many values at once from two pasted columns (period; value): all or nothing.

    One Event holds them all: the new values, and the old ones of every period corrected."""
    actor, indicator, goal = _measurable(session, actor_id, indicator_id)
    rows = pasted_rows(indicator.period, text, current_period(session, indicator.period))
    entries = [(period, number) for _line, period, number in rows]
    earlier = analysis_of(session, indicator.id)
    before, after = _write_values(session, actor, indicator, entries)
    if not after:
        return _change(session, "indicator.changed", None, indicator, goal)
    head = {"indicator_id": indicator.id, "name": indicator.name, "count": len(after)}
    entry = events.record(session, kind="indicator_values_pasted", **_by(actor, goal),
                          before={**head, "values": before}, after={**head, "values": after})
    return _change(session, "indicator.changed", entry, indicator, goal, periods=tuple(after),
                   signal=_signals_since(session, earlier, actor, indicator, goal))


def _signals_since(session, earlier, actor, indicator, goal):
    """Log the signals the values just written made appear (None when there are none)."""
    found = new_signals(earlier, analysis_of(session, indicator.id))
    if not found:
        return None
    return events.record(session, kind=SIGNAL_EVENT, **_by(actor, goal),
                         after={"indicator_id": indicator.id, "name": indicator.name,
                                "signals": found})


def start_baseline(session, actor_id, indicator_id, from_period):
    """Compute the indicator's limits from `from_period` on, after a real change to the
    process (the earlier baselines stay in its history)."""
    actor, indicator, goal = _measurable(session, actor_id, indicator_id)
    found = check_not_future(session, indicator.period,
                             parse_period(indicator.period, from_period, "from"), "from")
    latest = latest_baseline(session, indicator.id)
    if latest is not None and latest.from_period == found.key:
        return _change(session, "indicator.changed", None, indicator, goal)
    session.add(IndicatorBaseline(indicator_id=indicator.id, from_period=found.key,
                                  from_ordinal=found.ordinal, person_id=actor.id))
    head = {"indicator_id": indicator.id, "name": indicator.name}
    entry = events.record(session, kind="indicator_baseline_started", **_by(actor, goal),
                          before={**head, "from": latest.from_period if latest else None},
                          after={**head, "from": found.key})
    return _change(session, "indicator.changed", entry, indicator, goal)


def latest_baseline(session, indicator_id):
    """The baseline in force: the one started last (None: limits from the first values)."""
    return session.exec(select(IndicatorBaseline)
                        .where(IndicatorBaseline.indicator_id == indicator_id)
                        .order_by(IndicatorBaseline.id.desc())).first()
