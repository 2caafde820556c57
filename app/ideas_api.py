"""JSON API for improvement ideas: post one to a team, list a team's, change an idea's state.

Part of /api/v1 (see docs/openapi.json); bearer tokens and errors as in app/api.py.
"""

from flask import Blueprint, g, jsonify

from boards import ideas
from boards.idea_lists import team_ideas

from . import database
from .api import _only, token_required
from .inputs import json_object
from .serializers import idea_json
from .writes import write

bp = Blueprint("ideas_api", __name__, url_prefix="/api/v1")


@bp.route("/teams/<slug>/ideas", methods=["POST"])
@token_required
def post_idea(slug):
    """Post an idea to a team (anyone signed in); it starts as new."""
    data = json_object()
    _only(data, ("title", "text"))
    change = write(ideas.post_idea, g.api_user.id, slug, title=data.get("title"),
                   text=data.get("text", ""))
    return jsonify(idea=_json(change)), 201


@bp.route("/teams/<slug>/ideas")
@token_required
def list_ideas(slug):
    """A team's ideas: new ones first, then in discussion, parked and decided."""
    view = team_ideas(database.reader(), slug)
    return jsonify(ideas=[idea_json(r.idea, r.team, r.author, r.passed_from) for r in view.rows],
                   new_count=view.new_count)


@bp.route("/ideas/<int:idea_id>", methods=["PATCH"])
@token_required
def change_idea(idea_id):
    """Discuss, adopt, park, decline (with a reason) or pass on an idea; the body carries the
    version it is based on. Adopting answers with the new action's id as well."""
    data = json_object()
    _only(data, ("state", "reason", "team", "owner_id", "version"))
    change = write(ideas.set_idea_state, g.api_user.id, idea_id, state=data.get("state"),
                   version=data.get("version"), reason=data.get("reason"),
                   team=data.get("team"), owner_id=data.get("owner_id"))
    answer = {"idea": _json(change)}
    if change.action is not None:
        answer["action_id"] = change.action.action.id
    return jsonify(answer)


def _json(change):
    return idea_json(change.idea, change.team, change.author, change.passed_from)
