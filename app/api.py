"""JSON API /api/v1: bearer tokens, JSON in and out, errors as problem details (app/errors.py).

The whole API is described in docs/openapi.json, served at /api/v1/openapi.json; the rules every
answer follows (API-Version, no redirects, the document's CORS) are in app/api_conventions.py.
"""

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request, send_file

from boards import (
    actions,
    closing,
    cycles,
    goals,
    password_links,
    people,
    queries,
    recurring,
    review,
)
from boards.errors import N_, DomainError, Invalid
from boards.overview import overview_for
from boards.sign_in import may_use_password

from . import database
from .api_conventions import OPENAPI
from .auth import authenticate, user_for_bearer
from .clock import now
from .errors import problem
from .history import described
from .inputs import json_object, parse_date, parse_int
from .limits import token_requests, wrong_current_passwords
from .pages import column_titles
from .passwords import change_own_password, close_sockets, link_url
from .security_log import log_change, security_event
from .serializers import (
    action_json,
    ambition_json,
    board_json,
    card_json,
    cycle_json,
    goal_json,
    logged_state,
    my_action_json,
    overview_json,
    review_json,
    timestamp,
)
from .socket_rooms import close_token_sockets
from .writes import write

bp = Blueprint("api", __name__, url_prefix="/api/v1")
ACTION_FIELDS = ("title", "owner_id", "notes", "goal_id", "status", "due_date", "cycle")


def token_required(view):
    """Refuse (401) unless a valid bearer token is sent."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = user_for_bearer()
        if user is None:
            return problem(401, "unauthorized", "A valid bearer token is required.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (public: no data in it; any origin may read it)."""
    return send_file(OPENAPI, mimetype="application/json", max_age=300)


@bp.route("/tokens", methods=["POST"])
@token_requests
def create_token():
    """Trade e-mail and password for a bearer token with an optional name and lifetime.

    Limited per address, and wrong passwords per account and address (app.limits): 429."""
    data = json_object()
    _only(data, ("email", "password", "name", "expires_days"))
    person = authenticate(data.get("email"), data.get("password"))
    if person is None:
        security_event("login", outcome="failure", email=data.get("email"), method="api_token")
        return problem(401, "unauthorized", "The e-mail address or password is not correct.")
    if not may_use_password(person, current_app.config.get("LOCAL_LOGIN", True)):
        security_event("login", outcome="failure", person_id=person.id, email=person.email,
                       method="api_token", detail="password login is off")
        return problem(403, "forbidden", "Password login is off.")
    moment = now()
    token = write(people.issue_token, person.id, name=data.get("name"),
                  expires_days=data.get("expires_days"), now=moment)
    security_event("token_issue", outcome="success", person_id=person.id, email=person.email,
                   method="api_token")
    return jsonify(token=token), 201


@bp.route("/tokens")
@token_required
def token_list():
    """The caller's own tokens that still work (never the token itself, only its hash is kept)."""
    rows = people.list_tokens(database.reader(), g.api_user.id, now())
    return jsonify(tokens=[token_json(t) for t in rows])


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@token_required
def revoke_token(token_id):
    """Revoke one of the caller's own tokens; another person's token is 404."""
    write(people.revoke_token, g.api_user.id, token_id)
    close_token_sockets(token_id)
    security_event("token_revoke", outcome="success", person_id=g.api_user.id, token_id=token_id)
    return "", 204


def token_json(token):
    """A token as the API lists it."""
    return {"id": token.id, "name": token.name, "created": timestamp(token.created_at),
            "expires": timestamp(token.expires_at), "last_used": timestamp(token.last_used_at)}


@bp.route("/teams")
@token_required
def teams():
    """All teams."""
    rows = queries.list_teams(database.reader())
    return jsonify(teams=[{"slug": t.slug, "name": t.name, "kind": t.kind} for t in rows])


