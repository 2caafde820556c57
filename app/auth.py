"""Logging in and out, and who is asking: session cookie or bearer token."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from boards import people
from boards.models import utcnow
from boards.sign_in import may_use_password

from . import database
from .limits import wrong_passwords
from .offload import off_loop
from .redirects import local_target
from .security_log import log_security
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


def now(app=None):
    """The app's clock (config CLOCK, a function returning an aware UTC time; tests freeze it).
    `app`: for code outside an app context (socket event guards, background tasks)."""
    return ((app or current_app).config.get("CLOCK") or utcnow)()


# The security log's names for what this module reports.
_SECURITY_KINDS = {"token_issue": "token_issued", "token_revoke": "token_revoked"}


def security_event(kind, *, outcome, person_id=None, email="", method=None, detail="",
                   **details):
    """One place where logins, refusals and token changes are reported to the security log
    (app/security_log.py). `kind`: login, login_limited, token_issue, token_limited,
    token_revoke, calendar_revoked, logout; `outcome`: "success", "failure" or "refused"."""
    extra = ", ".join(f"{key}={value}" for key, value in sorted(details.items()))
    log_security(_SECURITY_KINDS.get(kind, kind), outcome, person_id=person_id,
                 email=str(email or ""), method=method,
                 detail="; ".join(part for part in (detail, extra) if part))


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
    local = password_login_on()
    if form.validate_on_submit():
        person = authenticate(form.email.data, form.password.data)
        if person is not None and may_use_password(person, local):
            begin_login(person)
            return redirect(safe_next(request.args.get("next")))
        if person is not None:
            security_event("login", outcome="failure", person_id=person.id, email=person.email,
                           method="password", detail="password login is off")
            flash(_("Password login is off. Sign in with %(name)s.", name=provider_name()), "error")
            status = 403
        else:
            security_event("login", outcome="failure", method="password", email=form.email.data)
            flash(_("The e-mail address or password is not correct."), "error")
            status = 401
    elif request.method == "POST":
        flash(_("Fill in your e-mail address and password."), "error")
        status = 400
    show_form = local or request.method == "POST" or request.args.get("password") == "1"
    return render_template("auth/login.html", form=form, show_form=show_form, local=local,
                           provider=provider_name()), status


def password_login_on():
    """LOCAL_LOGIN=0 turns password login off (break-glass admins excepted)."""
    return current_app.config.get("LOCAL_LOGIN", True)


def provider_name():
    """The OpenID provider's name on the button, or None when there is none."""
    if "verbeterbord.oidc" not in current_app.extensions:
        return None
    return current_app.config.get("OIDC_DISPLAY_NAME") or "Microsoft"


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


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and close this login's open sockets; then log out at the provider too."""
    from .oidc import logout_url
    from .sockets import disconnect_room
    key = session.get("login_key")
    id_token = session.get("oidc_id_token")
    write(people.end_login, key)
    security_event("logout", outcome="success")
    logout_user()
    session.clear()
    if key:
        disconnect_room(f"login:{key}")
    flash(_("You are logged out."), "info")
    return redirect(logout_url(id_token) or url_for("auth.login"))



def safe_next(target):
    """Only this site: never redirect off-site after login."""
    return local_target(target, url_for("pages.home"))
