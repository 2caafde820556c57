"""Writing the security log: one row in the database and one JSON line for a SIEM.

The log's own small write path. It is not a board change (nothing to publish, no activity
Event), so it does not go through the write door in writes.py; tests/test_write_door.py
allows this module, and only this one besides writes.py, to open a writer. Never call it
while a write transaction is open in the same request (SQLite would wait for itself).
"""

import json
import logging
import time

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from boards.models import utcnow
from boards.security_log import prune_security_log, record_security_event

from . import database

logger = logging.getLogger("verbeterbord.security")
PRUNE_EVERY = 3600  # seconds between prunes by one process


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
        with database.database().writer() as session:
            record_security_event(session, kind=kind, outcome=outcome, person_id=person_id,
                                  email=email, method=method, address=address, detail=detail,
                                  at=at)
            _prune_now_and_then(session)
            session.commit()
    except Exception:  # the request itself must not fail because its log line could not be kept
        logger.exception("security event not stored: %s", line)


def prune(now=None):
    """Delete rows older than SECURITY_LOG_DAYS; returns how many went."""
    with database.database().writer() as session:
        gone = prune_security_log(session, current_app.config["SECURITY_LOG_DAYS"], now)
        session.commit()
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
