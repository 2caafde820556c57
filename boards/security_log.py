"""The security log: logins, refusals, exports and admin changes, kept for a set number of days."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete
from sqlmodel import select

from .models import Person, SecurityEvent, utcnow

KINDS = ("login", "login_limited", "logout", "token_issued", "token_limited", "token_revoked",
         "calendar_revoked", "export", "forbidden", "admin_change", "scim_change")
OUTCOMES = ("success", "failure", "refused")
LIMITS = {"kind": 40, "outcome": 20, "email": 320, "method": 20, "address": 64, "detail": 500}


def record_security_event(session, *, kind, outcome, person_id=None, email="", method="",
                          address="", detail="", at=None):
    """Add one security log row (cut to the column sizes: the log never refuses a line)."""
    values = {"kind": kind, "outcome": outcome, "email": email or "", "method": method or "",
              "address": address or "", "detail": detail or ""}
    values = {name: _storable(value)[:LIMITS[name]] for name, value in values.items()}
    row = SecurityEvent(person_id=person_id, at=at or utcnow(), **values)
    session.add(row)
    return row


def _storable(value):
    # What an attacker typed is logged as far as a database can hold it: no NULs, no lone
    # surrogates (PostgreSQL refuses both).
    text = str(value).replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8")


def prune_security_log(session, keep_days, now=None):
    """Delete rows older than `keep_days`; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    result = session.exec(delete(SecurityEvent).where(SecurityEvent.at < cutoff))
    return result.rowcount or 0


@dataclass
class SecurityFilter:
    """What an admin filters the log on; empty fields match everything."""

    kind: str = ""
    outcome: str = ""
    who: str = ""  # part of a name or e-mail address
    since: Optional[datetime] = None
    until: Optional[datetime] = None  # exclusive


def security_events(session, wanted, limit=None):
    """The log's rows matching the filter, newest first, each with its person (or None)."""
    query = (select(SecurityEvent, Person)
             .join(Person, Person.id == SecurityEvent.person_id, isouter=True)
             .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()))
    if wanted.kind:
        query = query.where(SecurityEvent.kind == wanted.kind)
    if wanted.outcome:
        query = query.where(SecurityEvent.outcome == wanted.outcome)
    if wanted.who:
        # What the admin typed is matched literally: % and _ are not wildcards here.
        typed = wanted.who.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{typed}%"
        query = query.where(SecurityEvent.email.ilike(pattern, escape="\\")
                            | Person.email.ilike(pattern, escape="\\")
                            | Person.name.ilike(pattern, escape="\\"))
    if wanted.since is not None:
        query = query.where(SecurityEvent.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(SecurityEvent.at < wanted.until)
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query)
