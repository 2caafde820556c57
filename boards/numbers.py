"""Numbers in input. Whole numbers: an int that is not a bool (JSON's true is not 1), within a
range. Indicator values as people type or paste them: "7,9", "7.9", "1.234,5", "-3" or a JSON
number.

A single comma or point is the decimal separator (Dutch spreadsheets write "7,9", scripts 7.9);
with both, the last one is: "1.234,5" and "1,234.5" are both 1234.5, and so is "1.234.567,0"
grouped by thousands. Digits are the ASCII 0-9 only. Values are kept exactly (Decimal) within
what the database column holds (boards.models.VALUE_TYPE).
"""

import math
import re
from decimal import Decimal, InvalidOperation

from .errors import N_, Invalid

MAX_DECIMALS = 6
MAX_DIGITS = 9  # before the decimal separator
LIMIT = Decimal(10) ** MAX_DIGITS
PLAIN = re.compile(r"([+-]?)([0-9]+)(?:[.,]([0-9]+))?")
DUTCH_GROUPS = re.compile(r"([+-]?)([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?")
ENGLISH_GROUPS = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?")
NOT_A_NUMBER = N_("Enter a number, like 7,9.")


def _from_text(text):
    """(sign, whole digits, decimal digits) of number text, or None."""
    for pattern, group_mark in ((PLAIN, ""), (DUTCH_GROUPS, "."), (ENGLISH_GROUPS, ",")):
        match = pattern.fullmatch(text)
        if match is not None:
            whole = match[2].replace(group_mark, "") if group_mark else match[2]
            return match[1], whole, match[3] or ""
    return None


def parse_number(value, field="value"):
    """The Decimal a JSON number or number text means, else Invalid naming `field`."""
    if isinstance(value, bool) or value is None:
        raise Invalid(NOT_A_NUMBER, field=field)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(NOT_A_NUMBER, field=field)
        number = Decimal(repr(value))  # 7.9 is 7.9, not its binary neighbour
    elif isinstance(value, str) and value.isascii():
        parts = _from_text(value.strip())
        if parts is None:
            raise Invalid(NOT_A_NUMBER, field=field)
        sign, whole, fraction = parts
        number = Decimal(f"{sign}{whole}.{fraction or '0'}")
    else:
        raise Invalid(NOT_A_NUMBER, field=field)
    return _in_range(number, field)


def _in_range(number, field):
    try:
        exponent = number.normalize().as_tuple().exponent
    except InvalidOperation:
        raise Invalid(NOT_A_NUMBER, field=field) from None
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise Invalid(N_("Use at most 6 decimals."), field=field)
    if abs(number) >= LIMIT:
        raise Invalid(N_("This number is too large."), field=field)
    return number + 0  # no negative zero


def number_text(number):
    """A value as plain text with a decimal point and no exponent: "7.9", "1200", "-0.25"."""
    if number is None:
        return None
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def shown(number, decimals, comma=False):
    """A value rounded to the indicator's decimals, with a decimal comma for Dutch readers."""
    text = f"{Decimal(number):.{decimals}f}"
    return text.replace(".", ",") if comma else text


INT64_LIMIT = 2**63  # a 64-bit column holds integers of absolute value below this


def is_int(value):
    """True for an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int_between(value, low, high):
    """True for an int (not a bool) from low to high, both included."""
    return is_int(value) and low <= value <= high


def is_int64(value):
    """True for an int (not a bool) that a 64-bit column holds: a version, a count."""
    return is_int_between(value, -(INT64_LIMIT - 1), INT64_LIMIT - 1)
