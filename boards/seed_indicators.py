"""The demo's indicators: about 30 periods of plausible values per ambition, and one that shows
a real signal after an action done last cycle (what we did, and what happened)."""

import random
from datetime import datetime, time, timedelta, timezone

from sqlmodel import select

from . import indicators
from .cycles import current_cycle
from .models import Action, Goal
from .periods import period_on

PERIODS = 30
# The action whose effect the demo shows: done last cycle towards the goal of the first
# indicator below, whose values drop after it.
MARKED_ACTION = "Terugbelnotities in het zaaksysteem vastleggen"

# (goal title, name, unit, direction, period, target, level, spread, level after the action)
INDICATORS = [
    ("Terugbelverzoeken binnen één werkdag afgehandeld", "Terugbelverzoeken later dan één werkdag",
     "%", "down", "week", 5, 14, 2.5, 6),
    ("Klanttevredenheid minimaal een 8 in 2027", "Klanttevredenheid", "cijfer", "up", "month", 8,
     7.4, 0.2, None),
    ("Energiescan van alle gemeenschapshuizen", "Energieverbruik gemeentehuis", "MWh", "down",
     "week", 9, 11.5, 0.8, None),
    ("500 nieuwe woningen in de drie gemeenten", "Verleende omgevingsvergunningen voor woningen",
     "", "up", "month", 14, 10, 3, None),
    ("Alle medewerkers volgen de phishing-training", "Gemelde phishingmails", "", "up", "week",
     None, 22, 5, None),
]


def seed_indicators(session, admin_id, today):
    """Add the demo indicators with their values, through the services."""
    rng = random.Random(30)
    goals = {goal.title: goal.id for goal in session.exec(select(Goal))}
    done_on = _mark_action(session, today)
    for goal, name, unit, direction, kind, target, level, spread, after in INDICATORS:
        made = indicators.create_indicator(session, admin_id, goals[goal], name=name, unit=unit,
                                           direction=direction, period=kind, decimals=1,
                                           target=target)
        changed = period_on(kind, done_on).ordinal if done_on and after is not None else None
        lines = []
        for day in _period_days(kind, today):
            period = period_on(kind, day)
            mean = after if changed is not None and period.ordinal > changed else level
            value = max(0, round(rng.gauss(mean, spread), 1))
            lines.append(f"{period.key};{value}")
        indicators.paste_values(session, admin_id, made.indicator.id, "\n".join(lines))
    session.flush()  # the unit of work that seeds the demo commits it with the rest


def _period_days(kind, today):
    """A day in each of the last PERIODS weeks or months, oldest first, this one included."""
    if kind == "week":
        return [today - timedelta(weeks=n) for n in range(PERIODS - 1, -1, -1)]
    month = today.year * 12 + today.month - 1
    return [today.replace(year=m // 12, month=m % 12 + 1, day=1)
            for m in range(month - PERIODS + 1, month + 1)]


def _mark_action(session, today):
    """The day the marked action was done (in the last cycle's first week), or None in the
    first cycle. The demo is seeded at once, so the card's last change is set to that day: the
    goal page reads a done card's last change as the day it was done."""
    cycle = current_cycle(session, today)
    action = session.exec(select(Action).where(Action.title == MARKED_ACTION,
                                               Action.status == "done")).first()
    if cycle.number == 1 or action is None:
        return None
    done_on = cycle.start - timedelta(days=11)
    action.updated_at = datetime.combine(done_on, time(12), tzinfo=timezone.utc)
    session.add(action)
    session.flush()
    return done_on
