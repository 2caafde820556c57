"""People, passwords and API tokens."""

import hashlib
import os
import re
import secrets
from datetime import timedelta, timezone

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict, Invalid, NotFound
from .models import ApiToken, LoginSession, Person, utcnow
from .password_policy import PasswordContext, check_password, organisation_words, person_words
from .validation import clean_line, storable

# Only the test suite sets VERBETERBORD_FAST_HASHING=1 (argon2's cheapest, insecure parameters):
# with the production ones every test person costs about half a second on a busy machine.
_hasher = (PasswordHasher.from_parameters(profiles.CHEAPEST)
           if os.environ.get("VERBETERBORD_FAST_HASHING") == "1" else PasswordHasher())
# Verifying against this keeps a wrong e-mail as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_DAYS = 90  # a token's life when the request names none
MAX_TOKEN_DAYS = 366
TOKEN_NAME_MAX = 100
# A token's last use is kept to this precision, so reading with it writes at most this often.
LAST_USED_PRECISION = timedelta(hours=1)


def run_directly(function, *args):
    """The default `run` for slow password work: call it here (no event loop to keep free)."""
    return function(*args)


def aware(moment):
    """A stored time as UTC; SQLite hands back stored UTC times without their offset."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def normalise_email(email):
    """Trimmed, lower-case e-mail, or Invalid."""
    email = clean_line(email, "email", 320, required=False).lower() \
        if isinstance(email, str) else ""
    if not EMAIL_RE.match(email):
        raise Invalid(N_("Enter a valid e-mail address."), field="email")
    return email


def clean_name(name):
    """A person's name: one line, trimmed, 1–200 characters."""
    return clean_line(name, "name", missing=N_("A name is required."))


def create_person(session, *, name, email, password=None, is_admin=False, home_office=None,
                  actor_id=None, run=run_directly):
    """Register a person (names and e-mail, a password if given). `run`: see
    hash_password. A password is checked against the person's name and e-mail and the
    organisation (password_policy); only the CLI and the demo seed give one, the web sends a
    one-time link instead, so reading the organisation first holds no request's write lock."""
    name = clean_name(name)
    email = normalise_email(email)
    password_hash = None
    if password is not None:
        context = PasswordContext(person_words(name, email), organisation_words(session))
        password_hash = hash_password(password, context, run)
    if session.exec(select(Person).where(Person.email == email)).first():
        raise Conflict(N_("Someone with this e-mail address already exists."))
    person = Person(name=name, email=email, is_admin=is_admin, home_office=home_office,
                    password_hash=password_hash)
    session.add(person)
    session.flush()
    events.record(session, kind="person_created", person_id=actor_id,
                  after={"person_id": person.id, "name": name, "is_admin": is_admin})
    session.flush()
    return person


def hash_password(password, context, run=run_directly):
    """An argon2 hash of a password that meets the policy (boards.password_policy) for the
    person and place in `context` (a PasswordContext).

    `run(function, *args)` runs the slow part (the policy's guess estimate, tens of
    milliseconds of pure Python, and the hashing); the app passes one that keeps its event loop
    free (a thread pool), the default calls it directly.
    """
    return run(_checked_hash, password, context)


def _checked_hash(password, context):
    check_password(password, context)
    return _hasher.hash(storable(password, "password"))


def _verify(stored, password):
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def password_matches(person, password, run=run_directly):
    """True when the password is the person's (always as slow as a real check)."""
    return hash_matches(person.password_hash if person is not None else None, password, run)


def hash_matches(stored, password, run=run_directly):
    """True when the password matches a stored hash; no hash (None) never matches, as slowly."""
    secret = password.encode("utf-8", "surrogatepass") if isinstance(password, str) else b""
    return bool(run(_verify, stored or _DUMMY_HASH, secret)) and bool(stored)


def authenticate(session, email, password, run=run_directly, *, release=False):
    """The active person with this e-mail and password, or None (`run`: see hash_password).

    With `release` (a read session of the caller's own), the session's transaction ends before
    the slow check, so that a wave of logins does not hold every pooled connection meanwhile;
    the person comes back detached.
    """
    try:
        email = normalise_email(email)
    except Invalid:
        return None
    person = session.exec(select(Person).where(Person.email == email)).first()
    if release:
        if person is not None:
            session.expunge(person)
        session.rollback()
    if not password_matches(person, password, run) or not person.active:
        return None
    return person


def issue_token(session, person_id, *, name=None, expires_days=None, now=None):
    """A new bearer token for the person, ending after `expires_days`; only its hash is kept."""
    active_person(session, person_id)
    if name is None:
        name = ""
    if not isinstance(name, str) or len(name) > TOKEN_NAME_MAX:
        raise Invalid(N_("A token name has at most 100 characters."), field="name")
    name = clean_line(name, "name", TOKEN_NAME_MAX, required=False)
    if expires_days is None:
        expires_days = TOKEN_DAYS
    if not isinstance(expires_days, int) or isinstance(expires_days, bool) \
            or not 1 <= expires_days <= MAX_TOKEN_DAYS:
        raise Invalid(N_("A token lasts from 1 to 366 days."), field="expires_days")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(person_id=person_id, token_hash=token_hash(token), name=name,
                         created_at=now, expires_at=now + timedelta(days=expires_days)))
    session.flush()
    return token


