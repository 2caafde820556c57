"""A browser login: starting one, and the person it belongs to on each request (Flask-Login).

Every way of logging in (password, OpenID Connect) ends in `begin_login`. The session cookie
carries the login's key and when it was last used; `load_user` ends a login that was logged
out, disabled, or left idle or kept too long.
"""

from datetime import timedelta

from flask import current_app, session
from flask_login import login_user

from boards import people

from . import database
from .clock import now
from .security_log import security_event
from .writes import write

# The session cookie carries when its login was last used (seconds since the epoch), refreshed
# at most this often: a copy of an old cookie ends after the idle time like the original.
SEEN = "seen"
SEEN_GRANULARITY = 30


class SessionUser:
    """The logged-in person as Flask-Login sees them (detached from any DB session)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, person):
        self.id = person.id
        self.name = person.name
        self.email = person.email
        self.is_admin = person.is_admin
        self.is_active = person.active
        self.session_epoch = person.session_epoch

    def get_id(self):
        """Id plus epoch: disabling an account bumps the epoch and ends its sessions."""
        return f"{self.id}.{self.session_epoch}"


def _session_fresh(moment):
    """False when this browser login has been idle too long."""
    seen = session.get(SEEN)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if not isinstance(seen, (int, float)) or moment.timestamp() - seen >= idle.total_seconds():
        return False
    if moment.timestamp() - seen >= SEEN_GRANULARITY:
        session[SEEN] = int(moment.timestamp())
    return True


def load_user(user_id):
    """Flask-Login's loader: the active person whose epoch still matches, on a login that has
    neither ended nor passed its idle or absolute time."""
    try:
        person_id, epoch = (int(part) for part in user_id.split("."))
    except ValueError:
        return None
    person, login = people.person_with_login(database.reader(), person_id,
                                             session.get("login_key"))
    if person is None or not person.active or person.session_epoch != epoch:
        return None
    moment = now()
    max_age = timedelta(days=current_app.config["SESSION_MAX_DAYS"])
    if not people.login_is_active(login, max_age=max_age, now=moment):
        return None  # logged out or too old: a copy of the old cookie is worthless
    if not _session_fresh(moment):
        return None
    return SessionUser(person)


def begin_login(person, method="password"):
    """Every way of logging in ends here: a fresh session, a server-side login record, and a
    line in the security log."""
    session.clear()
    moment = now()
    session["login_key"] = write(people.start_login, person.id, moment)
    session[SEEN] = int(moment.timestamp())
    login_user(SessionUser(person))
    security_event("login", outcome="success", person_id=person.id, email=person.email,
                   method=method)
