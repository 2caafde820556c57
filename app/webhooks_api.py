"""Webhook subscriptions through the API (admins)."""

from flask import Blueprint, g, jsonify

from boards import webhooks
from boards.errors import N_, Forbidden

from . import database
from .api import _only, token_required
from .inputs import json_object
from .security_log import log_changes
from .serializers import timestamp
from .webhook_delivery import checked_target
from .writes import write

bp = Blueprint("webhooks_api", __name__, url_prefix="/api/v1")
log_changes(bp)


def webhook_json(hook):
    """A subscription as JSON; its secret is never shown again."""
    return {"id": hook.id, "url": hook.url, "events": hook.events,
            "created_at": timestamp(hook.created_at)}


@bp.route("/webhooks", methods=["GET"])
@token_required
def list_webhooks():
    """The active subscriptions (admins)."""
    if not g.api_user.is_admin:
        raise Forbidden(N_("Only administrators can manage webhooks."))
    return jsonify(webhooks=[webhook_json(h) for h in webhooks.list_webhooks(database.reader())])


@bp.route("/webhooks", methods=["POST"])
@token_required
def create_webhook():
    """Subscribe a receiver: {"url", "secret", "events"} (admins)."""
    data = json_object()
    _only(data, ("url", "secret", "events"))
    if not g.api_user.is_admin:
        raise Forbidden(N_("Only administrators can manage webhooks."))
    checked_target(data.get("url"))  # before the transaction: it resolves the host name
    hook = write(webhooks.create_webhook, g.api_user.id, url=data.get("url"),
                 secret=data.get("secret"), kinds=data.get("events"))
    return jsonify(webhook_json(hook)), 201


@bp.route("/webhooks/<int:webhook_id>", methods=["DELETE"])
@token_required
def delete_webhook(webhook_id):
    """Stop a subscription (admins)."""
    write(webhooks.delete_webhook, g.api_user.id, webhook_id)
    return "", 204


def init_app(app, csrf):
    """Register the API endpoints (bearer tokens: no CSRF)."""
    app.register_blueprint(bp)
    csrf.exempt(bp)