def token_for_bearer(session, token, now=None):
    """(ApiToken, Person) for a bearer token that is neither revoked nor expired, or None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.exec(select(ApiToken, Person).join(Person, Person.id == ApiToken.person_id)
                       .where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row[0].revoked or not row[1].active:
        return None
    if aware(row[0].expires_at) <= (now or utcnow()):
        return None
    return row[0], row[1]


def token_needs_touch(token, now=None):
    """True when a token's recorded last use is older than LAST_USED_PRECISION."""
    last = aware(token.last_used_at)
    return last is None or (now or utcnow()) - last >= LAST_USED_PRECISION


def touch_token(session, token_id, now=None):
    """Record that a token was used (to LAST_USED_PRECISION)."""
    token = session.get(ApiToken, token_id)
    if token is not None and token_needs_touch(token, now):
        token.last_used_at = now or utcnow()
        session.flush()


def list_tokens(session, person_id, now=None):
    """The person's tokens that still work, newest first."""
    now = now or utcnow()
    rows = session.exec(select(ApiToken).where(ApiToken.person_id == person_id,
                                               ApiToken.revoked.is_(False))
                        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return [t for t in rows if aware(t.expires_at) > now]


def revoke_token(session, person_id, token_id):
    """Revoke one of the person's own tokens; anyone else's (or none) is NotFound."""
    token = session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None or token.person_id != person_id or token.revoked:
        raise NotFound(N_("Unknown token."))
    token.revoked = True
    events.record(session, kind="token_revoked", person_id=person_id,
                  after={"token_id": token.id, "name": token.name})
    session.flush()
    return token


def start_login(session, person_id, now=None):
    """Record a browser login; returns the key the session cookie carries."""
    active_person(session, person_id)
    key = secrets.token_urlsafe(24)
    session.add(LoginSession(key_hash=token_hash(key), person_id=person_id,
                             created_at=now or utcnow()))
    session.flush()
    return key


def end_login(session, key):
    """End a browser login (logout); its cookie is refused from now on."""
    login = session.get(LoginSession, token_hash(key)) if key else None
    if login is not None and login.ended_at is None:
        login.ended_at = utcnow()
        session.flush()


def person_with_login(session, person_id, key):
    """The person and their browser login with this key, in one statement: (None, None) for
    an unknown person, (person, None) when the key is not a login of theirs."""
    if not isinstance(key, str) or not key:
        return session.get(Person, person_id), None
    row = session.exec(select(Person, LoginSession)
                       .outerjoin(LoginSession, (LoginSession.key_hash == token_hash(key))
                                  & (LoginSession.person_id == Person.id))
                       .where(Person.id == person_id)).first()
    return row if row is not None else (None, None)


def login_is_active(login, *, max_age=None, now=None):
    """True while the login (a LoginSession or None) has not ended and (when `max_age`, a
    timedelta, is given) was started less than `max_age` ago."""
    if login is None or login.ended_at is not None:
        return False
    return max_age is None or (now or utcnow()) - aware(login.created_at) < max_age


def login_started(session, key):
    """When the login with this key began (aware UTC), or None for an unknown key."""
    login = session.get(LoginSession, token_hash(key)) if isinstance(key, str) and key else None
    return aware(login.created_at) if login is not None else None


# Keys per IN (...) list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500


def _chunks(values):
    values = list(values)
    return (values[start:start + _CHUNK] for start in range(0, len(values), _CHUNK))


def ended_logins(session, keys):
    """The keys among `keys` whose login has ended (logout, disabled account) or is unknown."""
    by_hash = {token_hash(key): key for key in keys}
    open_ones = set()
    for hashes in _chunks(by_hash):
        open_ones.update(session.exec(select(LoginSession.key_hash).where(
            LoginSession.key_hash.in_(hashes), LoginSession.ended_at.is_(None))).all())
    return {key for digest, key in by_hash.items() if digest not in open_ones}


def ended_tokens(session, hashes, now=None):
    """The token hashes among `hashes` that no longer work: revoked, expired, unknown, or
    their person disabled."""
    now = now or utcnow()
    working = set()
    for chunk in _chunks(set(hashes)):
        rows = session.exec(select(ApiToken.token_hash, ApiToken.expires_at, ApiToken.revoked,
                                   Person.active)
                            .join(Person, Person.id == ApiToken.person_id)
                            .where(ApiToken.token_hash.in_(chunk))).all()
        working.update(digest for digest, expires, revoked, active in rows
                       if active and not revoked and aware(expires) > now)
    return set(hashes) - working


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
    session.flush()
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
