"""Cycle rules: the current cycle follows from the date and the organisation's cadence."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from .errors import N_, NotFound
from .models import Cycle, Organisation, TeamCycle

TIMEZONE = ZoneInfo("Europe/Amsterdam")


def today_local(now=None):
    """Today's date in the Netherlands (the server itself may run on UTC)."""
    return (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE).date()


def organisation(session):
    """The installation's organisation."""
    org = session.exec(select(Organisation).order_by(Organisation.id)).first()
    if org is None:
        raise NotFound(N_("No organisation has been set up yet."))
    return org


def cycle_number_on(org, day):
    """The number of the cycle that contains `day` (cycle 1 starts on first_cycle_start)."""
    return (day - org.first_cycle_start).days // org.cycle_length_days + 1


def cycle_dates(org, number):
    """First and last day of cycle `number`."""
    start = org.first_cycle_start + timedelta(days=(number - 1) * org.cycle_length_days)
    return start, start + timedelta(days=org.cycle_length_days - 1)


def current_cycle(session, today=None):
    """The cycle containing today, created on first use."""
    org = organisation(session)
    return ensure_cycle(session, org, cycle_number_on(org, today or today_local()))


def ensure_cycle(session, org, number):
    """The cycle row with this number; created if missing (safe when two processes race)."""
    found = session.exec(select(Cycle).where(Cycle.number == number)).first()
    if found is not None:
        return found
    start, end = cycle_dates(org, number)
    cycle = Cycle(number=number, start=start, end=end)
    try:
        with session.begin_nested():
            session.add(cycle)
    except IntegrityError:
        return session.exec(select(Cycle).where(Cycle.number == number)).one()
    session.commit()
    return cycle


def next_cycle(session, today=None):
    """The cycle after the current one (created when someone plans ahead)."""
    org = organisation(session)
    return ensure_cycle(session, org, cycle_number_on(org, today or today_local()) + 1)


def cycle_state(cycle, today=None):
    """planned, current or closed: follows from the dates (teams close their part separately)."""
    today = today or today_local()
    if cycle.start > today:
        return "planned"
    return "current" if today <= cycle.end else "closed"


def team_cycle_closed(session, team_id, cycle_id):
    """True once the team has closed this cycle."""
    record = session.get(TeamCycle, (team_id, cycle_id))
    return record is not None and record.closed_at is not None
