"""The "Meldingen" page: which e-mails I get."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import notifications

from . import calendar, database, mail, notify_cli, outbox_admin, webhooks_api
from .writes import write

bp = Blueprint("notifications", __name__)


def choice_labels():
    """Each choice with what it sends, in the UI language."""
    return {
        "digest": _("A digest at the start of each cycle: my actions and my teams' goals"),
        "reminders": _("A reminder the working day before a deadline, "
                       "and when an action is overdue"),
        "help_updates": _("When my request for help is answered or resolved"),
        "escalations": _("When a team needs help (for the Team van teams and team delegates)"),
        "indicator_signals": _("When an indicator of my team's goals shows a signal"),
    }


@bp.route("/me/notifications")
@login_required
def choices():
    """My e-mail choices."""
    chosen = notifications.choices_of(database.reader(), current_user.id)
    return render_template("notifications/choices.html", chosen=chosen, labels=choice_labels())


@bp.route("/me/notifications", methods=["POST"])
@login_required
def save_choices():
    """Store my e-mail choices."""
    wanted = {name for name in request.form.getlist("choice") if name in notifications.CHOICES}
    write(notifications.save_choices, current_user.id, wanted)
    flash(_("Your choices are saved."))
    return redirect(url_for("notifications.choices"))


def init_app(app, csrf):
    """Calendar feeds, e-mail, webhooks and the outbox: pages, API, settings and command."""
    mail.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(outbox_admin.bp)
    calendar.init_app(app, csrf)
    webhooks_api.init_app(app, csrf)
    notify_cli.init_app(app)
