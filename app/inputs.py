"""Parsing what a request carries: ids and numbers within range, dates, JSON objects.

Every value from a path, query string, form or JSON body is checked here before a
service sees it; out of range or malformed input is a clear 404/400/422, never a 500.
"""

from datetime import date

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from boards.access import MAX_ID
from boards.errors import N_, Invalid
from boards.validation import storable

INT64_MAX = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a positive integer that can be a key, else no match (404)."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_int(value, field):
    """A decimal integer in 64-bit range from text, else Invalid; blank is None."""
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 20:
        raise Invalid(N_("Invalid number."), field=field)
    number = int(value)
    if not -INT64_MAX <= number <= INT64_MAX:
        raise Invalid(N_("Invalid number."), field=field)
    return number


def form_int(name):
    """An integer form field, or None when it is empty."""
    return parse_int(request.form.get(name), name)


def query_int(name):
    """An integer query-string argument, or None when it is absent."""
    return parse_int(request.args.get(name), name)


def parse_date(value, field):
    """A date from ISO text, else Invalid; blank or None is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except (AttributeError, TypeError, ValueError):
        raise Invalid(N_("Invalid date."), field=field) from None


def form_date(name):
    """A date form field, or None when it is empty."""
    return parse_date(request.form.get(name), name)


def json_object():
    """The request's JSON object: 400 when it is not JSON or nested too deep, 422 when it is
    not an object or holds text that cannot be stored."""
    try:
        data = request.get_json(force=True, silent=False)
    except BadRequest:
        raise BadRequest(N_("The request body is not valid JSON.")) from None
    except RecursionError:
        raise BadRequest(N_("The JSON body is nested too deeply.")) from None
    if not isinstance(data, dict):
        raise Invalid(N_("The request body must be a JSON object."))
    try:
        _check_text(data)
    except RecursionError:
        raise BadRequest(N_("The JSON body is nested too deeply.")) from None
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
