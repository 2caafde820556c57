"""Reading a request's body, whoever reads it first: bounded JSON and a clear 400, never a 500.

The app's JSON provider refuses JSON nested deeper than MAX_DEPTH (Python's parser would
otherwise recurse until RecursionError) or holding lone surrogates (a page that shows them
again cannot be encoded), and the app's Request class turns every JSON that
cannot be read into a 400 with a message that says why. Code that must not fail on a body
(the rate limiter's key functions run before the view) reads it with `body_value`, which
answers None for a body that is too large, too deep or malformed: the view then refuses it.
"""

import re

from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, HTTPException

from boards.errors import N_

# Deeper than any document the API or a SCIM directory sends (a PatchOp is about 5 levels).
MAX_DEPTH = 32


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH (a ValueError, as every malformed JSON is)."""


class BadText(ValueError):
    """JSON text with a lone surrogate ("\\ud800"): no database stores it, no page shows it."""


def json_depth(value):
    """How deeply lists and objects nest in a parsed value (0 for a scalar), counted without
    recursion; BadText for a string that is not valid Unicode."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_unicode(item)
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _check_unicode(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadText("not valid Unicode") from None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _nesting(text):
    """How deep brackets nest in JSON text (strings left out), without parsing it."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing (ValueError) what is nested deeper than MAX_DEPTH or holds text
    that is not valid Unicode."""

    def loads(self, s, **kwargs):
        """Parse JSON text; TooDeep or BadText for what no view can use."""
        # Refused before parsing: a RecursionError inside the C parser can leave CPython 3.11's
        # recursion bookkeeping off, which later breaks `ast` in the same process.
        if _nesting(s) > MAX_DEPTH:
            raise TooDeep("nested too deeply")
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise TooDeep("nested too deeply") from None
        if json_depth(value) > MAX_DEPTH:
            raise TooDeep("nested too deeply")
        return value


class BodyRequest(Request):
    """Flask's Request; a JSON body that cannot be read is a 400 that says why."""

    def on_json_loading_failed(self, e):
        """400 for malformed or too deeply nested JSON; 415 for a body that is not JSON."""
        if isinstance(e, TooDeep):
            raise BadRequest(N_("The JSON body is nested too deeply."))
        if isinstance(e, BadText):
            raise BadRequest(N_("This text contains characters that cannot be stored."))
        if e is not None:
            raise BadRequest(N_("The request body is not valid JSON."))
        return super().on_json_loading_failed(e)


def body_value(name):
    """A field of the body (JSON object or form), or None when the body cannot be read:
    for code that runs before the view and must not fail (the view refuses such a body)."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            return body.get(name) if isinstance(body, dict) else None
        return request.form.get(name)
    except (HTTPException, ValueError, RecursionError):
        return None


def init_app(app):
    """Install the bounded JSON provider and the Request class on the app."""
    app.json_provider_class = BoundedJSONProvider
    app.json = BoundedJSONProvider(app)
    app.request_class = BodyRequest
