"""The activity log's sentences about indicators, their values and baselines (app.history)."""

from flask_babel import get_locale
from flask_babel import gettext as _


def _number(text):
    """A logged value ("7.9") as the reader writes it: "7,9" in Dutch."""
    if not isinstance(text, str):
        return "?"
    return text.replace(".", ",") if str(get_locale()) == "nl" else text


def _name(f):
    return f.get("name") or "?"


INDICATOR_SENTENCES = {
    "indicator_created": lambda f: _("%(person)s added the indicator '%(indicator)s'",
                                     person=f.person, indicator=_name(f)),
    "indicator_edited": lambda f: _("%(person)s edited the indicator '%(indicator)s'",
                                    person=f.person, indicator=_name(f)),
    "indicator_retired": lambda f: _("%(person)s retired the indicator '%(indicator)s'",
                                     person=f.person, indicator=_name(f)),
    "indicator_value_entered": lambda f: _(
        "%(person)s entered %(value)s for %(period)s of '%(indicator)s'", person=f.person,
        value=_number(f.after.get("value")), period=f.get("period", "?"), indicator=_name(f)),
    "indicator_value_corrected": lambda f: _(
        "%(person)s corrected %(period)s of '%(indicator)s' from %(before)s to %(after)s",
        person=f.person, period=f.get("period", "?"), indicator=_name(f),
        before=_number(f.before.get("value")), after=_number(f.after.get("value"))),
    "indicator_values_pasted": lambda f: _(
        "%(person)s entered %(count)s values of '%(indicator)s'", person=f.person,
        count=f.get("count", "?"), indicator=_name(f)),
    "indicator_baseline_started": lambda f: _(
        "%(person)s started a new baseline of '%(indicator)s' from %(period)s",
        person=f.person, indicator=_name(f), period=f.after.get("from") or "?"),
    "indicator_signal": lambda f: _(
        "The values %(person)s entered made '%(indicator)s' show a signal in %(periods)s",
        person=f.person, indicator=_name(f),
        periods=", ".join(s.get("period", "?") for s in f.after.get("signals") or []) or "?"),
}
