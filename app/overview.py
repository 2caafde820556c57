"""The Team van teams overview page and its live fragment."""

from flask import Blueprint, render_template
from flask_login import login_required

from boards.overview import overview_for

from . import database
from .pages import column_titles

bp = Blueprint("overview", __name__)


@bp.route("/overview")
@login_required
def overview():
    """All teams aggregated per ambition and team, with escalations."""
    return render_template("overview/index.html", data=overview_for(database.reader()),
                           titles=column_titles())


@bp.route("/overview/live")
@login_required
def overview_live():
    """Only the figures, for patching the open page after a change."""
    return render_template("overview/_body.html", data=overview_for(database.reader()),
                           titles=column_titles())
