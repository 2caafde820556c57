"""JSON API /api/v1: bearer tokens, JSON in and out, errors as {"error", "message"}."""

from datetime import date
from functools import wraps

from flask import Blueprint, g, jsonify, request

from boards import actions, closing, people, queries, review
from boards.errors import Invalid
from boards.overview import overview_for

from . import database
from .auth import user_for_bearer
from .broadcast import publish
from .errors import json_error
from .pages import column_titles
from .serializers import board_json, card_json, cycle_json, my_action_json, overview_json, review_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    """Refuse (401) unless a valid bearer token is sent."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = user_for_bearer()
        if user is None:
            return json_error(401, "unauthorized", "A valid bearer token is required.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def json_body():
    """The request's JSON object, or Invalid (400 for malformed JSON is handled too)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    return data


@bp.route("/tokens", methods=["POST"])
def create_token():
    """Trade e-mail and password for a bearer token."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return json_error(400, "bad_request", "The request body must be a JSON object.")
    person = people.authenticate(database.reader(), data.get("email"), data.get("password"))
    if person is None:
        return json_error(401, "unauthorized", "The e-mail address or password is not correct.")
    with database.writer() as session:
        token = people.issue_token(session, person.id)
    return jsonify(token=token), 201


@bp.route("/teams")
@token_required
def teams():
    """All teams."""
    rows = queries.list_teams(database.reader())
    return jsonify(teams=[{"slug": t.slug, "name": t.name, "kind": t.kind} for t in rows])


@bp.route("/teams/<slug>/board")
@token_required
def board(slug):
    """A team's board for the current cycle."""
    view = queries.board_view(database.reader(), slug)
    return jsonify(board_json(view, column_titles()))


@bp.route("/teams/<slug>/actions", methods=["POST"])
@token_required
def create_action(slug):
    """Create an action on a team's board."""
    data = json_body()
    with database.writer() as session:
        change = actions.create_action(
            session, g.api_user.id, slug, title=data.get("title"), owner_id=data.get("owner_id"),
            notes=data.get("notes", ""), goal_id=data.get("goal_id"),
            status=data.get("status", "todo"), due_date=_date(data, "due_date"))
    publish(change)
    return jsonify(action=_action(change)), 201


@bp.route("/actions/<int:action_id>", methods=["PATCH"])
@token_required
def edit_action(action_id):
    """Edit fields of an action; the body carries the version it is based on."""
    data = json_body()
    fields = {k: v for k, v in data.items() if k != "version"}
    if "due_date" in fields:
        fields["due_date"] = _date(data, "due_date")
    with database.writer() as session:
        change = actions.edit_action(session, g.api_user.id, action_id,
                                     version=data.get("version"), **fields)
    publish(change)
    return jsonify(action=_action(change))


@bp.route("/actions/<int:action_id>/move", methods=["POST"])
@token_required
def move_action(action_id):
    """Move an action; 409 when the version is stale."""
    data = json_body()
    with database.writer() as session:
        change = actions.move_action(
            session, g.api_user.id, action_id, status=data.get("status"),
            version=data.get("version"), before_id=data.get("before_id"),
            after_id=data.get("after_id"), op_id=data.get("op_id"))
    publish(change)
    return jsonify(action=_action(change))


@bp.route("/actions/<int:action_id>/events")
@token_required
def action_events(action_id):
    """The history of an action, oldest first."""
    rows = queries.action_events(database.reader(), action_id)
    return jsonify(events=[{
        "id": e.id, "at": e.at.isoformat(), "kind": e.kind,
        "person": {"id": p.id, "name": p.name} if p else None,
        "before": e.before, "after": e.after} for e, p in rows])


@bp.route("/me/actions")
@token_required
def my_actions():
    """The caller's actions this cycle, each with team, goal and ambition."""
    mine = queries.my_actions(database.reader(), g.api_user.id)
    return jsonify(cycle=cycle_json(mine.cycle), actions=[my_action_json(c) for c in mine.cards],
                   next_cycle=[my_action_json(c) for c in mine.next_cards])


@bp.route("/overview")
@token_required
def overview():
    """Aggregates per ambition and team, and the open escalations."""
    return jsonify(overview_json(overview_for(database.reader())))


@bp.route("/cycles")
@token_required
def cycles():
    """All cycles, newest first."""
    return jsonify(cycles=[cycle_json(c) for c in review.list_cycles(database.reader())])


@bp.route("/cycles/<int:number>")
@token_required
def cycle(number):
    """One cycle's review: outcomes per team and ambition, and the trend."""
    data = review.cycle_review(database.reader(), number)
    return jsonify(review_json(data))


@bp.route("/teams/<slug>/cycles/<int:number>/close", methods=["POST"])
@token_required
def close_cycle(slug, number):
    """Close a team's cycle; every unfinished action needs a decision (else 422, nothing done)."""
    data = json_body()
    with database.writer() as session:
        result = closing.close_team_cycle(session, g.api_user.id, slug, number,
                                          data.get("decisions"), data.get("retrospective"))
    for change in result.changes:
        publish(change)
    return jsonify(cycle=cycle_json(result.cycle), next_cycle=cycle_json(result.next_cycle),
                   already_closed=result.already_closed, counts=result.counts,
                   carried=[_action(change) for change in result.changes])


def _action(change):
    return card_json(change.card)


def _date(data, name):
    value = data.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid("Invalid date.", field=name) from None
