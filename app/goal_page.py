"""A goal's page: its indicators as process-behaviour charts, with the forms that feed them."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from boards import goal_reads, indicator_reads, indicators
from boards.errors import N_, Conflict, Forbidden, Invalid
from boards.goals import require_goal_editor
from boards.indicators import require_measurer
from boards.models import Person

from . import database
from .goals import render_panel
from .inputs import form_version
from .writes import write
from .xmr_chart import xmr_chart

bp = Blueprint("goal_page", __name__)


def _allowed(check, session, person, goal):
    """True when the domain's check lets the person through."""
    try:
        check(session, person, goal)
    except (Forbidden, Conflict):
        return False
    return True


def indicator_chart(session, view, done):
    """The XmR chart of an indicator, its periods as people write them, with its target and
    the goal's done actions on the timeline."""
    keys = view.keys
    title = view.indicator.name + (f" ({view.indicator.unit})" if view.indicator.unit else "")
    def label(ordinal):
        return keys.get(ordinal, str(ordinal))

    return xmr_chart(view.analysis(), title, target=view.indicator.target,
                     actions=goal_reads.done_periods(session, view, done), label=label,
                     axis=lambda ordinal: short_period(label(ordinal)))


def short_period(key):
    """A period short enough for five along a phone's axis: W07 for 2026-W07, 26-02 for
    2026-02 (the table under the chart has them in full)."""
    if "-W" in key:
        return key.split("-", 1)[1]
    if "-" in key:
        return key[2:]
    return key


def _page_data(goal_id):
    """Everything the page and its partials render from."""
    session = database.reader()
    page = goal_reads.goal_page(session, goal_id)
    me = session.get(Person, current_user.id)
    open_goal = page.goal.status != "retired"
    return {"page": page,
            "charts": {v.indicator.id: indicator_chart(session, v, page.done)
                       for v in page.indicators},
            "can_manage": open_goal and _allowed(require_goal_editor, session, me, page.goal),
            "can_measure": _allowed(require_measurer, session, me, page.goal)}


@bp.route("/goals/<int:goal_id>", methods=["GET"])
@login_required
def goal(goal_id):
    """The goal, its ambition, and each indicator's chart: what we did, and what happened."""
    return render_template("goals/goal.html", **_page_data(goal_id))


def _indicator_answer(indicator_id, status=200):
    """htmx gets the indicator's section again; a plain form post goes back to the page."""
    goal_id = indicator_reads.indicator_view(database.reader(), indicator_id).goal.id
    if not request.headers.get("HX-Request"):
        return redirect(url_for("goal_page.goal", goal_id=goal_id) + f"#indicator-{indicator_id}")
    data = _page_data(goal_id)
    view = next(v for v in data["page"].indicators if v.indicator.id == indicator_id)
    return render_template("goals/_indicator.html", view=view, **data), status


@bp.route("/goals/<int:goal_id>/indicators", methods=["POST"])
@login_required
def create_indicator(goal_id):
    """Whoever may change the goal adds an indicator to it."""
    form = request.form
    write(indicators.create_indicator, current_user.id, goal_id, name=form.get("name"),
          unit=form.get("unit", ""), direction=form.get("direction"),
          period=form.get("period"), decimals=form.get("decimals") or 1,
          target=form.get("target") or None)
    if not request.headers.get("HX-Request"):
        return redirect(url_for("goal_page.goal", goal_id=goal_id) + "#indicators")
    return render_template("goals/_indicators.html", **_page_data(goal_id)), 201


@bp.route("/indicators/<int:indicator_id>/value", methods=["POST"])
@login_required
def set_value(indicator_id):
    """Enter or correct one period's value."""
    write(indicators.set_value, current_user.id, indicator_id, request.form.get("period"),
          request.form.get("value"))
    panel = request.form.get("panel")  # sent from a board's goals panel: that panel again
    if panel and request.headers.get("HX-Request"):
        return render_panel(panel)
    return _indicator_answer(indicator_id)


@bp.route("/indicators/<int:indicator_id>/paste", methods=["POST"])
@login_required
def paste_values(indicator_id):
    """Enter many values from two pasted columns (period; value), all or nothing."""
    write(indicators.paste_values, current_user.id, indicator_id, request.form.get("text"))
    return _indicator_answer(indicator_id)


@bp.route("/indicators/<int:indicator_id>/baseline", methods=["POST"])
@login_required
def start_baseline(indicator_id):
    """Compute the limits anew from a chosen period, after a real change to the process."""
    write(indicators.start_baseline, current_user.id, indicator_id, request.form.get("from"))
    return _indicator_answer(indicator_id)


@bp.route("/indicators/<int:indicator_id>/retire", methods=["POST"])
@login_required
def retire_indicator(indicator_id):
    """Retire an indicator (confirmed): its values and chart stay, new values are refused."""
    if request.form.get("confirm") != "yes":
        # The box is `required` on the page; a post without it still changes nothing.
        raise Invalid(N_("Tick the box to confirm."), field="confirm")
    write(indicators.retire_indicator, current_user.id, indicator_id, version=form_version())
    return _indicator_answer(indicator_id)
