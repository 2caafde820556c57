"""People, passwords and API tokens."""

import hashlib
import os
import re
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict, Invalid
from .models import ApiToken, LoginSession, Person, utcnow
from .password_policy import check_password
from .validation import storable

# Only the test suite sets VERBETERBORD_FAST_HASHING=1 (argon2's cheapest, insecure parameters):
# with the production ones every test person costs about half a second on a busy machine.
_hasher = (PasswordHasher.from_parameters(profiles.CHEAPEST)
           if os.environ.get("VERBETERBORD_FAST_HASHING") == "1" else PasswordHasher())
# Verifying against this keeps a wrong e-mail as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email):
    """Trimmed, lower-case e-mail, or Invalid."""
    email = storable(email, "email").strip().lower() if isinstance(email, str) else ""
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise Invalid(N_("Enter a valid e-mail address."), field="email")
    return email


def create_person(session, *, name, email, password=None, is_admin=False, home_office=None,
                  actor_id=None):
    """Register a person (names and e-mail only); commits."""
    name = storable(name, "name").strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise Invalid(N_("A name is required."), field="name")
    email = normalise_email(email)
    if session.exec(select(Person).where(Person.email == email)).first():
        raise Conflict(N_("Someone with this e-mail address already exists."))
    person = Person(name=name, email=email, is_admin=is_admin, home_office=home_office)
    if password is not None:
        person.password_hash = hash_password(password)
    session.add(person)
    session.flush()
    events.record(session, kind="person_created", person_id=actor_id,
                  after={"person_id": person.id, "name": name, "is_admin": is_admin})
    session.commit()
    return person


def hash_password(password):
    """An argon2 hash of a password that meets the policy."""
    check_password(password)
    return _hasher.hash(storable(password, "password"))


def password_matches(person, password):
    """True when the password is the person's (always as slow as a real check)."""
    stored = person.password_hash if person is not None and person.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password.encode("utf-8", "surrogatepass")
                       if isinstance(password, str) else b"")
    except (VerifyMismatchError, InvalidHashError):
        return False
    return person is not None and bool(person.password_hash)


def authenticate(session, email, password):
    """The active person with this e-mail and password, or None."""
    try:
        email = normalise_email(email)
    except Invalid:
        return None
    person = session.exec(select(Person).where(Person.email == email)).first()
    if not password_matches(person, password) or not person.active:
        return None
    return person


def issue_token(session, person_id):
    """A new bearer token for the person; only its hash is kept."""
    active_person(session, person_id)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(person_id=person_id, token_hash=token_hash(token)))
    session.commit()
    return token


def person_for_token(session, token):
    """The active person a bearer token belongs to, or None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.exec(select(ApiToken, Person).join(Person, Person.id == ApiToken.person_id)
                       .where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row[0].revoked or not row[1].active:
        return None
    return row[1]


def start_login(session, person_id):
    """Record a browser login; returns the key the session cookie carries."""
    active_person(session, person_id)
    key = secrets.token_urlsafe(24)
    session.add(LoginSession(key_hash=token_hash(key), person_id=person_id))
    session.commit()
    return key


def end_login(session, key):
    """End a browser login (logout); its cookie is refused from now on."""
    login = session.get(LoginSession, token_hash(key)) if key else None
    if login is not None and login.ended_at is None:
        login.ended_at = utcnow()
        session.commit()


def login_is_active(session, key, person_id):
    """True while the login with this key belongs to the person and has not ended."""
    if not isinstance(key, str) or not key:
        return False
    login = session.get(LoginSession, token_hash(key))
    return login is not None and login.person_id == person_id and login.ended_at is None


def token_hash(token):
    """The stored form of a secret token: its SHA-256."""
    # surrogatepass: a malformed key hashes to something no stored key matches, not an error
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def set_active(session, actor_id, person_id, active):
    """Enable or disable an account; disabling ends its sessions, sockets and tokens."""
    actor = active_person(session, actor_id)
    require_admin(actor)
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if person.id == actor.id and not active:
        raise Invalid(N_("You cannot disable your own account."))
    before = person.active
    change_active(session, person, active)
    events.record(session, kind="person_enabled" if active else "person_disabled",
                  person_id=actor.id, before={"person_id": person.id, "active": before},
                  after={"person_id": person.id, "active": active})
    session.commit()
    return person


def change_active(session, person, active):
    """Set `active`; disabling ends the person's sessions and tokens (the web layer closes
    their sockets: room `person:<id>`)."""
    was_active = person.active
    person.active = active
    if was_active and not active:
        person.session_epoch += 1
        for token in session.exec(select(ApiToken).where(ApiToken.person_id == person.id)).all():
            token.revoked = True
        for login in session.exec(select(LoginSession).where(
                LoginSession.person_id == person.id, LoginSession.ended_at.is_(None))).all():
            login.ended_at = utcnow()
