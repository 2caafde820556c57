"""HTML pages and htmx partials: parse, call one service, render."""

import time

import redis
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from boards import actions, calendar_feed, cycles, escalation, queries, recurring
from boards import standup as standup_service
from boards.access import can_write_board
from boards.errors import Invalid
from boards.idea_lists import idea_of_action, my_ideas
from boards.models import Person
from boards.stale_edits import EditConflict
from boards.standup import changed_since_last_standup as standup_changes

from . import database
from .broadcast import render_card
from .card_cache import card_text
from .clock import now
from .edit_form import conflict_form, render_edit_form, shown_values
from .history import described
from .ideas import panel_context, state_names
from .inputs import form_date, form_id, form_int, form_version, parse_int, query_int
from .standup_schedule import schedule_form
from .writes import write

bp = Blueprint("pages", __name__)
QUEUE_CHECK_SECONDS = 1.0


def column_titles():
    """The columns' names in the UI language."""
    return {"todo": _("To do"), "doing": _("Doing"), "done": _("Done")}


@bp.route("/healthz")
def healthz():
    """Liveness: the app and its database answer, and the message queue when there is one."""
    database.reader().execute(text("SELECT 1"))
    queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue and not queue_answers_recently(queue):
        # Broadcasts stop silently when the queue is gone, while sockets stay connected.
        current_app.logger.error("message queue %s does not answer: live updates are not delivered",
                                 queue)
        return jsonify(status="degraded", queue="down"), 503
    return jsonify(status="ok")


def queue_answers_recently(url):
    """queue_answers, asked at most once a second per process: every live page polls /healthz."""
    state = current_app.extensions.setdefault("verbeterbord.queue_health", {"at": -1.0})
    moment = time.monotonic()
    if moment - state["at"] >= QUEUE_CHECK_SECONDS:
        state["answers"], state["at"] = queue_answers(url), moment
    return state["answers"]


def queue_answers(url):
    """True when the Redis message queue answers a PING."""
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@bp.route("/")
@login_required
def home():
    """Start at one's own actions."""
    return redirect(url_for("pages.my_actions"))


@bp.route("/teams")
@login_required
def teams():
    """All teams, to find a board."""
    return render_template("boards/teams.html", teams=queries.list_teams(database.reader()))


@bp.route("/teams/<slug>")
@login_required
def board(slug):
    """A team's board for the current cycle."""
    return _render_board("boards/board.html", slug)


@bp.route("/teams/<slug>/columns")
@login_required
def board_columns(slug):
    """Only the columns, for re-reading the board after a reconnect or conflict."""
    return _render_board("boards/_columns.html", slug)


def _requested_cycle():
    """?cycle=next plans ahead; ?cycle=<n> shows another cycle; else the team's working cycle."""
    wanted = request.args.get("cycle")
    if not wanted:
        return None
    if wanted == "next":
        return wanted
    try:
        return parse_int(wanted, "cycle")
    except Invalid:
        abort(404)


def _render_board(template, slug):
    session = database.reader()
    team = queries.team_by_slug(session, slug)
    shown = cycles.team_cycles(session, team.id, _requested_cycle())
    view = queries.board_of(session, team, shown.shown, shown.shown_closed)
    me = session.get(Person, current_user.id)
    if view.team.kind == "team_of_teams":
        goals, ambitions = queries.goal_index(session)
        escalated = escalation.open_escalations(session, goals, ambitions)
    else:
        escalated = []
    member = can_write_board(me, view)
    return render_template(template, board=view, titles=column_titles(), escalated=escalated,
                           current=shown.current, working=shown.working, closed=view.closed,
                           member=member,
                           # Goals outlive cycles: members set them on a closed cycle's page too.
                           can_set_goals=member,
                           can_write=member and not view.closed,
                           deleted=query_int("deleted"))


@bp.route("/teams/<slug>/actions", methods=["POST"])
@login_required
def create_action(slug):
    """Create a card from the form; htmx gets the card, a plain post goes back to the board."""
    form = request.form
    change = write(actions.create_action, current_user.id, slug, title=form.get("title"),
                   owner_id=form_id("owner_id"), notes=form.get("notes", ""),
                   goal_id=form_id("goal_id"), due_date=form_date("due_date"),
                   cycle_number=form_int("cycle"))
    return _card_or_board(change, 201)


@bp.route("/actions/<int:action_id>", methods=["GET"])
@login_required
def action_detail(action_id):
    """A card: deadline, outcome, history and, while its cycle is open, the edit form."""
    session = database.reader()
    card = queries.card_for(session, action_id)
    history = queries.action_events(session, action_id)
    thread = [(e, p) for e, p in history if e.kind in escalation.THREAD_KINDS]
    board = queries.board_view(session, card.team.slug,
                               cycles.cycle_by_number(session, card.cycle_number))
    me = session.get(Person, current_user.id)
    editable = (not board.closed and not card.action.outcome
                and can_write_board(me, board))
    sentences = {e.id: text for e, text in described(session, [e for e, _p in history])}
    return render_template("boards/action.html", card=card, history=history, thread=thread,
                           board=board, editable=editable, values=shown_values(card.action),
                           clashes=(), on_page=True, t=card_text(board.closed),
                           overdue=queries.is_overdue(card.action), sentences=sentences,
                           idea=idea_of_action(session, action_id))


@bp.route("/actions/<int:action_id>/edit", methods=["GET"])
@login_required
def edit_form(action_id):
    """The edit form for a card (an htmx partial, or a page)."""
    card = queries.card_for(database.reader(), action_id)
    return render_edit_form(card, values=shown_values(card.action))


