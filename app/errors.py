"""Domain and HTTP errors, mapped in one place: problem details under /api, a page elsewhere.

Every error of the API is made by `problem()`: RFC 9457 problem details
(`application/problem+json`), as the NL GOV API Design Rules ask (/core/error-handling/
problem-details), with the members API clients of version 1.0 read (`error`, `message`,
`field`, `item`) kept as extension members.
"""

import json
from urllib.parse import quote

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from boards.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

from .api_conventions import is_api_path
from .i18n import translate_error
from .security_log import log_security

STATUS = {Invalid: 422, NotFound: 404, Forbidden: 403, Conflict: 409}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
              422: "invalid", 429: "rate_limited", 500: "server_error"}
PROBLEM_JSON = "application/problem+json"


def status_for(error):
    """The HTTP status of a domain error."""
    return STATUS.get(type(error), 422)


def wants_json():
    """API callers get problem details, not pages."""
    return is_api_path(request.path)


def problem(status, code, message, field=None, item=None):
    """The problem details answer every API error uses.

    `type` is about:blank, so `title` is the status's own phrase and the status says what
    happened; `error` is the finer code (`invalid`, `conflict`, ...). `detail` and its 1.0 name
    `message` say it for people (a domain error in the UI language); `field` names the input
    concerned, `item` the id of the list entry (a cycle close's action); `instance` is the path
    asked for."""
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
            "status": status, "detail": message, "instance": _requested_path(),
            "error": code, "message": message}
    if field:
        body["field"] = field
    if item is not None:
        body["item"] = item
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    if status == 401:
        # RFC 9110: a 401 names the scheme that would work.
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _requested_path():
    """The path asked for as a URI reference: percent-encoded again (werkzeug decoded it)."""
    return quote(request.script_root + request.path, safe="/!$&'()*+,;=:@")


def htmx_error(status, code, message, field=None):
    """An htmx answer: the page script shows the message (next to `field` when the form has it)
    and resyncs on a conflict."""
    response = make_response("", status)
    detail = {"code": code, "message": message}
    if field:
        detail["field"] = field
    response.headers["HX-Trigger"] = json.dumps({"vb:error": detail})
    response.headers["HX-Reswap"] = "none"
    return response


def log_refusal():
    """A permission refusal goes to the security log."""
    log_security("forbidden", "refused", detail=f"{request.method} {request.full_path.rstrip('?')}")


def init_app(app):
    """Register the handlers."""

    @app.errorhandler(DomainError)
    def domain_error(error):
        status = status_for(error)
        if status == 403:
            log_refusal()
        message = translate_error(error.message, error.params)
        if wants_json():
            return problem(status, error.code, message, error.field, error.item)
        if request.headers.get("HX-Request"):
            return htmx_error(status, error.code, message, error.field)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 403:
            log_refusal()
        if wants_json():
            return http_problem(error)
        if request.headers.get("HX-Request"):
            return htmx_error(error.code, HTTP_CODES.get(error.code, "error"), error.description)
        page = render_template("error.html", status=error.code, message=page_message(error.code))
        return page, error.code


def http_problem(error):
    """An HTTP error (unknown path, wrong method, malformed body, too large, 500) as problem
    details; a 405 keeps its `Allow` header."""
    response = problem(error.code, HTTP_CODES.get(error.code, "error"), error.description)
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def page_message(status):
    """What an error page says, in the page's language (werkzeug's own texts are English)."""
    messages = {
        400: _("The request could not be understood. Go back and try again."),
        401: _("Log in to see this page."),
        403: _("You do not have access to this page. Ask an administrator if you need it."),
        404: _("This page does not exist (any more). Check the address, or start from your "
               "actions."),
        405: _("This address cannot be used this way."),
        413: _("What was sent is too large."),
    }
    return messages.get(status, _("Something went wrong on our side. Try again in a moment."))
