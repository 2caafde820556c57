"""A team's stand-up schedule in the browser: told in words, and the values of its form."""

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _

from boards.standup import WEEKDAYS, schedule_of

from .i18n import translate_error

# A team without a schedule sees its form with the working days ticked.
DEFAULT_DAYS = ("mon", "tue", "wed", "thu", "fri")


def day_names(width="abbreviated"):
    """Weekday codes to names in the UI language ("ma", or "maandag" with width="wide")."""
    names = get_day_names(width, locale=get_locale())
    return {code: names[index] for index, code in enumerate(WEEKDAYS)}


def schedule_sentence(schedule):
    """"Stand-up: ma, wo, vr om 09:15", or None without a schedule."""
    if schedule is None:
        return None
    names = day_names()
    return _("Stand-up: %(days)s at %(time)s",
             days=", ".join(names[day] for day in schedule.weekdays), time=schedule.clock)


def schedule_form(team, *, time=None, weekdays=None, error=None):
    """What the schedule form shows: the team's schedule, or what was typed with its error."""
    schedule = schedule_of(team)
    if error is None:
        time = schedule.clock if schedule else ""
        weekdays = schedule.weekdays if schedule else DEFAULT_DAYS
    errors = {error.field or "time": translate_error(error.message)} if error else {}
    return {"sentence": schedule_sentence(schedule), "time": time or "",
            "weekdays": set(weekdays or ()), "errors": errors, "has_schedule": schedule is not None,
            "days": list(day_names("wide").items())}
