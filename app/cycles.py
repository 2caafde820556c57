"""Cycles: the carry-over screen, the retrospective, the review and the board's activity."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import closing, cycle_list, cycles, queries, review, signal_reads
from boards.access import can_write_board
from boards.errors import DomainError
from boards.models import Person

from . import database
from .charts import trend_chart
from .errors import status_for
from .history import described
from .i18n import translate_error
from .writes import write
from .xmr_words import signal_text

bp = Blueprint("cycles", __name__)


@bp.route("/cycles")
@login_required
def index():
    """All cycles, newest first, each linking to its review; today's and each team's working
    cycle marked, runs of empty cycles folded away."""
    entries = cycle_list.cycle_entries(database.reader())
    return render_template("cycles/index.html", grouped=cycle_list.grouped_quietly(entries))


@bp.route("/cycles/<int:number>")
@login_required
def show(number):
    """The cycle's review per team and ambition, retrospectives and the trend."""
    session = database.reader()
    data = review.cycle_review(session, number)
    teams = [team for team, _counts, _record in data.teams]
    signals = [(found, [signal_text(x) for x in found.signals])
               for found in signal_reads.cycle_signals(session, data.cycle)]
    return render_template("cycles/review.html", review=data, chart=trend_chart(data.trend),
                           signals=signals,
                           closable=closing.closable_team_ids(session, current_user.id,
                                                              data.cycle, teams))


@bp.route("/teams/<slug>/cycles/<int:number>/close", methods=["GET", "POST"])
@login_required
def close(slug, number):
    """The carry-over screen: a decision for every unfinished action, a confirmation that shows
    what will happen, then close and go on to the next cycle's board."""
    session = database.reader()
    cycle = cycles.cycle_by_number(session, number)
    view = queries.board_view(session, slug, cycle)
    if request.method == "GET":
        return _close_screen(session, view, cycle, {})
    decisions = [{"action_id": card.action.id,
                  "decision": request.form.get(f"decision-{card.action.id}"),
                  "reason": request.form.get(f"reason-{card.action.id}", "")}
                 for status in ("todo", "doing") for card in view.columns[status]]
    retro = {name: request.form.get(name, "") for name in closing.RETRO_FIELDS}
    if request.form.get("confirm") != "yes" or "back" in request.form:
        if "back" in request.form:
            return _close_screen(session, view, cycle, request.form)
        try:
            counts = closing.preview_close(session, current_user.id, slug, number, decisions)
        except DomainError as error:
            return _refused(session, view, cycle, error)
        return _close_screen(session, view, cycle, request.form, summary=counts,
                             decided=_decided(view, decisions))
    try:
        result = write(closing.close_team_cycle, current_user.id, slug, number, decisions, retro)
    except DomainError as error:
        return _refused(session, view, cycle, error)
    flash(_("Cycle %(n)s is closed for %(team)s. The team now works in cycle %(next)s; "
            "carried-over actions are on this board.", n=number, team=view.team.name,
            next=result.next_cycle.number), "info")
    return redirect(url_for("pages.board", slug=slug))


def _decided(view, decisions):
    """The unfinished cards grouped by decision, for the confirmation."""
    cards = {card.action.id: card for status in ("todo", "doing") for card in view.columns[status]}
    grouped = {decision: [] for decision in closing.DECISIONS}
    for item in decisions:
        grouped[item["decision"]].append((cards[item["action_id"]], item["reason"].strip()))
    return grouped


def _refused(session, view, cycle, error):
    """The screen again with what was filled in, the reason on top and beside the card's field."""
    message = translate_error(error.message)
    flash(message, "error")
    return _close_screen(session, view, cycle, request.form,
                         field_error={"item": error.item, "message": message}), status_for(error)


def _close_screen(session, view, cycle, form, **extra):
    me = session.get(Person, current_user.id)
    record = closing.team_cycle(session, view.team.id, cycle.number)
    return render_template("cycles/close.html", board=view, record=record, form=form,
                           can_write=can_write_board(me, view), **extra)


@bp.route("/teams/<slug>/cycles/<int:number>/retrospective", methods=["POST"])
@login_required
def retrospective(slug, number):
    """Save the team's retrospective for the cycle."""
    write(closing.save_retrospective, current_user.id, slug, number,
          {name: request.form.get(name, "") for name in closing.RETRO_FIELDS})
    flash(_("The retrospective is saved."), "info")
    return redirect(url_for("cycles.close", slug=slug, number=number))


@bp.route("/teams/<slug>/activity")
@login_required
def activity(slug):
    """The board's activity feed, newest first."""
    session = database.reader()
    team = queries.team_by_slug(session, slug)
    rows = review.board_activity(session, team.id)
    told = described(session, [event for event, _person, _title in rows])
    pairs = zip(told, rows, strict=True)
    feed = [(event, sentence, title) for (event, sentence), (_e, _p, title) in pairs]
    return render_template("cycles/activity.html", team=team, feed=feed)
