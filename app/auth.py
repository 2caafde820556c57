"""Logging in and out, and who is asking: session cookie or bearer token."""

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
from flask_login import login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from boards import people
from boards.sign_in import may_use_password

from . import database
from .clock import now
from .limits import wrong_passwords
from .login_session import SessionUser, begin_login, load_user
from .offload import off_loop
from .oidc import logout_url, provider
from .redirects import safe_next
from .security_log import security_event
from .socket_rooms import disconnect_room
from .writes import write

bp = Blueprint("auth", __name__)


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
    if provider() is None:
        return None
    return current_app.config.get("OIDC_DISPLAY_NAME") or "Microsoft"


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and close this login's open sockets; then log out at the provider too."""
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
