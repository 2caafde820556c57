"""`flask send-notifications`: plan the time-based mails, then send what the outbox holds."""

import threading
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from boards import outbox
from boards.cycles import TIMEZONE, today_local
from boards.models import Webhook, utcnow

from . import database, mail, webhook_delivery
from .writes import write


def deliver(row):
    """Send one outbox row; raises when it has to be tried again."""
    session = database.reader()
    if row.channel == "webhook":
        hook = session.get(Webhook, row.webhook_id)
        if hook is None or not hook.active:
            return "subscription removed"
        webhook_delivery.deliver(hook, row.payload)
        return None
    person, message = mail.compose(session, row)
    if message is None:
        return "nothing to send any more"
    mail.send(mail.message_for(person, message))
    return None


def send_due(limit=10):
    """Claim and send the rows due at the start until none are left; returns (sent, failed).
    A batch stays well inside the lease: 10 rows at 20 s each at worst."""
    config = current_app.config
    lease = int(config.get("OUTBOX_LEASE_SECONDS", 300))
    retry = float(config.get("OUTBOX_RETRY_SECONDS", 60))
    # Without a mail server, mails wait (visible to admins) instead of using up their tries.
    channels = ("mail", "webhook") if config.get("SMTP_HOST") else ("webhook",)
    sent = failed = 0
    # One run sends what was due when it started: a row that fails now waits for a later run,
    # however short its back-off, instead of being tried again (and again) within this one.
    started = utcnow()
    while True:
        rows = write(outbox.claim, now=utcnow(), lease_seconds=lease, limit=limit,
                     channels=channels, due_by=started)
        if not rows:
            return sent, failed
        for row in rows:
            try:
                skipped = deliver(row)
            except Exception as error:  # noqa: BLE001  (any failure: try again later)
                write(outbox.mark_failed, row.id, error, now=utcnow(), retry_seconds=retry)
                failed += 1
                continue
            write(outbox.mark_sent, row.id, now=utcnow(), note=skipped or "")
            sent += 1


@click.command("send-notifications")
@with_appcontext
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Plan reminders and digests as on this day (YYYY-MM-DD); default: today.")
def send_notifications(today):
    """Plan today's reminders and digests, then send every due e-mail and webhook call."""
    sent, failed = run_once(current_app, today.date() if today else None)
    click.echo(f"Sent {sent}, failed {failed} (to be retried).")


def run_once(app, today=None):
    """One round: plan the time-based mails (given a day, or after NOTIFY_FROM_HOUR), send."""
    # Reminders and digests wait for the working day to begin (not at midnight).
    plan = today is not None or \
        datetime.now(TIMEZONE).hour >= int(app.config.get("NOTIFY_FROM_HOUR", 7))
    # Links in mails are built as if requested at PUBLIC_URL (there is no request here).
    with app.test_request_context("/", base_url=app.config.get("PUBLIC_URL")
                                  or "http://localhost/"):
        if plan:
            write(outbox.plan_time_based, today or today_local())
        return send_due()


def _scheduler(app, stop):
    interval = float(app.config.get("NOTIFY_INTERVAL_SECONDS", 60))
    while not stop.wait(interval):
        try:
            run_once(app)
        except Exception:  # noqa: BLE001  (a bad round must not end the scheduler)
            app.logger.exception("send-notifications round failed")


def init_app(app):
    """Register the command; with NOTIFY_IN_PROCESS the web process sends too (a thread
    started by its first request, so CLI commands never start one)."""
    app.cli.add_command(send_notifications)
    if not app.config.get("NOTIFY_IN_PROCESS"):
        return
    stop = app.extensions["verbeterbord.notify_stop"] = threading.Event()
    lock = threading.Lock()

    @app.before_request
    def start_scheduler():
        if app.extensions.get("verbeterbord.notify_thread"):
            return
        with lock:
            if not app.extensions.get("verbeterbord.notify_thread"):
                thread = threading.Thread(target=_scheduler, args=(app, stop), daemon=True,
                                          name="send-notifications")
                app.extensions["verbeterbord.notify_thread"] = thread
                thread.start()
