"""Domain and HTTP errors, mapped in one place: JSON under /api, a page elsewhere."""

import json

from flask import jsonify, make_response, render_template, request
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


def json_error(status, code, message, field=None):
    """The JSON error body every API error uses."""
    body = {"error": code, "message": message}
    if field:
        body["field"] = field
    return jsonify(body), status


def htmx_error(status, code, message):
    """An htmx answer: the page script shows the message (and resyncs on a conflict)."""
    response = make_response("", status)
    response.headers["HX-Trigger"] = json.dumps({"vb:error": {"code": code, "message": message}})
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
            return json_error(status, error.code, message, error.field)
        if request.headers.get("HX-Request"):
            return htmx_error(status, error.code, message)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 403:
            log_refusal()
        if wants_json():
            return json_error(error.code, HTTP_CODES.get(error.code, "error"), error.description)
        if request.headers.get("HX-Request"):
            return htmx_error(error.code, HTTP_CODES.get(error.code, "error"), error.description)
        return render_template("error.html", status=error.code, message=error.description), error.code
