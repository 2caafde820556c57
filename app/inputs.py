"""Parsing what a request carries: ids and numbers within range, dates, JSON objects.

Every value from a path, query string, form or JSON body is checked here before a
service sees it; out of range or malformed input is a clear 404/400/422, never a 500.
"""

import re
from datetime import date

from flask import request
from werkzeug.routing import IntegerConverter, ValidationError

from boards.access import MAX_ID
from boards.errors import N_, Invalid
from boards.numbers import INT64_LIMIT
from boards.validation import storable

INT64_MAX = INT64_LIMIT - 1
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # [0-9], not \d: ASCII digits only


def ascii_number(text):
    """True for text of the ASCII digits 0-9 only (str.isdigit also takes "²" and "١")."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a positive integer that can be a key, else no match (404)."""

    # Werkzeug's `\d+` matches any script's digits ("/actions/١" would be action 1).
    regex = r"[0-9]+"

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value):
        """The id, or no match for anything that is not one."""
        number = id_or_none(value)
        if number is None:
            raise ValidationError()
        return number


def _number(value, field, low, high):
    """A decimal integer (ASCII digits, optional minus) within [low, high], else Invalid;
    blank is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(N_("Invalid number."), field=field)
    value = value.strip()
    if not value:
        return None
    digits = value[1:] if value.startswith("-") else value
    if not ascii_number(digits) or len(digits) > 19:
        raise Invalid(N_("Invalid number."), field=field)
    number = int(value)
    if not low <= number <= high:
        raise Invalid(N_("Invalid number."), field=field)
    return number


def parse_int(value, field):
    """A decimal integer in 64-bit range from text (a cycle, a count), else Invalid; blank is
    None."""
    return _number(value, field, -INT64_MAX, INT64_MAX)


def parse_id(value, field):
    """A positive integer that can be a key (1..MAX_ID) from text, else Invalid; blank is None."""
    return _number(value, field, 1, MAX_ID)


def parse_version(value, field="version"):
    """A record's version from text (a 64-bit integer; a stale one is the service's Conflict),
    else Invalid; blank is None."""
    return parse_int(value, field)


def id_or_none(value):
    """An id from text, or None for blank text and anything that is not an id."""
    try:
        return parse_id(value, "id")
    except Invalid:
        return None


def form_int(name):
    """An integer form field, or None when it is empty."""
    return parse_int(request.form.get(name), name)


def form_int_or_none(name):
    """An integer form field, or None when it is empty or not a number (the service then says
    what is missing)."""
    try:
        return form_int(name)
    except Invalid:
        return None


def form_id(name):
    """An id form field, or None when it is empty."""
    return parse_id(request.form.get(name), name)


def form_version(name="version"):
    """The version form field, or None when it is empty."""
    return parse_version(request.form.get(name), name)


def query_int(name):
    """An integer query-string argument, or None when it is absent."""
    return parse_int(request.args.get(name), name)


def query_id(name):
    """An id query-string argument, or None when it is absent."""
    return parse_id(request.args.get(name), name)


def parse_date(value, field):
    """A date from ISO text (YYYY-MM-DD, ASCII digits), else Invalid; blank or None is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not ISO_DATE.fullmatch(text):
        raise Invalid(N_("Invalid date."), field=field)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(N_("Invalid date."), field=field) from None


def form_date(name):
    """A date form field, or None when it is empty."""
    return parse_date(request.form.get(name), name)


def json_object():
    """The request's JSON object: 400 when it is not JSON or nested too deep (see
    app/request_body.py), 413 when too large, 422 when it is not an object or holds text that
    cannot be stored."""
    data = request.get_json(force=True, silent=False)
    if not isinstance(data, dict):
        raise Invalid(N_("The request body must be a JSON object."))
    _check_text(data)
    return data


def _check_text(value, field=None):
    """Lone surrogates ("\\ud800") and NUL parse as JSON but no database stores them: 422."""
    if isinstance(value, str):
        storable(value, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, field)
            _check_text(item, key if field is None else field)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, field)
