"""Domain and HTTP errors, mapped in one place: JSON under /api, a page elsewhere."""

import json

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from boards.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

from .i18n import translate_error
from .security_log import log_security

STATUS = {Invalid: 422, NotFound: 404, Forbidden: 403, Conflict: 409}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
              422: "invalid"}


def status_for(error):
    """The HTTP status of a domain error."""
    return STATUS.get(type(error), 422)


def wants_json():
    """API callers and htmx requests get short answers, not pages."""
    return request.path.startswith("/api/")


def json_error(status, code, message, field=None, item=None):
    """The JSON error body every API error uses (`item`: the id of the list entry it concerns)."""
    body = {"error": code, "message": message}
    if field:
        body["field"] = field
    if item is not None:
        body["item"] = item
    return jsonify(body), status


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
        message = translate_error(error.message)
        if wants_json():
            return json_error(status, error.code, message, error.field, error.item)
        if request.headers.get("HX-Request"):
            return htmx_error(status, error.code, message, error.field)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 403:
            log_refusal()
        if wants_json():
            return json_error(error.code, HTTP_CODES.get(error.code, "error"), error.description)
        if request.headers.get("HX-Request"):
            return htmx_error(error.code, HTTP_CODES.get(error.code, "error"), error.description)
        return render_template("error.html", status=error.code, message=page_message(error.code)), error.code


def page_message(status):
    """What an error page says, in the page's language (werkzeug's own texts are English)."""
    messages = {
        400: _("The request could not be understood. Go back and try again."),
        401: _("Log in to see this page."),
        403: _("You do not have access to this page. Ask an administrator if you need it."),
        404: _("This page does not exist (any more). Check the address, or start from your actions."),
        405: _("This address cannot be used this way."),
        413: _("What was sent is too large."),
    }
    return messages.get(status, _("Something went wrong on our side. Try again in a moment."))
