"""Changing a password, and one-time links to set one (invite or reset), valid for 24 hours."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .credentials import end_every_key
from .db import end_read
from .errors import N_, Forbidden, Invalid
from .models import PasswordLink, Person, utcnow
from .people import hash_matches, hash_password, run_directly, token_hash

LINK_LIFETIME = timedelta(hours=24)
PURPOSES = ("invite", "reset")
WRONG_CURRENT = N_("The current password is not correct.")


@dataclass(frozen=True)
class PasswordChange:
    """A checked and hashed password change, ready to be written (change_password)."""

    person_id: int
    checked_hash: str  # the stored hash the current password was checked against
    password_hash: str  # the new password's


def prepare_password_change(session, person_id, current, new, *, context, run=run_directly):
    """Check the current password and hash the new one, outside any write transaction.

    `context`: password_policy.password_context of the person. Reads the stored hash, ends the
    session's (read) transaction, then does the slow argon2
    work through `run` (see people.hash_password). Forbidden for a wrong current password,
    Invalid for a new one the policy refuses.
    """
    stored = session.exec(select(Person.password_hash).where(
        Person.id == person_id, Person.active.is_(True))).first()
    end_read(session)
    if not hash_matches(stored, current, run):
        raise Forbidden(WRONG_CURRENT)
    return PasswordChange(person_id, stored, hash_password(new, context, run))


def change_password(session, change, *, keep_login=None):
    """Store a prepared password change. Every other login, every API token and calendar link
    of the person ends (`keep_login`: the login key that made the change stays)."""
    person = active_person(session, change.person_id)
    if person.password_hash != change.checked_hash:
        raise Forbidden(WRONG_CURRENT)  # changed meanwhile: what was checked is not current
    person.password_hash = change.password_hash
    end_every_key(session, person.id, keep_login=keep_login)
    events.record(session, kind="password_changed", person_id=person.id,
                  after={"person_id": person.id})
    session.flush()


class NewLink(NamedTuple):
    """A link just made: the token (shown once), when it expires, and what it is for."""

    token: str
    expires: datetime
    purpose: str


def create_password_link(session, actor_id, person_id, purpose=None, now=None):
    """An admin's one-time link for a person (a NewLink). Only the token's hash is kept.
    A reset link also ends every login, API token and calendar link the person has."""
    actor = active_person(session, actor_id)
    require_admin(actor)
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if not person.active:
        raise Invalid(N_("This account is disabled; enable it first."))
    purpose = purpose or ("reset" if person.password_hash else "invite")
    if purpose not in PURPOSES:
        raise Invalid(N_("Unknown kind of link."), field="purpose")
    now = now or utcnow()
    # A new link replaces the person's older ones: only the latest one works.
    session.execute(sa.update(PasswordLink).where(
        PasswordLink.person_id == person.id, PasswordLink.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    expires = now + LINK_LIFETIME
    session.add(PasswordLink(token_hash=token_hash(token), person_id=person.id, purpose=purpose,
                             created_by=actor.id, created_at=now, expires_at=expires))
    if purpose == "reset":
        # An admin resets an account that may be in the wrong hands: nothing it had still works.
        end_every_key(session, person.id, now=now)
    events.record(session, kind="password_link_created", person_id=actor.id,
                  after={"person_id": person.id, "purpose": purpose})
    session.flush()
    return NewLink(token, expires, purpose)


def person_for_link(session, token, now=None):
    """The (link, person) a usable link belongs to, or None. Reads only."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.exec(select(PasswordLink, Person)
                       .join(Person, Person.id == PasswordLink.person_id)
                       .where(PasswordLink.token_hash == token_hash(token))).first()
    if row is None or row[0].used_at is not None or not row[1].active:
        return None
    if _aware(row[0].expires_at) <= (now or utcnow()):
        return None
    return row


def use_password_link(session, token, new_password, now=None, *, context, run=run_directly):
    """Set a password through a link, once. Every login, API token and calendar link of the
    person ends; returns the person. `context`: password_policy.password_context of the
    link's person, read before this write; `run`: see people.hash_password."""
    # Hashed before the first statement, so the write lock is not held for it (the page
    # showed the form only for a usable link; it is checked again below all the same).
    password_hash = hash_password(new_password, context, run)
    now = now or utcnow()
    row = person_for_link(session, token, now)
    if row is None:
        raise Invalid(N_("This link has expired or has already been used."), field="token")
    link, person = row
    # The conditional update makes the link single-use even when two requests race.
    used = session.execute(sa.update(PasswordLink).where(
        PasswordLink.id == link.id, PasswordLink.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:
        raise Invalid(N_("This link has expired or has already been used."), field="token")
    person.password_hash = password_hash
    end_every_key(session, person.id, now=now)
    events.record(session, kind="password_set_by_link", person_id=person.id,
                  after={"person_id": person.id, "purpose": link.purpose})
    session.flush()
    return person


def _aware(moment):
    # SQLite hands back naive datetimes; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
