"""CSV and JSON exports and the print view; the browser session or a bearer token may fetch them."""

from functools import wraps

import segno
from flask import Blueprint, abort, g, jsonify, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from boards import cycles, queries, review
from boards.overview import overview_for
from boards.review import outcome_of

from . import database
from .auth import user_for_bearer
from .csv_output import csv_response, csv_stream
from .history import describe, names_for
from .inputs import query_int
from .pages import column_titles
from .public_url import public_url
from .security_log import log_security
from .serializers import board_json, overview_json

bp = Blueprint("exports", __name__)


def session_or_token(view):
    """A logged-in browser or a valid bearer token; 401 otherwise. Every export is logged."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = user_for_bearer() or (current_user if current_user.is_authenticated else None)
        if user is None:
            abort(401)
        g.export_user = user
        response = view(*args, **kwargs)
        log_security("export", "success", detail=request.full_path.rstrip("?"))
        return response

    return wrapped


CARD_HEADER = ["id", "team", "cycle", "status", "title", "owner", "short_goal", "long_goal",
               "ambition", "due_date", "needs_help", "help_reason", "outcome", "notes"]


def card_labels():
    """Column, outcome and yes/no words in the UI language: a person reads this export."""
    return {**column_titles(), "carried": _("Carried over"), "split": _("Split"),
            "dropped": _("Dropped"), "open": _("Still open"), True: _("yes"), False: _("no")}


def card_row(card, labels):
    """One action as a CSV row."""
    a = card.action
    return [a.id, card.team.name, card.cycle_number, labels[a.status], a.title, card.owner.name,
            card.goal.title if card.goal else "", card.long_goal.title if card.long_goal else "",
            card.ambition.title if card.ambition else "",
            a.due_date.isoformat() if a.due_date else "",
            labels[bool(a.needs_help)], a.help_reason, labels[outcome_of(a)], a.notes]


def _board(slug):
    session = database.reader()
    number = query_int("cycle")
    cycle = cycles.cycle_by_number(session, number) if number is not None else None
    return queries.board_view(session, slug, cycle)


@bp.route("/teams/<slug>/export.csv")
@session_or_token
def board_csv(slug):
    """A team's board as CSV (this cycle, or ?cycle=n)."""
    view = _board(slug)
    labels = card_labels()
    rows = [card_row(card, labels) for status in ("todo", "doing", "done")
            for card in view.columns[status]]
    return csv_response(f"{slug}-cyclus-{view.cycle.number}.csv", CARD_HEADER, rows)


@bp.route("/teams/<slug>/export.json")
@session_or_token
def board_json_export(slug):
    """A team's board as JSON, in the API's board shape."""
    response = jsonify(board_json(_board(slug), column_titles()))
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response


@bp.route("/cycles/<int:number>/export.csv")
@session_or_token
def cycle_csv(number):
    """Every action of a cycle with its outcome."""
    session = database.reader()
    cards = review.cycle_cards(session, cycles.cycle_by_number(session, number))
    labels = card_labels()
    return csv_response(f"cyclus-{number}.csv", CARD_HEADER, [card_row(c, labels) for c in cards])


OUTCOME_COLUMNS = ("done", "carried", "split", "dropped", "open", "escalated")


def _review_header():
    return [_("Part"), _("Name"), _("Done"), _("Carried over"), _("Split"), _("Dropped"),
            _("Still open"), _("Escalated"), _("Total"), _("Goals achieved")]


def _review_row(part, name, counts):
    return [part, name, *(getattr(counts, key) for key in OUTCOME_COLUMNS), counts.total,
            counts.goals_achieved]


def review_rows(data):
    """The review's tables one under the other, each with its "Without goal" and total rows,
    so every part adds up to the same total."""
    team, ambition, goal = _("Team"), _("Ambition"), _("Goal")
    rows = [_review_row(team, t.name, c) for t, c, _record in data.teams]
    if data.organisation_wide.goals_achieved:
        rows.append(_review_row(team, _("Organisation-wide (long term)"), data.organisation_wide))
    rows.append(_review_row(team, _("All teams"), data.total))
    rows += [_review_row(ambition, a.title, c) for a, c in data.ambitions]
    rows.append(_review_row(ambition, _("Without goal"), data.without_goal))
    rows.append(_review_row(ambition, _("All ambitions"), data.total))
    rows += [_review_row(goal, r.goal.title, r.counts) for r in data.goals]
    rows.append(_review_row(goal, _("Without goal"), data.without_goal))
    rows.append(_review_row(goal, _("All goals"), data.total))
    rows += [_review_row(_("Cycle"), str(n), c) for n, c in data.trend]
    return rows


@bp.route("/cycles/<int:number>/review.csv")
@session_or_token
def review_csv(number):
    """The cycle's review: per team, ambition and goal (with "Without goal"), and the trend."""
    data = review.cycle_review(database.reader(), number)
    return csv_response(f"review-cyclus-{number}.csv", _review_header(), review_rows(data))


@bp.route("/overview/export.csv")
@session_or_token
def overview_csv():
    """Per team: counts per status, needs help, overdue, without goal."""
    data = overview_json(overview_for(database.reader()))
    rows = [[t["name"], t["counts"]["todo"], t["counts"]["doing"], t["counts"]["done"],
             t["needs_help"], t["overdue"], t["without_goal"]] for t in data["teams"]]
    return csv_response(f"overzicht-cyclus-{data['cycle']['number']}.csv",
                        ["team", "todo", "doing", "done", "needs_help", "overdue", "without_goal"],
                        rows)


@bp.route("/admin/events/export.csv")
@session_or_token
def events_csv():
    """The whole activity log (admins; e.g. for a Woo request), streamed."""
    if not g.export_user.is_admin:
        abort(403)
    db = database.database()

    def rows():
        # The response outlives the request: the stream has its own sessions, always closed
        # (one streams the log, the other reads the names its sentences mention).
        session, names_session = db.reader(), db.reader()
        try:
            batch = []
            for row in review.all_events(session):
                batch.append(row)
                if len(batch) >= EVENT_BATCH:
                    yield from _event_rows(names_session, batch)
                    batch = []
            yield from _event_rows(names_session, batch)
        finally:
            session.close()
            names_session.close()

    return csv_stream("activiteitenlog.csv", ["id", "at", "person", "kind", "description",
                                              "team_id", "action_id", "goal_id", "before",
                                              "after"],
                      # The sentences need the request's language while the stream runs.
                      stream_with_context(rows()))


EVENT_BATCH = 500


def _event_rows(names_session, rows):
    """The raw codes, and beside them the sentence a person reads (in the UI language)."""
    names = names_for(names_session, [event for event, _person in rows])
    for event, person in rows:
        yield [event.id, event.at.isoformat(), person.name if person else "", event.kind,
               describe(event, names), event.team_id or "", event.action_id or "",
               event.goal_id or "", event.before or "", event.after or ""]



@bp.route("/teams/<slug>/print")
@session_or_token
def print_board(slug):
    """The board on one A3 landscape page, with a QR code to the live board."""
    view = _board(slug)
    link = public_url("pages.board", slug=slug)
    # A standalone SVG (with its xmlns), not svg_inline(): as an <img> the browser needs the
    # namespace.
    qr_src = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
    return render_template("boards/print.html", board=view, titles=column_titles(), link=link,
                           qr_src=qr_src)