@bp.route("/teams/<slug>/board")
@token_required
def board(slug):
    """A team's board for its working cycle (the current one, or the next once the team has
    closed it), or `?cycle=<n>`."""
    session = database.reader()
    number = parse_int(request.args.get("cycle"), "cycle")
    cycle = cycles.cycle_by_number(session, number) if number is not None else None
    return jsonify(board_json(queries.board_view(session, slug, cycle), column_titles()))


@bp.route("/teams/<slug>/actions", methods=["POST"])
@token_required
def create_action(slug):
    """Create an action on a team's board."""
    data = json_object()
    _only(data, ACTION_FIELDS)
    change = write(actions.create_action, g.api_user.id, slug, title=data.get("title"),
                   owner_id=data.get("owner_id"), notes=data.get("notes", ""),
                   goal_id=data.get("goal_id"), status=data.get("status", "todo"),
                   due_date=parse_date(data.get("due_date"), "due_date"),
                   cycle_number=_cycle_number(data))
    return jsonify(action=card_json(change.card)), 201


@bp.route("/actions/<int:action_id>", methods=["PATCH", "DELETE"])
@token_required
def edit_action(action_id):
    """Edit fields of an action; the body carries the version it is based on. (One rule for
    both methods: two rules on this path made too large an id a 405 instead of a 404.)"""
    if request.method == "DELETE":
        return delete_action(action_id)
    data = json_object()
    _only(data, actions.EDITABLE + ("version",))
    fields = {k: v for k, v in data.items() if k != "version"}
    if "due_date" in fields:
        fields["due_date"] = parse_date(data["due_date"], "due_date")
    change = write(actions.edit_action, g.api_user.id, action_id,
                   version=data.get("version"), fields=fields)
    return jsonify(action=card_json(change.card))


def delete_action(action_id):
    """Delete an action (a member of its team); the log keeps it. 409 when the version is stale."""
    data = json_object()
    _only(data, ("version",))
    change = write(actions.delete_action, g.api_user.id, action_id, version=data.get("version"))
    return jsonify(action=dict(action_json(change.action, change.owner, change.team),
                               cycle=change.action.cycle_number))


@bp.route("/actions/<int:action_id>/stop-repeating", methods=["POST"])
@token_required
def stop_repeating(action_id):
    """Stop the recurring series this action belongs to; the copies made stay."""
    data = json_object()
    _only(data, ("version",))
    result = write(recurring.stop_series, g.api_user.id, action_id, data.get("version"))
    return jsonify(actions=[card_json(change.card) for change in result.changes])


@bp.route("/actions/<int:action_id>/move", methods=["POST"])
@token_required
def move_action(action_id):
    """Move an action; 409 when the version is stale."""
    data = json_object()
    _only(data, ("status", "version", "before_id", "after_id", "op_id"))
    change = write(actions.move_action, g.api_user.id, action_id, status=data.get("status"),
                   version=data.get("version"), before_id=data.get("before_id"),
                   after_id=data.get("after_id"), op_id=data.get("op_id"))
    return jsonify(action=card_json(change.card))


@bp.route("/actions/<int:action_id>/events")
@token_required
def action_events(action_id):
    """The history of an action, oldest first."""
    session = database.reader()
    rows = queries.action_events(session, action_id)
    told = dict((e.id, text) for e, text in described(session, [e for e, _p in rows]))
    return jsonify(events=[{
        "id": e.id, "at": timestamp(e.at), "kind": e.kind, "text": told[e.id],
        "person": {"id": p.id, "name": p.name} if p else None,
        "before": logged_state(e.before), "after": logged_state(e.after)} for e, p in rows])


@bp.route("/me/actions")
@token_required
def my_actions():
    """The caller's actions in each team's working cycle, each with team, goal and ambition."""
    mine = queries.my_actions(database.reader(), g.api_user.id)
    return jsonify(cycle=cycle_json(mine.cycle), actions=[my_action_json(c) for c in mine.cards],
                   next_cycle=[my_action_json(c) for c in mine.next_cards])


@bp.route("/me/password", methods=["POST"])
@token_required
@wrong_current_passwords
def change_my_password():
    """Change the caller's password: 204; 403 for a wrong current one (counted with wrong
    logins, 429 beyond the limit), 422 for a weak new one. Every token of the caller ends."""
    data = json_object()
    _only(data, ("current", "new"))
    change_own_password(g.api_user.id, data.get("current"), data.get("new"))
    return "", 204


