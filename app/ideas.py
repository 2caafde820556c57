"""Ideas pages: the board's ideas panel, posting an idea and the members' decisions on it."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import ideas, queries
from boards.access import can_write_team
from boards.idea_lists import ideas_of, my_ideas, teams_to_pass_to
from boards.models import Person

from . import database
from .inputs import form_version
from .writes import write

bp = Blueprint("ideas", __name__)


def state_names():
    """An idea's states in the UI language."""
    return {"new": _("New"), "discussing": _("In discussion"),
            "adopted": _("Turned into an action"), "parked": _("Parked"),
            "declined": _("Declined")}


def panel_context(session, team, can_decide):
    """What the ideas panel and its list show: the team's ideas, whether the reader decides on
    them, and the teams an idea can be passed on to."""
    return {"ideas": ideas_of(session, team), "team": team, "can_decide": can_decide,
            "other_teams": teams_to_pass_to(session, team) if can_decide else [],
            "state_names": state_names()}


def _context_for(slug):
    session = database.reader()
    team = queries.team_by_slug(session, slug)
    me = session.get(Person, current_user.id)
    return panel_context(session, team, can_write_team(session, me, team))


def _list(slug, status=200):
    return render_template("boards/_ideas_list.html", alone=True, **_context_for(slug)), status


def _back_to_board(slug):
    return redirect(url_for("pages.board", slug=slug) + "#ideas-panel")


@bp.route("/teams/<slug>/ideas")
@login_required
def list_partial(slug):
    """The ideas list alone (with the new count), re-read after an idea changed elsewhere."""
    return _list(slug)


@bp.route("/teams/<slug>/standup/ideas")
@login_required
def standup_partial(slug):
    """The stand-up's new ideas alone, re-read after an idea was posted or decided."""
    return render_template("boards/_standup_ideas.html", **_context_for(slug))


@bp.route("/teams/<slug>/ideas", methods=["POST"])
@login_required
def post(slug):
    """Anyone signed in posts an idea to the team."""
    write(ideas.post_idea, current_user.id, slug, title=request.form.get("title"),
          text=request.form.get("text", ""))
    if not request.headers.get("HX-Request"):
        return _back_to_board(slug)
    return render_template("boards/_ideas_panel.html", open_panel=True, **_context_for(slug)), 201


@bp.route("/teams/<slug>/ideas/<int:idea_id>", methods=["POST"])
@login_required
def change(slug, idea_id):
    """A member discusses, adopts, parks, declines (with a reason) or passes on an idea."""
    form = request.form
    write(ideas.set_idea_state, current_user.id, idea_id, state=form.get("state"),
          version=form_version(), reason=form.get("reason") or None,
          team=form.get("team") or None)
    if not request.headers.get("HX-Request"):
        return _back_to_board(slug)
    return _list(slug)


@bp.route("/me/ideas")
@login_required
def mine():
    """My ideas and what became of them, alone (re-read on /me when one of them changes)."""
    rows = my_ideas(database.reader(), current_user.id)
    return render_template("me/_ideas.html", my_ideas=rows, state_names=state_names())
