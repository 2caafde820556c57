"""Writing the security log: one row in the database and one JSON line for a SIEM.

The log's own small write path. It is not a board change (nothing to publish, no activity
Event), so it does not go through the write door in writes.py; tests/test_write_door.py
allows this module, and only this one besides writes.py, to open a unit of work. Never call it
while a write transaction is open in the same request (SQLite would wait for itself).
"""

import json
import logging
import time

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from boards.models import utcnow
from boards.security_log import prune_security_log, record_security_event
from boards.unit_of_work import unit_of_work

from . import database

logger = logging.getLogger("verbeterbord.security")
PRUNE_EVERY = 3600  # seconds between prunes by one process
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def log_security(kind, outcome, *, person_id=None, email="", method=None, detail=""):
    """Record one security event; the asking person and address come from the request."""
    if person_id is None and not email:
        person_id, email = _asking_person()
    if method is None:
        method = _method()
    address = (request.remote_addr or "") if has_request_context() else ""
    at = utcnow()
    line = {"event": kind, "outcome": outcome, "person_id": person_id, "email": email,
            "method": method, "address": address, "detail": detail, "at": at.isoformat()}
    logger.info(json.dumps(line, ensure_ascii=False))
    try:
        with unit_of_work(database.database()) as session:
            record_security_event(session, kind=kind, outcome=outcome, person_id=person_id,
                                  email=email, method=method, address=address, detail=detail,
                                  at=at)
            _prune_now_and_then(session)
    except Exception:  # the request itself must not fail because its log line could not be kept
        logger.exception("security event not stored: %s", line)


# The security log's names for what security_event reports.
_SECURITY_KINDS = {"token_issue": "token_issued", "token_revoke": "token_revoked"}


def security_event(kind, *, outcome, person_id=None, email="", method=None, detail="",
                   **details):
    """One place where logins, refusals and token changes are reported to the security log.
    `kind`: login, login_limited, token_issue, token_limited, token_revoke, calendar_revoked,
    logout; `outcome`: "success", "failure" or "refused"; `details`: key=value notes."""
    extra = ", ".join(f"{key}={value}" for key, value in sorted(details.items()))
    log_security(_SECURITY_KINDS.get(kind, kind), outcome, person_id=person_id,
                 email=str(email or ""), method=method,
                 detail="; ".join(part for part in (detail, extra) if part))


def change_detail(reason=""):
    """What a change was: the endpoint, the ids in its URL and any refusal reason."""
    target = " ".join(f"{k}={v}" for k, v in sorted((request.view_args or {}).items()))
    return " ".join(part for part in (request.endpoint, target, reason) if part)


def log_change(outcome, reason="", *, kind="admin_change", method=None, person_id=None):
    """An admin (or directory) change, with its outcome, goes to the security log."""
    log_security(kind, outcome, person_id=person_id, method=method, detail=change_detail(reason))


def outcome_of(status):
    """A response's status as a security outcome."""
    if status < 400:
        return "success"
    return "refused" if status in (401, 403) else "failure"


def log_changes(blueprint, *, kind="admin_change", method=None, reads=(), about=None):
    """Every write through `blueprint` goes to the security log with the outcome its answer says.

    After the request, so the write's transaction has ended (see above). `reads`: endpoints
    that take a POST but change nothing; `about(response)`: (person_id, detail) when the change
    concerns a person other than the one asking.
    """

    @blueprint.after_request
    def log_write(response):
        if request.method in WRITES and request.endpoint not in reads:
            person_id, extra = about(response) if about else (None, "")
            status = response.status_code
            reason = " ".join(p for p in (extra, "" if status < 400 else str(status)) if p)
            log_change(outcome_of(status), reason, kind=kind, method=method, person_id=person_id)
        return response

    return log_write


def prune(now=None):
    """Delete rows older than SECURITY_LOG_DAYS; returns how many went."""
    with unit_of_work(database.database()) as session:
        gone = prune_security_log(session, current_app.config["SECURITY_LOG_DAYS"], now)
    return gone


def _prune_now_and_then(session):
    state = current_app.extensions.setdefault("verbeterbord.security_log", {"pruned": 0.0})
    if time.monotonic() - state["pruned"] > PRUNE_EVERY:
        state["pruned"] = time.monotonic()
        prune_security_log(session, current_app.config["SECURITY_LOG_DAYS"])


def _asking_person():
    if not has_request_context():
        return None, ""
    user = g.get("bearer_user") or (current_user if current_user.is_authenticated else None)
    return (user.id, user.email) if user is not None else (None, "")


def _method():
    if not has_request_context():
        return "cli"
    return "token" if g.get("bearer_user") else "session"


def init_app(app):
    """Make sure the JSON lines reach stderr when nobody configured logging."""
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
