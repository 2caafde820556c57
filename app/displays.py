"""Wall screens: a read-only board or overview behind a revocable link, no login needed."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from boards import displays, queries
from boards.overview import overview_for

from . import database
from .admin import admin_required
from .pages import column_titles
from .public_url import public_url
from .security_log import log_change
from .socket_rooms import disconnect_room
from .sparklines import goal_sparklines
from .writes import write

bp = Blueprint("displays", __name__)


def _display(token):
    """The link for a token, or 404 (an unknown and a revoked link look the same)."""
    found = displays.display_for_token(database.reader(), token)
    if found is None:
        abort(404)
    g.display_token = token
    return found


@bp.route("/display/<token>")
def show(token):
    """The board or overview this link was made for, read-only."""
    link, team = _display(token)
    if team is None:
        data = overview_for(database.reader())
        return render_template("overview/index.html", data=data, titles=column_titles(),
                               sparks=goal_sparklines(database.reader(), data.goals.values()),
                               display=link,
                               live_url=url_for("displays.live", token=token))
    view = queries.board_view(database.reader(), team.slug)
    return render_template("boards/display.html", board=view, titles=column_titles(),
                           can_write=False, display=link)


@bp.route("/display/<token>/columns")
def columns(token):
    """The board's columns, for re-reading after a reconnect."""
    _link, team = _display(token)
    if team is None:
        abort(404)
    view = queries.board_view(database.reader(), team.slug)
    return render_template("boards/_columns.html", board=view, titles=column_titles())


@bp.route("/display/<token>/live")
def live(token):
    """The overview's figures, for patching after a change."""
    _link, team = _display(token)
    if team is not None:
        abort(404)
    data = overview_for(database.reader())
    return render_template("overview/_body.html", data=data, titles=column_titles(),
                           sparks=goal_sparklines(database.reader(), data.goals.values()),
                           display=_link)


@bp.route("/display/<token>/ambitions.css")
def ambition_colours(token):
    """Ambition colours for a wall screen."""
    _display(token)
    css = render_template("ambitions.css", ambitions=queries.ambition_list(database.reader()))
    return css, 200, {"Content-Type": "text/css; charset=utf-8"}


@bp.route("/admin/displays", methods=["GET", "POST"])
@admin_required
def manage():
    """List display links; create one (its address is shown once)."""
    new_url = None
    if request.method == "POST":
        _link, token = write(displays.create_display_link, current_user.id,
                             label=request.form.get("label"),
                             team_slug=request.form.get("team") or None)
        new_url = public_url("displays.show", token=token)
        log_change("success", f"display link {_link.id}")
    session = database.reader()
    return render_template("admin/displays.html", links=displays.list_display_links(session),
                           teams=queries.list_teams(session), new_url=new_url)


@bp.route("/admin/displays/<int:link_id>/revoke", methods=["POST"])
@admin_required
def revoke(link_id):
    """Revoke a link and disconnect its screens at once."""
    write(displays.revoke_display_link, current_user.id, link_id)
    log_change("success")
    disconnect_room(f"display:{link_id}")
    flash(_("The display link is revoked."), "info")
    return redirect(url_for("displays.manage"))
