"""Logging in and out, and who is asking: session cookie or bearer token."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from boards import people
from boards.models import Person, utcnow

from . import database
from .limits import wrong_passwords
from .offload import off_loop
from .writes import write

# The session cookie carries when its login was last used (seconds since the epoch), refreshed
# at most this often: a copy of an old cookie ends after the idle time like the original.
SEEN = "seen"
SEEN_GRANULARITY = 30

bp = Blueprint("auth", __name__)


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


def now():
    """The app's clock (config CLOCK, a function returning an aware UTC time; tests freeze it)."""
    return (current_app.config.get("CLOCK") or utcnow)()


def security_event(kind, *, outcome, person_id=None, **details):
    """One place where logins, refusals and token changes are reported (the security log
    hooks in here). `kind`: login, login_limited, token_issue, token_limited, token_revoke,
    logout; `outcome`: "success", "failure" or "refused"."""
    current_app.logger.info("security %s %s person=%s address=%s %s", kind, outcome, person_id,
                            request.remote_addr, details or "")


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
    reader = database.reader()
    person = reader.get(Person, person_id)
    if person is None or not person.active or person.session_epoch != epoch:
        return None
    moment = now()
    max_age = timedelta(days=current_app.config["SESSION_MAX_DAYS"])
    if not people.login_is_active(reader, session.get("login_key"), person.id,
                                  max_age=max_age, now=moment):
        return None  # logged out or too old: a copy of the old cookie is worthless
    if not _session_fresh(moment):
        return None
    return SessionUser(person)


def user_for_bearer():
    """The person behind an `Authorization: Bearer` header, or None; notes the token's use."""
    if "bearer_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        found = None
        if scheme.lower() == "bearer" and token:
            moment = now()
            found = people.token_for_bearer(database.reader(), token.strip(), now=moment)
            if found and people.token_needs_touch(found[0], moment):
                write(people.touch_token, found[0].id, moment)
        g.bearer_user = SessionUser(found[1]) if found else None
        g.bearer_token_id = found[0].id if found else None
    return g.bearer_user


def authenticate(email, password):
    """The person with this e-mail and password, or None; argon2 runs off the event loop."""
    return people.authenticate(database.reader(), email, password, run=off_loop, release=True)


def init_auth(app, login_manager):
    """Bind Flask-Login and the auth routes."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])


@bp.route("/login", methods=["GET", "POST"])
@wrong_passwords
def login():
    """Show the login form; log in on a valid post. Wrong passwords are limited (app.limits)."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        person = authenticate(form.email.data, form.password.data)
        if person is not None:
            session.clear()
            moment = now()
            session["login_key"] = write(people.start_login, person.id, moment)
            session[SEEN] = int(moment.timestamp())
            login_user(SessionUser(person))
            security_event("login", outcome="success", person_id=person.id, method="password")
            return redirect(_safe_next(request.args.get("next")))
        security_event("login", outcome="failure", method="password", email=form.email.data)
        flash(_("The e-mail address or password is not correct."), "error")
        status = 401
    elif request.method == "POST":
        flash(_("Fill in your e-mail address and password."), "error")
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and close this login's open sockets."""
    from .sockets import disconnect_room
    key = session.get("login_key")
    write(people.end_login, key)
    security_event("logout", outcome="success", person_id=session.get("_user_id"))
    logout_user()
    session.clear()
    if key:
        disconnect_room(f"login:{key}")
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _safe_next(target):
    """Only local paths: never redirect off-site after login."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("pages.home")

