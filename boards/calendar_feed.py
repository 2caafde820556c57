"""A person's calendar feed (RFC 5545): their open actions, this cycle and the next, the cycle
boundaries, and the stand-ups of their teams that have a schedule.

The link is a secret token; only its hash is stored. Making a new link revokes the old one;
a link can also be revoked on its own, and a new password revokes it (boards/credentials.py).
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlmodel import select

from . import events
from .access import active_person
from .cycles import TIMEZONE, cycle_number_on, cycle_of, organisation, today_local
from .errors import N_, NotFound
from .models import Action, CalendarFeed, Membership, Person, Team
from .standup import WEEKDAYS, schedule_of

STANDUP_LENGTH = timedelta(minutes=15)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(session, person_id):
    """A new calendar link for the person; every older one stops working. Returns the token."""
    person = active_person(session, person_id)
    for feed in session.exec(select(CalendarFeed).where(CalendarFeed.person_id == person.id,
                                                        ~CalendarFeed.revoked)).all():
        feed.revoked = True
    token = secrets.token_urlsafe(24)
    session.add(CalendarFeed(person_id=person.id, token_hash=_hash(token)))
    events.record(session, kind="calendar_link_created", person_id=person.id)
    session.flush()
    return token


def revoke_calendar_link(session, person_id):
    """Stop the person's calendar link (NotFound when they have none that works)."""
    person = active_person(session, person_id)
    feeds = session.exec(select(CalendarFeed).where(CalendarFeed.person_id == person.id,
                                                    ~CalendarFeed.revoked)).all()
    if not feeds:
        raise NotFound(N_("You have no calendar link."))
    for feed in feeds:
        feed.revoked = True
    events.record(session, kind="calendar_link_revoked", person_id=person.id)
    session.flush()


def has_calendar_link(session, person_id):
    """True when the person has a calendar link that works."""
    return session.exec(select(CalendarFeed.id).where(CalendarFeed.person_id == person_id,
                                                      ~CalendarFeed.revoked).limit(1)).first() \
        is not None


def feed_owner(session, token):
    """The active person whose unrevoked link this is, or None."""
    if not isinstance(token, str) or not 0 < len(token) <= 100:
        return None
    row = session.exec(select(Person).join(CalendarFeed, CalendarFeed.person_id == Person.id)
                       .where(CalendarFeed.token_hash == _hash(token),
                              ~CalendarFeed.revoked)).first()
    return row if row is not None and row.active else None


def feed_actions(session, person_id, today=None):
    """My open actions this cycle and the next, with their teams, soonest first."""
    org = organisation(session)
    current = cycle_number_on(org, today or today_local())
    rows = session.exec(
        select(Action, Team).join(Team, Team.id == Action.team_id)
        .where(Action.owner_id == person_id, Action.status != "done", Action.outcome.is_(None),
               Action.cycle_number.in_((current, current + 1)))
        .order_by(Action.cycle_number, Action.due_date, Action.id)).all()
    return org, current, rows


def feed_standups(session, person_id):
    """[(team, schedule)] for the person's active teams that have a stand-up schedule."""
    teams = session.exec(
        select(Team).join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person_id, Team.retired_at.is_(None),
               Team.standup_time.is_not(None)).order_by(Team.id)).all()
    return [(team, schedule) for team in teams if (schedule := schedule_of(team))]


def standup_starts(schedule, first, last):
    """The stand-ups' starts (aware, Dutch local time) from day `first` to `last`, both included."""
    day = first
    while day <= last:
        if WEEKDAYS[day.weekday()] in schedule.weekdays:
            yield datetime.combine(day, schedule.time, tzinfo=TIMEZONE)
        day += timedelta(days=1)


def calendar_ics(session, person, *, base_url, labels, today=None, now=None):
    """The feed as iCalendar bytes. `labels` holds the person's texts: name, cycle_start,
    cycle_end (with {number}), team (with {team}) and standup (with {team}); links start at
    `base_url`."""
    org, current, rows = feed_actions(session, person.id, today)
    stamp = now or datetime.now(timezone.utc)
    host = base_url.split("//", 1)[-1].split("/", 1)[0] or "verbeterbord"
    cal = Calendar()
    cal.add("prodid", "-//Verbeterbord//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", labels["name"])
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for number in (current, current + 1):
        cycle = cycle_of(org, number)
        for kind, day in (("start", cycle.start), ("end", cycle.end)):
            cal.add_component(_all_day(f"cycle-{number}-{kind}@{host}", day, stamp,
                                       labels[f"cycle_{kind}"].format(number=number)))
    for action, team in rows:
        day = action.due_date or cycle_of(org, action.cycle_number).end
        item = _all_day(f"action-{action.id}@{host}", day, stamp, action.title)
        link = f"{base_url.rstrip('/')}/actions/{action.id}"
        item.add("description", "\n".join(filter(None, [
            labels["team"].format(team=team.name), action.notes, link])))
        item.add("url", link)
        cal.add_component(item)
    first, last = cycle_of(org, current).start, cycle_of(org, current + 1).end
    for team, schedule in feed_standups(session, person.id):
        link = f"{base_url.rstrip('/')}/teams/{team.slug}/standup"
        summary = labels["standup"].format(team=team.name)
        for start in standup_starts(schedule, first, last):
            cal.add_component(_standup(f"standup-{team.id}-{start:%Y%m%d}@{host}", start, stamp,
                                       summary, link))
    # A VTIMEZONE for Europe/Amsterdam when stand-ups use it, its rules spanning the window.
    cal.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                              last_date=date(last.year + 2, 1, 1))
    return cal.to_ical()


def _standup(uid, start, stamp, summary, link):
    item = CalendarEvent()
    item.add("uid", uid)
    item.add("dtstamp", stamp)
    item.add("dtstart", start)
    item.add("dtend", start + STANDUP_LENGTH)
    item.add("summary", summary)
    item.add("description", link)
    item.add("url", link)
    return item


def _all_day(uid, day, stamp, summary):
    item = CalendarEvent()
    item.add("uid", uid)
    item.add("dtstamp", stamp)
    item.add("dtstart", day)
    item.add("dtend", day + timedelta(days=1))
    item.add("summary", summary)
    item.add("transp", "TRANSPARENT")
    return item
