"""Admin pages: the outbox with each message's state, and the webhook subscriptions."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from boards import outbox, webhooks
from boards.errors import DomainError, Invalid
from boards.indicator_signals import SIGNAL_HOOK
from boards.models import Webhook

from . import database
from .admin import admin_required
from .history import message_kinds
from .i18n import translate_error
from .inputs import query_id
from .security_log import log_change
from .webhook_delivery import checked_target
from .writes import write

bp = Blueprint("outbox_admin", __name__, url_prefix="/admin")


@bp.route("/outbox")
@admin_required
def outbox_page():
    """The dead letters to retry or discard, then the newest e-mails and webhook calls."""
    session = database.reader()
    return render_template("notifications/outbox.html", rows=outbox.recent(session),
                           dead=outbox.dead_letters(session), max_attempts=outbox.MAX_ATTEMPTS,
                           counts=outbox.counts(session),
                           kind_names=message_kinds())


@bp.route("/outbox/<int:outbox_id>/retry", methods=["POST"])
@admin_required
def retry_message(outbox_id):
    """Send a dead letter again (due at once, with a fresh count of tries)."""
    return _decide(outbox.retry_dead_letter, outbox_id, _("The message will be sent again."))


@bp.route("/outbox/<int:outbox_id>/discard", methods=["POST"])
@admin_required
def discard_message(outbox_id):
    """Give a dead letter up: it is never sent."""
    return _decide(outbox.discard_dead_letter, outbox_id, _("The message is discarded."))


def _decide(service, outbox_id, done):
    try:
        write(service, current_user.id, outbox_id)
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", f"outbox_id={outbox_id} {error.code}")
    else:
        flash(done)
        log_change("success", f"outbox_id={outbox_id}")
    return redirect(url_for("outbox_admin.outbox_page"))


@bp.route("/webhooks")
@admin_required
def webhooks_page():
    """The subscriptions, a form for a new one, and the delivery log of a chosen one."""
    session = database.reader()
    hooks = webhooks.list_webhooks(session)
    try:
        chosen = query_id("log")
    except Invalid:
        chosen = None
    hook = session.get(Webhook, chosen) if chosen else None
    log = outbox.recent(session, webhook_id=hook.id, limit=100) if hook else []
    return render_template("notifications/webhooks.html", hooks=hooks, hook=hook, log=log,
                           kinds=outbox.ACTION_KINDS + (SIGNAL_HOOK,),
                           kind_names=message_kinds())


@bp.route("/webhooks", methods=["POST"])
@admin_required
def add_webhook():
    """Subscribe a receiver."""
    kinds = request.form.getlist("events") or ["*"]
    try:
        checked_target(request.form.get("url", ""))  # before the transaction: it resolves
        hook = write(webhooks.create_webhook, current_user.id, url=request.form.get("url", ""),
                     secret=request.form.get("secret", ""), kinds=kinds)
        flash(_("The webhook is added."))
        log_change("success", f"webhook_id={hook.id}")
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", error.code)
    return redirect(url_for("outbox_admin.webhooks_page"))


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@admin_required
def remove_webhook(webhook_id):
    """Stop a subscription."""
    try:
        write(webhooks.delete_webhook, current_user.id, webhook_id)
    except DomainError as error:
        log_change("failure", error.code)
        raise
    log_change("success")
    flash(_("The webhook is removed."))
    return redirect(url_for("outbox_admin.webhooks_page"))
