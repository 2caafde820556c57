"""Admin pages: people, teams, ambitions and goals."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import catalog, password_links, people
from boards.errors import N_, DomainError, Invalid
from boards.models import Person

from . import database
from .i18n import translate_error
from .inputs import form_int_or_none, parse_date, parse_id
from .passwords import close_sockets, link_url
from .security_log import log_change
from .socket_rooms import disconnect_room
from .writes import write

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    """Only admins; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _run(service, success):
    """Run one service write (`service(session)`); flash and log its outcome; back to the page.

    Back means the admin page itself, never the Referer: a redirect only goes to this site.
    """
    try:
        write(service)
        flash(success, "info")
        log_change("success")
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", error.code)
    return redirect(url_for("admin.index"))


@bp.route("/")
@admin_required
def index():
    """People, teams, ambitions and goals on one page."""
    return render_template("admin/index.html", **catalog.everything(database.reader()))


@bp.route("/people", methods=["POST"])
@admin_required
def create_person():
    """Register a person and show the one-time link with which they choose a password."""
    form = request.form
    try:
        person = write(people.create_person, name=form.get("name"), email=form.get("email"),
                       is_admin=form.get("is_admin") == "on", actor_id=current_user.id)
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", error.code)
        return redirect(url_for("admin.people"))
    log_change("success", f"person_id={person.id}")
    flash(_("Person added."), "info")
    return _password_link(person.id, "invite")


@bp.route("/people/<int:person_id>/password-link", methods=["POST"])
@admin_required
def password_link(person_id):
    """A one-time link to (re)set a person's password, instead of typing it for them."""
    return _password_link(person_id, None)


def _password_link(person_id, purpose):
    try:
        link = write(password_links.create_password_link, current_user.id, person_id, purpose)
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", error.code)
        return redirect(url_for("admin.index"))
    if link.purpose == "reset":
        close_sockets(person_id)
    if purpose is None:  # an invite is logged with the person it belongs to
        log_change("success")
    person = database.reader().get(Person, person_id)
    return render_template("admin/password_link.html", person=person, url=link_url(link.token),
                           expires=link.expires)


@bp.route("/people/<int:person_id>/active", methods=["POST"])
@admin_required
def set_active(person_id):
    """Enable or disable an account; disabling closes its open sockets at once."""
    active = request.form.get("active") == "1"
    response = _run(lambda s: people.set_active(s, current_user.id, person_id, active),
                    _("Account enabled.") if active else _("Account disabled."))
    if not active:
        disconnect_room(f"person:{person_id}")
    return response


@bp.route("/teams", methods=["POST"])
@admin_required
def create_team():
    """Create a team."""
    form = request.form
    ambition_ids = [parse_id(v, "ambition_ids") for v in form.getlist("ambition_ids")]
    return _run(lambda s: catalog.create_team(
        s, current_user.id, name=form.get("name"), slug=form.get("slug") or None,
        kind=form.get("kind", "team"), ambition_ids=ambition_ids), _("Team added."))


@bp.route("/teams/<int:team_id>/members", methods=["POST"])
@admin_required
def add_member(team_id):
    """Put a person in a team."""
    return _run(lambda s: catalog.add_member(
        s, current_user.id, team_id, form_int_or_none("person_id"),
        delegate=request.form.get("delegate") == "on"), _("Member added."))


@bp.route("/ambitions", methods=["POST"])
@admin_required
def create_ambition():
    """Create an ambition."""
    form = request.form
    return _run(lambda s: catalog.create_ambition(
        s, current_user.id, title=form.get("title"), description=form.get("description", ""),
        colour=form.get("colour", "#1f6feb"), order=form_int_or_none("order") or 0),
        _("Ambition added."))


@bp.route("/goals", methods=["POST"])
@admin_required
def create_goal():
    """Create a long- or short-term goal; each choice must be made, none is preset."""
    form = request.form
    return _run(lambda s: catalog.create_goal(
        s, current_user.id, **_goal_place(form), title=form.get("title")), _("Goal added."))


def _goal_place(form):
    """Ambition, horizon and parent as chosen in the form; Invalid for a choice not made."""
    if not form.get("ambition_id"):
        raise Invalid(N_("Choose an ambition."), field="ambition_id")
    if not form.get("horizon"):
        raise Invalid(N_("Choose long or short term."), field="horizon")
    parent = form.get("parent_id")
    if not parent:
        raise Invalid(N_("Choose the long-term goal it comes under, or none for a long-term goal."),
                      field="parent_id")
    return {"ambition_id": form_int_or_none("ambition_id"), "horizon": form.get("horizon"),
            "parent_id": None if parent == "none" else form_int_or_none("parent_id")}


@bp.route("/cadence", methods=["POST"])
@admin_required
def cadence():
    """Set the organisation's cycle length and start day."""
    try:
        start = parse_date(request.form.get("first_cycle_start"), "first_cycle_start")
    except Invalid:
        start = None
    return _run(lambda s: catalog.update_cadence(
        s, current_user.id, cycle_length_days=form_int_or_none("cycle_length_days"),
        first_cycle_start=start),
        _("The cadence is saved."))
