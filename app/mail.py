"""E-mail: each outbox mail rendered in its reader's language and sent over SMTP."""

import os
import smtplib
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext

from boards import notifications
from boards.cycles import cycle_of, organisation
from boards.models import Action, Event, Person, Team
from boards.validation import LINE_BREAKING
from boards.xmr import Signal

from .public_url import public_url
from .xmr_words import signal_text


@dataclass
class Mail:
    """What one e-mail says: the same content in its text and HTML parts."""

    subject: str
    lines: list = field(default_factory=list)
    items: list = field(default_factory=list)  # (text, url or None)
    link: tuple = None  # (label, url)


def compose(session, row):
    """The Mail for an outbox row, or None when there is nothing to say any more."""
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        return None, None
    with force_locale(person.language or "nl"):
        mail = _COMPOSERS[row.kind](session, dict(row.payload, person_id=row.person_id))
        if mail is None:
            return person, None
        mail.footer = (gettext("Choose which e-mails you get"),
                       public_url("notifications.choices"))
        return person, mail


def _action(session, payload):
    action = session.get(Action, payload.get("action_id"))
    return action, (session.get(Team, action.team_id) if action else None)


def _action_link(action):
    return gettext("Open the action"), public_url("pages.action_detail", action_id=action.id)


def _help_update(kind):
    def build(session, payload):
        action, _team = _action(session, payload)
        if action is None:
            return None
        entry = session.get(Event, payload.get("event_id"))
        note = ((entry.after or {}).get("text") or (entry.after or {}).get("note")) if entry else ""
        actor = session.get(Person, entry.person_id) if entry and entry.person_id else None
        if kind == "help_answered":
            subject = gettext("Your help request was answered: %(title)s", title=action.title)
            intro = gettext("%(name)s answered your request for help.",
                            name=actor.name if actor else "")
        else:
            subject = gettext("Your help request was resolved: %(title)s", title=action.title)
            intro = gettext("%(name)s resolved your request for help.",
                            name=actor.name if actor else "")
        return Mail(subject, [intro] + ([note] if note else []), link=_action_link(action))
    return build


def _team_needs_help(session, payload):
    action, team = _action(session, payload)
    if action is None or not action.needs_help:
        return None
    return Mail(gettext("%(team)s needs help: %(title)s", team=team.name, title=action.title),
                [gettext("Team %(team)s asks for help with this action:", team=team.name),
                 action.help_reason], link=_action_link(action))


def _reminder(kind):
    def build(session, payload):
        action, team = _action(session, payload)
        if action is None or action.status == "done" or action.due_date is None:
            return None
        day = format_date(action.due_date, "full")
        if kind == "overdue":
            subject = gettext("Overdue: %(title)s", title=action.title)
            line = gettext("This action was due on %(day)s and is not done yet.", day=day)
        else:
            subject = gettext("Due %(day)s: %(title)s", day=day, title=action.title)
            line = gettext("This action is due on %(day)s.", day=day)
        return Mail(subject, [line, gettext("Team: %(team)s", team=team.name)],
                    link=_action_link(action))
    return build


def _digest(session, payload):
    number = payload.get("cycle")
    person_id = payload.get("person_id")
    actions, goals = notifications.digest_for(session, person_id, number)
    cycle = cycle_of(organisation(session), number)
    mail = Mail(gettext("Cycle %(n)s starts: your actions", n=number),
                [gettext("Cycle %(n)s runs from %(start)s to %(end)s.", n=number,
                         start=format_date(cycle.start), end=format_date(cycle.end))],
                link=(gettext("My actions"), public_url("pages.my_actions")))
    if actions:
        mail.lines.append(gettext("Your actions:"))
        mail.items = [(f"{a.title} ({t.name})" + (
            " — " + gettext("due %(day)s", day=format_date(a.due_date)) if a.due_date else ""),
            public_url("pages.action_detail", action_id=a.id)) for a, t in actions]
    else:
        mail.lines.append(gettext("You have no open actions in this cycle yet."))
    if goals:
        mail.goals = [f"{g.title} ({t.name})" for g, t in goals]
    return mail


