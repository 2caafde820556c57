"""Logging in and out, and who is asking: session cookie or bearer token."""

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from boards import people
from boards.models import Person

from . import database
from .redirects import local_target
from .security_log import log_security
from .writes import write

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


def load_user(user_id):
    """Flask-Login's loader: the active person whose epoch still matches."""
    try:
        person_id, epoch = (int(part) for part in user_id.split("."))
    except ValueError:
        return None
    reader = database.reader()
    person = reader.get(Person, person_id)
    if person is None or not person.active or person.session_epoch != epoch:
        return None
    if not people.login_is_active(reader, session.get("login_key"), person.id):
        return None  # logged out: a copy of the old cookie is worthless
    return SessionUser(person)


def user_for_bearer():
    """The person behind an `Authorization: Bearer` header, or None."""
    if "bearer_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        person = None
        if scheme.lower() == "bearer" and token:
            person = people.person_for_token(database.reader(), token.strip())
        g.bearer_user = SessionUser(person) if person else None
    return g.bearer_user


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
def login():
    """Show the login form; log in on a valid post."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        person = people.authenticate(database.reader(), form.email.data, form.password.data)
        if person is not None:
            session.clear()
            session["login_key"] = write(people.start_login, person.id)
            login_user(SessionUser(person))
            log_security("login", "success", person_id=person.id, email=person.email,
                         method="password")
            return redirect(local_target(request.args.get("next"), url_for("pages.home")))
        log_security("login", "failure", email=form.email.data, method="password")
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
    log_security("logout", "success")
    logout_user()
    session.clear()
    if key:
        disconnect_room(f"login:{key}")
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))