@bp.route("/actions/<int:action_id>", methods=["POST"])
@login_required
def edit_action(action_id):
    """Save the edit form; others' changes since it was opened are kept, a clash is shown in it."""
    form = request.form
    fields = {"title": form.get("title"), "notes": form.get("notes", ""),
              "owner_id": form_id("owner_id"), "goal_id": form_id("goal_id"),
              "due_date": form_date("due_date")}
    if "repeat_every" in form:
        fields["repeat_every"] = form_int("repeat_every")
    if "needs_help" in form or "help_reason" in form:
        fields["needs_help"] = form.get("needs_help") == "on"
        fields["help_reason"] = form.get("help_reason", "")
    try:
        change = write(actions.edit_action_merging, current_user.id, action_id,
                       version=form_version(), fields=fields)
    except EditConflict as conflict:
        return conflict_form(action_id, conflict, form)
    if form.get("next") == "detail" and not request.headers.get("HX-Request"):
        flash(_("The action is saved."), "info")
        return redirect(url_for("pages.action_detail", action_id=action_id))
    return _card_or_board(change)


@bp.route("/actions/<int:action_id>/stop-repeating", methods=["POST"])
@login_required
def stop_repeating(action_id):
    """Stop the card's recurring series; the copies made stay."""
    result = write(recurring.stop_series, current_user.id, action_id, form_version())
    card = next((change.card for change in result.changes if change.action.id == action_id),
                None) or queries.card_for(database.reader(), action_id)
    if request.headers.get("HX-Request"):
        return render_card(card)
    return redirect(url_for("pages.board", slug=card.team.slug))


@bp.route("/actions/<int:action_id>/move", methods=["POST"])
@login_required
def move_action(action_id):
    """Move a card (the no-script and fallback path; the board page moves over the socket)."""
    change = write(actions.move_action, current_user.id, action_id,
                   status=request.form.get("status"), version=form_version(),
                   before_id=form_id("before_id"), after_id=form_id("after_id"),
                   op_id=request.form.get("op_id") or None)
    return _card_or_board(change)


@bp.route("/actions/<int:action_id>/delete", methods=["POST"])
@login_required
def delete_action(action_id):
    """Delete a card; its history stays in the log, and the board offers to undo it."""
    change = write(actions.delete_action, current_user.id, action_id,
                   version=form_version())
    if request.headers.get("HX-Request"):
        return "", 200
    return redirect(url_for("pages.board", slug=change.team.slug, cycle=change.action.cycle_number,
                            deleted=action_id))


@bp.route("/actions/<int:action_id>/restore", methods=["POST"])
@login_required
def restore_action(action_id):
    """Undo the delete of a card: it comes back where it was, on every page that shows it."""
    change = write(actions.restore_action, current_user.id, action_id, now=now(),
                   undo_seconds=current_app.config["UNDO_SECONDS"])
    if request.headers.get("HX-Request"):
        return render_card(change.card), 201
    return redirect(url_for("pages.board", slug=change.team.slug, cycle=change.action.cycle_number))


def _card_or_board(change, status=200):
    if request.headers.get("HX-Request"):
        return render_card(change.card), status
    return redirect(url_for("pages.board", slug=change.team.slug))


@bp.route("/me")
@login_required
def my_actions():
    """My actions this cycle across all my teams."""
    team = request.args.get("team") or None
    session = database.reader()
    mine = queries.my_actions(session, current_user.id, team_slug=team)
    return render_template("me/index.html", mine=mine, team=team, titles=column_titles(),
                           calendar_link=calendar_feed.has_calendar_link(session, current_user.id),
                           my_ideas=my_ideas(session, current_user.id), state_names=state_names())


@bp.route("/ambitions.css")
@login_required
def ambition_colours():
    """Ambition colours as CSS classes (no inline styles under the CSP)."""
    ambitions = queries.ambition_list(database.reader())
    css = render_template("ambitions.css", ambitions=ambitions)
    return css, 200, {"Content-Type": "text/css; charset=utf-8",
                      "Cache-Control": "private, max-age=60"}


@bp.route("/teams/<slug>/standup")
@login_required
def standup(slug):
    """Full-screen board for the stand-up: person by person, changes since last time."""
    return _standup_page(slug)


def _standup_page(slug, status=200, **typed):
    session = database.reader()
    view = queries.board_view(session, slug)
    me = session.get(Person, current_user.id)
    since, changed = standup_changes(session, view.team.id)
    can_write = can_write_board(me, view)
    return render_template("boards/standup.html", board=view, titles=column_titles(),
                           can_write=can_write, **panel_context(session, view.team, can_write),
                           since=since, changed=sorted(changed),
                           schedule=schedule_form(view.team, **typed)), status


@bp.route("/teams/<slug>/standup/schedule", methods=["POST"])
@login_required
def set_standup_schedule(slug):
    """Set the days and time of the team's stand-up, or clear them."""
    clear = "clear" in request.form
    time = "" if clear else request.form.get("time", "")
    weekdays = [] if clear else request.form.getlist("weekdays")
    try:
        write(standup_service.set_standup_schedule, current_user.id, slug, time=time,
              weekdays=weekdays)
    except Invalid as error:
        return _standup_page(slug, 422, time=time, weekdays=weekdays, error=error)
    flash(_("The stand-up schedule is cleared.") if clear else
          _("The stand-up schedule is saved."), "info")
    return redirect(url_for("pages.standup", slug=slug))


@bp.route("/teams/<slug>/standup/start", methods=["POST"])
@login_required
def start_standup(slug):
    """Log the start of a stand-up (the next one highlights changes since this one)."""
    write(standup_service.start_standup, current_user.id, slug)
    if request.headers.get("HX-Request"):
        return "", 204  # the page says so itself and begins the walk (static/js/standup.js)
    flash(_("The stand-up has started."), "info")
    return redirect(url_for("pages.standup", slug=slug))
