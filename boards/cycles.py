"""Cycle rules: cycles are computed from the organisation's cadence, never stored or created.

Cycle 1 starts on `Organisation.first_cycle_start`; every cycle lasts `cycle_length_days`.
What a team records about a cycle (its close, its retrospective) is a TeamCycle row
keyed by the cycle's number, written only by the services that change it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlmodel import select

from .errors import N_, NotFound
from .models import Organisation, TeamCycle
from .numbers import is_int_between

TIMEZONE = ZoneInfo("Europe/Amsterdam")
# Far beyond any real installation (a thousand years of weekly cycles), and small enough
# that date arithmetic never overflows.
MAX_CYCLE = 52_000
ORGANISATION = "verbeterbord.organisation"  # session.info key


@dataclass(frozen=True)
class Cycle:
    """One period of the cadence: its number and first and last day."""

    number: int
    start: date
    end: date


def today_local(now=None):
    """Today's date in the Netherlands (the server itself may run on UTC)."""
    return (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE).date()


def organisation(session):
    """The installation's organisation, read once per session (pages ask for it several times;
    the object is the session's own, so a change made through the session shows)."""
    org = session.info.get(ORGANISATION)
    if org is None or inspect(org).session is not session:  # not read yet, or let go since
        org = session.exec(select(Organisation).order_by(Organisation.id)).first()
        if org is None:
            raise NotFound(N_("No organisation has been set up yet."))
        session.info[ORGANISATION] = org
    return org


def cycle_number_on(org, day):
    """The number of the cycle that contains `day`; before cycle 1 starts, cycle 1."""
    return max(1, (day - org.first_cycle_start).days // org.cycle_length_days + 1)


def cycle_of(org, number):
    """Cycle `number` of the organisation's cadence."""
    start = org.first_cycle_start + timedelta(days=(number - 1) * org.cycle_length_days)
    return Cycle(number, start, start + timedelta(days=org.cycle_length_days - 1))


def current_cycle(session, today=None):
    """The cycle containing today."""
    org = organisation(session)
    return cycle_of(org, cycle_number_on(org, today or today_local()))


def is_cycle_number(value):
    """True for an int that can name a cycle."""
    return is_int_between(value, 1, MAX_CYCLE)


def cycle_by_number(session, number, today=None):
    """Cycle `number`, if it has started or is the next one; NotFound otherwise."""
    org = organisation(session)
    current = cycle_number_on(org, today or today_local())
    if not is_cycle_number(number) or number > current + 1:
        raise NotFound(N_("Unknown cycle."))
    return cycle_of(org, number)


def list_cycles(session, today=None):
    """Every cycle up to the next one, newest first."""
    org = organisation(session)
    current = cycle_number_on(org, today or today_local())
    return [cycle_of(org, number) for number in range(current + 1, 0, -1)]


def cycle_state(cycle, today=None):
    """planned, current or closed: follows from the dates (teams close their part separately)."""
    today = today or today_local()
    if cycle.start > today:
        return "planned"
    return "current" if today <= cycle.end else "closed"


def team_cycle_closed(session, team_id, number):
    """True once the team has closed this cycle."""
    record = session.get(TeamCycle, (team_id, number))
    return record is not None and record.closed_at is not None


def closed_cycles(session, team_ids, numbers):
    """The (team_id, cycle number) pairs among these that the teams have closed (one query)."""
    if not team_ids or not numbers:
        return set()
    rows = session.exec(select(TeamCycle.team_id, TeamCycle.cycle_number).where(
        TeamCycle.team_id.in_(list(team_ids)), TeamCycle.cycle_number.in_(list(numbers)),
        TeamCycle.closed_at.is_not(None))).all()
    return {(team_id, number) for team_id, number in rows}


@dataclass(frozen=True)
class TeamCycles:
    """What a team's board needs to know about cycles: today's, the team's working one, the one
    shown and whether the team has closed the shown one."""

    current: Cycle
    working: Cycle
    shown: Cycle
    shown_closed: bool


def team_cycles(session, team_id, wanted=None, today=None):
    """TeamCycles in two statements (the organisation, the team's closes). `wanted`: None for
    the working cycle, "next" for the one after today's, or a number (NotFound unless it has
    started or is the next one)."""
    org = organisation(session)
    current = cycle_number_on(org, today or today_local())
    if wanted == "next":
        wanted = current + 1
    elif wanted is not None and (not is_cycle_number(wanted) or wanted > current + 1):
        raise NotFound(N_("Unknown cycle."))
    numbers = {current, current + 1} | ({wanted} if wanted else set())
    closed = {number for _team, number in closed_cycles(session, {team_id}, numbers)}
    working = current + 1 if current in closed else current
    shown = wanted or working
    return TeamCycles(cycle_of(org, current), cycle_of(org, working), cycle_of(org, shown),
                      shown in closed)


