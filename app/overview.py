"""The Team van teams overview page and its live fragment."""

from flask import Blueprint, render_template
from flask_login import login_required

from boards.overview import overview_for

from . import database
from .pages import column_titles
from .sparklines import goal_sparklines

bp = Blueprint("overview", __name__)


def _render(template):
    session = database.reader()
    data = overview_for(session)
    return render_template(template, data=data, titles=column_titles(),
                           sparks=goal_sparklines(session, data.goals.values()))


@bp.route("/overview")
@login_required
def overview():
    """All teams aggregated per ambition and team, with escalations and indicators."""
    return _render("overview/index.html")


@bp.route("/overview/live")
@login_required
def overview_live():
    """Only the figures, for patching the open page after a change."""
    return _render("overview/_body.html")
