"""Goals pages: a team's short-term goals on its board, ambitions and long-term goals on /goals."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import goals, queries
from boards.access import can_write_team, sets_organisation_goals
from boards.errors import N_, DomainError, Invalid
from boards.models import Person

from . import database
from .confirm import confirmed
from .i18n import translate_error
from .inputs import form_date, form_id, form_version
from .sparklines import goal_sparklines
from .writes import write

bp = Blueprint("goals", __name__)


def _goal_fields():
    """The goal fields the form sent (a status button sends only the status)."""
    fields = {}
    if "title" in request.form:
        fields["title"] = request.form.get("title")
    if "target_date" in request.form:
        fields["target_date"] = form_date("target_date")
    if "status" in request.form:
        fields["status"] = request.form.get("status")
    return fields


def render_panel(slug, status=200, template="boards/_goals_panel.html"):
    """The board's goals panel, with the new-action form's goal picker swapped out of band."""
    session = database.reader()
    view = queries.team_goals(session, slug)
    me = session.get(Person, current_user.id)
    return render_template(template, goals_view=view,
                           sparks=goal_sparklines(session, view.long_goals + view.short_goals),
                           can_set_goals=can_write_team(session, me, view.team)), status


def _panel_or_board(slug, status=200):
    if request.headers.get("HX-Request"):
        return render_panel(slug, status)
    return redirect(url_for("pages.board", slug=slug) + "#goals-panel")


@bp.route("/teams/<slug>/goals")
@login_required
def panel(slug):
    """The goals panel alone, for re-reading it after a goal changed elsewhere."""
    return render_panel(slug)


@bp.route("/teams/<slug>/goals/sparks")
@login_required
def sparks(slug):
    """The indicators' sparklines of the panel's goals, each swapped into its place."""
    return render_panel(slug, template="boards/_goal_sparks.html")


@bp.route("/teams/<slug>/goals", methods=["POST"])
@login_required
def create_team_goal(slug):
    """A member adds a short-term goal under one of the team's long-term goals."""
    write(goals.create_team_goal, current_user.id, slug, title=request.form.get("title"),
          horizon="short", parent_id=form_id("parent_id"),
          target_date=form_date("target_date"))
    return _panel_or_board(slug, 201)


@bp.route("/teams/<slug>/goals/<int:goal_id>", methods=["POST"])
@login_required
def edit_team_goal(slug, goal_id):
    """Edit, achieve, retire (confirmed) or reopen one of the team's short-term goals."""
    if request.form.get("status") == "retired" and request.form.get("confirm") != "yes":
        # The box is `required` in the panel; a post without it still changes nothing.
        raise Invalid(N_("Tick the box to confirm."), field="confirm")
    write(goals.edit_goal, current_user.id, goal_id, version=form_version(),
          fields=_goal_fields())
    return _panel_or_board(slug)


# --- ambitions and long-term goals ------------------------------------------------------------

@bp.route("/goals")
@login_required
def index():
    """Ambitions and their long-term goals; admins and the Team van teams change them here."""
    session = database.reader()
    me = session.get(Person, current_user.id)
    return render_template("goals/index.html", data=queries.organisation_goals(session),
                           can_set=sets_organisation_goals(session, me))


def _run(service, *args, success, **kwargs):
    """Run one write, flash its outcome and go back to the goals page."""
    try:
        write(service, current_user.id, *args, **kwargs)
        flash(success, "info")
    except DomainError as error:
        flash(translate_error(error.message), "error")
    return redirect(url_for("goals.index"))


@bp.route("/goals/ambitions", methods=["POST"])
@login_required
def create_ambition():
    """Add an ambition at the end of the list."""
    form = request.form
    return _run(goals.create_ambition, title=form.get("title"),
                description=form.get("description", ""), colour=form.get("colour", "#1f6feb"),
                success=_("Ambition added."))


@bp.route("/goals/ambitions/<int:ambition_id>", methods=["POST"])
@login_required
def edit_ambition(ambition_id):
    """Edit an ambition, or retire (confirmed) or restore it."""
    form = request.form
    fields = {name: form.get(name) for name in ("title", "description", "colour") if name in form}
    if "retired" in form:
        fields["retired"] = form.get("retired") == "1"
        if fields["retired"] and not confirmed():
            return redirect(url_for("goals.index") + f"#ambition-{ambition_id}")
    return _run(goals.edit_ambition, ambition_id, version=form_version(), fields=fields,
                success=_("The ambition is saved."))


@bp.route("/goals/ambitions/<int:ambition_id>/move", methods=["POST"])
@login_required
def move_ambition(ambition_id):
    """Move an ambition one place up or down."""
    offset = -1 if request.form.get("direction") == "up" else 1
    return _run(goals.move_ambition, ambition_id, offset=offset,
                success=_("The order of the ambitions is saved."))


@bp.route("/goals/long", methods=["POST"])
@login_required
def create_long_goal():
    """Add a long-term goal under an ambition."""
    return _run(goals.create_long_goal, ambition_id=form_id("ambition_id"),
                title=request.form.get("title"), target_date=form_date("target_date"),
                success=_("Goal added."))


@bp.route("/goals/<int:goal_id>", methods=["POST"])
@login_required
def edit_goal(goal_id):
    """Edit, achieve, retire (confirmed) or reopen a long-term goal."""
    if request.form.get("status") == "retired" and not confirmed():
        return redirect(url_for("goals.index") + f"#goal-{goal_id}")
    return _run(goals.edit_goal, goal_id, version=form_version(), fields=_goal_fields(),
                success=_("The goal is saved."))
