"""Changing a password, and one-time links to set one (invite or reset), valid for 24 hours."""

import secrets
from datetime import timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Forbidden, Invalid
from .models import LoginSession, PasswordLink, Person, utcnow
from .people import hash_password, password_matches, run_directly, token_hash

LINK_LIFETIME = timedelta(hours=24)
PURPOSES = ("invite", "reset")


def change_password(session, person_id, current, new, *, context, keep_login=None,
                    run=run_directly):
    """Change one's own password; the current one is required. Other logins end.

    `context`: password_policy.password_context of the person, read before this write (so
    that the check and the hashing run before its first statement). `run(function, *args)`
    runs the slow argon2 work (see people.hash_password).
    """
    # Hashed before the first statement: the write lock is not held for that part.
    password_hash = hash_password(new, context, run)
    person = active_person(session, person_id)
    if not password_matches(person, current, run):
        raise Forbidden(N_("The current password is not correct."))
    person.password_hash = password_hash
    _end_logins(session, person.id, keep=keep_login)
    events.record(session, kind="password_changed", person_id=person.id,
                  after={"person_id": person.id})
    session.commit()


def create_password_link(session, actor_id, person_id, purpose=None, now=None):
    """An admin's one-time link for a person: (token, expires). Only the token's hash is kept."""
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
    events.record(session, kind="password_link_created", person_id=actor.id,
                  after={"person_id": person.id, "purpose": purpose})
    session.commit()
    return token, expires


def person_for_link(session, token, now=None):
    """The (link, person) a usable link belongs to, or None. Reads only."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.exec(select(PasswordLink, Person).join(Person, Person.id == PasswordLink.person_id)
                       .where(PasswordLink.token_hash == token_hash(token))).first()
    if row is None or row[0].used_at is not None or not row[1].active:
        return None
    if _aware(row[0].expires_at) <= (now or utcnow()):
        return None
    return row


def use_password_link(session, token, new_password, now=None, *, context, run=run_directly):
    """Set a password through a link, once. Every login of the person ends; returns the person.
    `context`: password_policy.password_context of the link's person, read before this write;
    `run`: see people.hash_password."""
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
    _end_logins(session, person.id)
    events.record(session, kind="password_set_by_link", person_id=person.id,
                  after={"person_id": person.id, "purpose": link.purpose})
    session.commit()
    return person


def _end_logins(session, person_id, keep=None):
    """End the person's browser logins (all but `keep`, a login key)."""
    keep_hash = token_hash(keep) if keep else None
    for login in session.exec(select(LoginSession).where(
            LoginSession.person_id == person_id, LoginSession.ended_at.is_(None))).all():
        if login.key_hash != keep_hash:
            login.ended_at = utcnow()


def _aware(moment):
    # SQLite hands back naive datetimes; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
