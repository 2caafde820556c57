"""Indicators through the API: a goal's indicators, their values, pasted columns, baselines."""

from flask import Blueprint, g, jsonify, request

from boards import indicator_reads, indicators

from . import database
from .api import _only, token_required
from .inputs import json_object
from .serializers import indicator_json, indicator_view_json, number_json
from .writes import write

bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")
NEW_FIELDS = ("name", "unit", "direction", "period", "decimals", "target")


# One rule per path for all its methods: with a rule per method, an id too large for any of
# them would be a 405 instead of a 404 (the other method's rule matches the path).


@bp.route("/goals/<int:goal_id>/indicators", methods=["GET", "POST"])
@token_required
def goal_indicators(goal_id):
    """A goal's indicators, retired ones included (without their values); POST adds one."""
    if request.method == "POST":
        return create_indicator(goal_id)
    goal, rows = indicator_reads.goal_indicators(database.reader(), goal_id)
    return jsonify(goal_id=goal.id, indicators=[indicator_json(row) for row in rows])


def create_indicator(goal_id):
    """Add an indicator to a goal (whoever may change the goal)."""
    data = json_object()
    _only(data, NEW_FIELDS)
    change = write(indicators.create_indicator, g.api_user.id, goal_id,
                   name=data.get("name"), unit=data.get("unit", ""),
                   direction=data.get("direction"), period=data.get("period"),
                   decimals=data.get("decimals", 1), target=data.get("target"))
    return jsonify(indicator=indicator_json(change.indicator)), 201


@bp.route("/indicators/<int:indicator_id>", methods=["GET", "PATCH"])
@token_required
def indicator(indicator_id):
    """An indicator with its values (oldest period first), baselines, limits and signals;
    PATCH edits it."""
    if request.method == "PATCH":
        return edit_indicator(indicator_id)
    return _view(indicator_id)


def _view(indicator_id, status=200):
    view = indicator_reads.indicator_view(database.reader(), indicator_id)
    return jsonify(indicator=indicator_view_json(view)), status


def edit_indicator(indicator_id):
    """Change an indicator's name, unit, direction, decimals or target; the body carries its
    version."""
    data = json_object()
    _only(data, indicators.EDITABLE + ("version",))
    fields = {k: v for k, v in data.items() if k != "version"}
    change = write(indicators.edit_indicator, g.api_user.id, indicator_id,
                   version=data.get("version"), fields=fields)
    return jsonify(indicator=indicator_json(change.indicator))


@bp.route("/indicators/<int:indicator_id>/retire", methods=["POST"])
@token_required
def retire_indicator(indicator_id):
    """Retire an indicator: its values and history stay, new values are refused."""
    data = json_object()
    _only(data, ("version",))
    change = write(indicators.retire_indicator, g.api_user.id, indicator_id,
                   version=data.get("version"))
    return jsonify(indicator=indicator_json(change.indicator))


@bp.route("/indicators/<int:indicator_id>/values/<period>", methods=["PUT"])
@token_required
def set_value(indicator_id, period):
    """Enter a period's value (201) or correct it (200; the log keeps the old value)."""
    data = json_object()
    _only(data, ("value",))
    change = write(indicators.set_value, g.api_user.id, indicator_id, period, data.get("value"))
    key, number = change.value
    return jsonify(indicator=indicator_json(change.indicator),
                   value={"period": key, "value": number_json(number)}), \
        201 if change.created else 200


@bp.route("/indicators/<int:indicator_id>/values", methods=["POST"])
@token_required
def paste_values(indicator_id):
    """Enter many values from two pasted columns (period; value), all or nothing."""
    data = json_object()
    _only(data, ("text",))
    change = write(indicators.paste_values, g.api_user.id, indicator_id, data.get("text"))
    view = indicator_reads.indicator_view(database.reader(), indicator_id)
    return jsonify(indicator=indicator_view_json(view), changed=list(change.periods))


@bp.route("/indicators/<int:indicator_id>/baseline", methods=["POST"])
@token_required
def start_baseline(indicator_id):
    """Compute the limits from a chosen period on, after a real change to the process (201;
    200 when that baseline is already in force)."""
    data = json_object()
    _only(data, ("from",))
    change = write(indicators.start_baseline, g.api_user.id, indicator_id, data.get("from"))
    return _view(indicator_id, 201 if change.event is not None else 200)


def init_app(app, csrf):
    """Register the indicator endpoints (bearer tokens: no CSRF)."""
    app.register_blueprint(bp)
    csrf.exempt(bp)
