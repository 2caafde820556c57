"""XmR signals and summaries in words, and numbers as the reader's language writes them."""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal, gettext

from boards.xmr import ABOVE, BELOW, NEAR_A_LIMIT, OUTSIDE_LIMITS, RUN_ON_ONE_SIDE, as_decimal

MAX_PLACES = 3  # Babel's default pattern shows no more than three decimals anyway


def signal_text(signal):
    """One signal as a short lower-case phrase ("eight or more in a row above the average")."""
    texts = {
        (OUTSIDE_LIMITS, ABOVE): gettext("above the upper limit"),
        (OUTSIDE_LIMITS, BELOW): gettext("below the lower limit"),
        (RUN_ON_ONE_SIDE, ABOVE): gettext("eight or more in a row above the average"),
        (RUN_ON_ONE_SIDE, BELOW): gettext("eight or more in a row below the average"),
        (NEAR_A_LIMIT, ABOVE): gettext("three of four near the upper limit"),
        (NEAR_A_LIMIT, BELOW): gettext("three of four near the lower limit"),
    }
    return texts[(signal.rule, signal.side)]


def range_signal_text():
    """What a moving range above its upper range limit says."""
    return gettext("a jump larger than the upper range limit")


def position_text(position):
    """Where the latest value lies, as a phrase; None (no limits yet) says so."""
    return {"above": gettext("above the upper limit"), "below": gettext("below the lower limit"),
            "within": gettext("within the limits"), None: gettext("no limits yet")}[position]


def summary_sentence(summary, places=None):
    """'Latest value 7.9 · within the limits · no signal' for an XmrAnalysis.summary()."""
    if summary is None:
        return gettext("No values yet")
    # Rule 1 repeats what the position already says; the other rules add to it.
    others = [signal_text(s) for s in summary.signals if s.rule != OUTSIDE_LIMITS]
    if others:
        signal = gettext("signal: %(what)s", what=", ".join(others))
    elif summary.signals:
        signal = gettext("signal")
    else:
        signal = gettext("no signal")
    value = number(summary.value, places_of([summary.value]) if places is None else places)
    return gettext("Latest value %(value)s · %(position)s · %(signal)s", value=value,
                   position=position_text(summary.position), signal=signal)


def places_of(values):
    """The most decimals any of the values is written with (at most three)."""
    exponents = [as_decimal(v).as_tuple().exponent for v in values]
    return min(MAX_PLACES, max([-e for e in exponents if isinstance(e, int)] + [0]))


def number(value, places):
    """A value rounded to `places` decimals, in the UI language (7,9 in Dutch)."""
    if value is None:
        return ""
    # Half up, as people round by hand (Decimal's default would round 16.325 to 16.32).
    rounded = as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(rounded)