def _indicator_signal(session, payload):
    entry = session.get(Event, payload.get("event_id"))
    if entry is None:
        return None
    name = entry.after["name"]
    lines = [gettext("%(period)s: %(signal)s", period=s["period"],
                     signal=signal_text(Signal(s["period"], s["rule"], s["side"])))
             for s in entry.after["signals"]]
    return Mail(gettext("A signal in %(indicator)s", indicator=name),
                [gettext("The process-behaviour chart of %(indicator)s shows a signal:",
                         indicator=name)] + lines,
                link=(gettext("Open the chart"),
                      public_url("goal_page.goal", goal_id=entry.goal_id)
                      + f"#indicator-{entry.after['indicator_id']}"))


_COMPOSERS = {
    "help_answered": _help_update("help_answered"),
    "help_resolved": _help_update("help_resolved"),
    "team_needs_help": _team_needs_help,
    "reminder_due": _reminder("reminder_due"),
    "overdue": _reminder("overdue"),
    "digest": _digest,
    "indicator_signal": _indicator_signal,
}


def header_value(text):
    """Text for one mail header: every run of white space or control characters (a line break
    from a title stored before they were refused) becomes one space, so the header stays one
    line; the email package refuses a value with a line break, and the mail would never go."""
    return " ".join("".join(" " if unicodedata.category(c) in LINE_BREAKING else c
                            for c in str(text)).split())


def message_for(person, mail):
    """The EmailMessage: a plain-text part and an HTML part with the same content."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = header_value(mail.subject)
    message["From"] = header_value(config.get("MAIL_FROM") or "verbeterbord@localhost")
    message["To"] = header_value(person.email)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="verbeterbord")
    message["Auto-Submitted"] = "auto-generated"
    language = person.language or "nl"
    with force_locale(language):
        context = {"mail": mail, "goals": getattr(mail, "goals", []), "language": language,
                   "goals_title": gettext("Your teams' goals:")}
        message.set_content(render_template("notifications/mail.txt", **context))
        message.add_alternative(render_template("notifications/mail.html", **context),
                                subtype="html")
    message["Content-Language"] = language
    return message


def send(message):
    """Hand one message to the SMTP server (SMTP_* settings); raises when that fails."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise RuntimeError("SMTP_HOST is not set")
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=20) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)


def init_app(app):
    """Mail and outbox settings from the environment (tests pass their own to create_app)."""
    env = os.environ
    defaults = {
        "SMTP_HOST": env.get("SMTP_HOST"), "SMTP_PORT": int(env.get("SMTP_PORT") or 25),
        "SMTP_USER": env.get("SMTP_USER"), "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": (env.get("SMTP_STARTTLS") or "").lower() in ("1", "true", "yes", "on"),
        "MAIL_FROM": env.get("MAIL_FROM"), "PUBLIC_URL": env.get("PUBLIC_URL"),
        # A sender's claim on a row; after it runs out another sender may send the row.
        "OUTBOX_LEASE_SECONDS": int(env.get("OUTBOX_LEASE_SECONDS") or 300),
        # The first retry's wait; it doubles with every failed try.
        "OUTBOX_RETRY_SECONDS": float(env.get("OUTBOX_RETRY_SECONDS") or 60),
        # Reminders and digests are planned from this hour (Dutch time) on.
        "NOTIFY_FROM_HOUR": int(env.get("NOTIFY_FROM_HOUR") or 7),
        # Optional: the web process sends itself, every NOTIFY_INTERVAL_SECONDS (no cron).
        "NOTIFY_IN_PROCESS": (env.get("NOTIFY_IN_PROCESS") or "").lower()
        in ("1", "true", "yes", "on"),
        "NOTIFY_INTERVAL_SECONDS": float(env.get("NOTIFY_INTERVAL_SECONDS") or 60),
    }
    for name, value in defaults.items():
        app.config.setdefault(name, value)
