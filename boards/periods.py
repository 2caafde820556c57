"""Periods of an indicator: ISO weeks ("2026-W07"), months ("2026-02") or cycle numbers ("25").

Each period has a canonical key (what is stored, shown and put in URLs) and an ordinal: an
integer that sorts periods in time and counts them one by one (the next week, month or cycle
is the ordinal plus one), whatever the kind.
"""

import re
from dataclasses import dataclass
from datetime import date

from .cycles import MAX_CYCLE, current_cycle, today_local
from .errors import N_, Invalid

PERIOD_KINDS = ("week", "cycle", "month")
FIRST_YEAR, LAST_YEAR = 1900, 9999
# [0-9], not \d: ASCII digits only ("٢٠٢٦-W07" is not a week). Lower case is accepted and
# the key written in upper case; a one-digit week or month gets its zero.
WEEK_RE = re.compile(r"([0-9]{4})-?[Ww]([0-9]{1,2})")
MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})")
CYCLE_RE = re.compile(r"[0-9]{1,6}")
EXAMPLES = {"week": "2026-W07", "month": "2026-02", "cycle": "25"}
FORMAT_MESSAGES = {
    "week": N_("Use a week like 2026-W07."),
    "month": N_("Use a month like 2026-02."),
    "cycle": N_("Use a cycle number like 25."),
}


@dataclass(frozen=True)
class Period:
    """One period: its canonical key and its ordinal (consecutive periods differ by one)."""

    key: str
    ordinal: int


def check_kind(kind):
    """The period kind itself, unless it is not week, cycle or month."""
    if kind not in PERIOD_KINDS:
        raise Invalid(N_("The period is a week, a cycle or a month."), field="period")
    return kind


def parse_period(kind, text, field="period"):
    """The Period that `text` names in the indicator's kind of period, else Invalid."""
    check_kind(kind)
    if isinstance(text, int) and not isinstance(text, bool) and kind == "cycle":
        text = str(text)
    if not isinstance(text, str) or not text.isascii():
        raise Invalid(FORMAT_MESSAGES[kind], field=field)
    text = text.strip()
    period = {"week": _week, "month": _month, "cycle": _cycle}[kind](text)
    if period is None:
        raise Invalid(FORMAT_MESSAGES[kind], field=field)
    return period


def _week(text):
    match = WEEK_RE.fullmatch(text)
    if match is None:
        return None
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        monday = date.fromisocalendar(year, week, 1)  # refuses week 0 and a week 53 too many
    except ValueError:
        return None
    return Period(f"{year:04d}-W{week:02d}", monday.toordinal() // 7)


def _month(text):
    match = MONTH_RE.fullmatch(text)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return Period(f"{year:04d}-{month:02d}", year * 12 + month - 1)


def _cycle(text):
    if CYCLE_RE.fullmatch(text) is None or not 1 <= int(text) <= MAX_CYCLE:
        return None
    return Period(str(int(text)), int(text))


def period_on(kind, day):
    """The week or month that contains `day` (cycles need the organisation: current_period)."""
    if kind == "week":
        year, week, _weekday = day.isocalendar()
        return _week(f"{year:04d}-W{week:02d}")
    return _month(f"{day.year:04d}-{day.month:02d}")


def current_period(session, kind, today=None):
    """The period running today: the latest that can have a value (a form pre-selects it)."""
    check_kind(kind)
    if kind == "cycle":
        return _cycle(str(current_cycle(session, today).number))
    return period_on(kind, today or today_local())


def check_not_future(session, kind, period, field="period"):
    """The period itself, unless it has not started yet: a value measures what happened."""
    if period.ordinal > current_period(session, kind).ordinal:
        raise Invalid(N_("This period has not started yet."), field=field)
    return period