@bp.route("/people/<int:person_id>/reset-link", methods=["POST"])
@token_required
def reset_link(person_id):
    """Admins: a one-time link (24 h) with which the person sets a password."""
    data = json_object() if request.get_data() else {}
    _only(data, ("purpose",))
    try:
        link = write(password_links.create_password_link, g.api_user.id, person_id,
                     data.get("purpose"))
    except DomainError as error:
        log_change("failure", error.code)
        raise
    if link.purpose == "reset":
        close_sockets(person_id)
    log_change("success")
    return jsonify(url=link_url(link.token), expires=timestamp(link.expires)), 201


@bp.route("/overview")
@token_required
def overview():
    """Aggregates per ambition and team, and the open escalations."""
    return jsonify(overview_json(overview_for(database.reader())))


@bp.route("/cycles")
@token_required
def cycle_list():
    """All cycles up to the next one, newest first."""
    return jsonify(cycles=[cycle_json(c) for c in cycles.list_cycles(database.reader())])


@bp.route("/cycles/<int:number>")
@token_required
def cycle(number):
    """One cycle's review: outcomes per team and ambition, and the trend."""
    return jsonify(review_json(review.cycle_review(database.reader(), number)))


@bp.route("/teams/<slug>/cycles/<int:number>/close", methods=["POST"])
@token_required
def close_cycle(slug, number):
    """Close a team's cycle; every unfinished action needs a decision (else 422, nothing done)."""
    data = json_object()
    _only(data, ("decisions", "retrospective"))
    result = write(closing.close_team_cycle, g.api_user.id, slug, number,
                   data.get("decisions"), data.get("retrospective"))
    return jsonify(cycle=cycle_json(result.cycle), next_cycle=cycle_json(result.next_cycle),
                   already_closed=result.already_closed, counts=result.counts,
                   carried=[card_json(change.card) for change in result.carried])


@bp.route("/teams/<slug>/goals")
@token_required
def team_goals(slug):
    """The team's ambitions, long-term goals and short-term goals, whatever their status."""
    view = queries.team_goals(database.reader(), slug)
    return jsonify(ambitions=[ambition_json(a) for a in view.ambitions],
                   goals=[goal_json(g) for g in view.long_goals + view.short_goals])


@bp.route("/teams/<slug>/goals", methods=["POST"])
@token_required
def create_goal(slug):
    """A short-term goal of the team (its members), or a long-term goal (Team van teams)."""
    data = json_object()
    _only(data, ("title", "horizon", "parent_id", "ambition_id", "target_date"))
    change = write(goals.create_team_goal, g.api_user.id, slug, title=data.get("title"),
                   horizon=data.get("horizon"), parent_id=data.get("parent_id"),
                   ambition_id=data.get("ambition_id"),
                   target_date=parse_date(data.get("target_date"), "target_date"))
    return jsonify(goal=goal_json(change.goal)), 201


@bp.route("/goals/<int:goal_id>", methods=["PATCH"])
@token_required
def edit_goal(goal_id):
    """Change a goal's title, target date or status; the body carries its version."""
    data = json_object()
    _only(data, goals.GOAL_FIELDS + ("version",))
    fields = {k: v for k, v in data.items() if k != "version"}
    if "target_date" in fields:
        fields["target_date"] = parse_date(fields["target_date"], "target_date")
    change = write(goals.edit_goal, g.api_user.id, goal_id, version=data.get("version"),
                   fields=fields)
    return jsonify(goal=goal_json(change.goal))


def _only(data, allowed):
    """Unknown fields are refused, not ignored: a typo must not pass silently."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise Invalid(N_("Unknown field."), field=unknown[0])


def _cycle_number(data):
    value = data.get("cycle")
    if value is None or cycles.is_cycle_number(value):
        return value
    raise Invalid(N_("Plan actions in this cycle or the next one."), field="cycle")
