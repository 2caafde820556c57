"""Stand-ups: a team's schedule (time and weekdays), and each start is logged, so a board can
show what changed since the last one."""

import re
from dataclasses import dataclass
from datetime import time as daytime
from datetime import timedelta

from sqlmodel import select

from . import events
from .access import active_person, require_team_writer
from .errors import N_, Invalid
from .models import Event, utcnow
from .queries import team_by_slug

# Weekday codes in week order: the index is date.weekday().
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")

CURRENT_STANDUP = timedelta(hours=1)
CHANGE_KINDS = ("created", "moved", "edited", "help_requested", "help_resolved", "carried_over")


def start_standup(session, actor_id, slug):
    """Log that the team starts a stand-up now."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, slug)
    require_team_writer(session, actor, team)
    entry = events.record(session, kind="standup_started", person_id=actor.id, team_id=team.id)
    session.flush()
    return entry


def changed_since_last_standup(session, team_id, now=None):
    """(start of the previous stand-up or None, ids of cards changed since then).

    A stand-up started within the last hour is the one running now, so the
    previous one is the latest start before that.
    """
    cutoff = (now or utcnow()) - CURRENT_STANDUP
    previous = session.exec(select(Event.id, Event.at).where(
        Event.team_id == team_id, Event.kind == "standup_started", Event.at < cutoff)
        .order_by(Event.id.desc()).limit(1)).first()
    if previous is None:
        return None, set()
    ids = session.exec(select(Event.action_id).where(
        Event.team_id == team_id, Event.id > previous[0], Event.action_id.is_not(None),
        Event.kind.in_(CHANGE_KINDS)).distinct()).all()
    return previous[1], set(ids)


@dataclass(frozen=True)
class Schedule:
    """When a team holds its stand-up: a Dutch local time on some weekdays (codes, week order)."""

    time: daytime
    weekdays: tuple

    @property
    def clock(self):
        """The time as HH:MM."""
        return self.time.strftime("%H:%M")


def schedule_of(team):
    """The team's stand-up schedule, or None when it has none."""
    if team.standup_time is None or not team.standup_days:
        return None
    days = set(team.standup_days.split(","))
    return Schedule(team.standup_time, tuple(day for day in WEEKDAYS if day in days))


def clean_time(value):
    """A time of day from "HH:MM" (or a time), None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, daytime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Invalid(N_("Give the time as HH:MM, for example 09:15."), field="time")
    return daytime(int(match[1]), int(match[2]))


def clean_weekdays(value):
    """Weekday codes (mon … sun) in week order, each once."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)) \
            or not all(isinstance(day, str) for day in value) \
            or not set(value) <= set(WEEKDAYS):
        raise Invalid(N_("Choose days of the week."), field="weekdays")
    return tuple(day for day in WEEKDAYS if day in value)


def set_standup_schedule(session, actor_id, team_slug, *, time, weekdays):
    """Set the team's stand-up time and weekdays, or clear both (no time, no days); logged."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, team_slug)
    require_team_writer(session, actor, team)
    at, days = clean_time(time), clean_weekdays(weekdays)
    if at is None and days:
        raise Invalid(N_("Choose a time for the stand-up."), field="time")
    if at is not None and not days:
        raise Invalid(N_("Choose at least one day for the stand-up."), field="weekdays")
    before = _logged(schedule_of(team))
    after = _logged(Schedule(at, days) if at is not None else None)
    if after != before:
        team.standup_time, team.standup_days = at, ",".join(days) or None
        events.record(session, kind="standup_schedule_set", person_id=actor.id, team_id=team.id,
                      before=before, after=after)
    session.flush()
    return team


def _logged(schedule):
    if schedule is None:
        return {"time": None, "weekdays": []}
    return {"time": schedule.clock, "weekdays": list(schedule.weekdays)}
