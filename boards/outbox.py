"""The outbox: messages written in the same transaction as the change that caused them.

`events.record` notes each new Event on the session; just before the unit of work commits,
it adds the notifications the Events call for (webhook calls, a few kinds of e-mail) to the
outbox, so a change is never committed without them. Senders claim rows with a lease
(row locks with SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises the claim),
and a crash between sending and marking sends a row at most twice, never loses it.
"""

from datetime import timedelta

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from . import indicator_signals, notifications
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict
from .models import Action, Outbox, Person, Team, Webhook, utcnow

# After this many failed tries a message is a dead letter (state "failed"): no sender takes it
# again until an admin retries it (or discards it) on the outbox page.
MAX_ATTEMPTS = 5
# Action events a webhook may subscribe to ("*" for all of them).
ACTION_KINDS = ("created", "edited", "moved", "deleted", "help_requested", "help_note",
                "help_resolved", "help_ended", "help_taken_over", "carried_over", "dropped",
                "split", "restored")


def action_data(action, owner, team):
    """An action as webhooks, the API and socket events show it (`cycle` is filled in later)."""
    return {
        "id": action.id, "title": action.title, "notes": action.notes,
        "status": action.status, "position": action.position, "version": action.version,
        "owner": {"id": owner.id, "name": owner.name}, "team": team.slug,
        "goal_id": action.goal_id, "cycle": None, "needs_help": action.needs_help,
        "help_reason": action.help_reason,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "repeat_every": action.repeat_every, "series_id": action.series_id,
    }


def add_notifications(session, entries):
    """Add the messages these Events call for (webhook calls, a few kinds of e-mail) to the
    outbox, in their transaction: the unit of work does so just before it commits."""
    if not entries:
        return
    session.flush()  # the Events' ids
    webhooks = session.exec(select(Webhook).where(Webhook.active)).all()
    for entry in entries:
        if entry.action_id is not None and entry.kind in ACTION_KINDS and webhooks:
            _add_webhook_calls(session, entry, webhooks)
        elif entry.kind == indicator_signals.SIGNAL_EVENT and webhooks:
            indicator_signals.add_webhook_calls(session, entry, webhooks, add)
        for person_id, kind in notifications.mail_recipients(session, entry):
            add(session, channel="mail", kind=kind, key=f"mail:{kind}:{entry.id}:{person_id}",
                person_id=person_id, event_id=entry.id,
                payload={"action_id": entry.action_id, "event_id": entry.id})


def _add_webhook_calls(session, entry, webhooks):
    wanted = [w for w in webhooks if "*" in w.events or entry.kind in w.events]
    if not wanted:
        return
    action = session.get(Action, entry.action_id)
    if action is None or entry.kind == "deleted":
        data = {"id": entry.action_id, **(entry.before or {})}
    else:
        data = action_data(action, session.get(Person, action.owner_id),
                           session.get(Team, action.team_id))
        data["cycle"] = action.cycle_number
    message = {"specversion": "1.0", "type": f"nl.verbeterbord.action.{entry.kind}",
               "id": str(entry.id), "time": entry.at.isoformat(),
               "datacontenttype": "application/json", "data": data}
    for hook in wanted:
        add(session, channel="webhook", kind=entry.kind, key=f"webhook:{hook.id}:{entry.id}",
            webhook_id=hook.id, event_id=entry.id, payload=message)


def add(session, *, channel, kind, key, person_id=None, webhook_id=None, event_id=None,
        payload=None):
    """Add a message unless one with this key exists (then nothing happens): idempotent."""
    insert = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    session.execute(insert(Outbox).values(
        channel=channel, kind=kind, key=key, person_id=person_id, webhook_id=webhook_id,
        event_id=event_id, payload=payload or {}, state="pending", attempts=0,
        next_attempt_at=now, last_error="", created_at=now).on_conflict_do_nothing())


def plan_time_based(session, today):
    """Add today's reminders and digests; the keys make running this again harmless."""
    for key, kind, person_id, payload in notifications.planned_mails(session, today):
        add(session, channel="mail", kind=kind, key=key, person_id=person_id, payload=payload)
    session.flush()


def claim(session, *, now, lease_seconds, limit=20, channels=("mail", "webhook"), due_by=None):
    """Rows (of these channels) due by `due_by` (default now) that no other sender holds,
    leased to this sender until now + lease."""
    due = session.exec(
        select(Outbox).where(Outbox.state == "pending",
                             Outbox.next_attempt_at <= (due_by or now),
                             Outbox.channel.in_(channels),
                             or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now))
        .order_by(Outbox.id).limit(limit).with_for_update(skip_locked=True)).all()
    for row in due:
        row.claimed_until = now + timedelta(seconds=lease_seconds)
    session.flush()
    return due


def mark_sent(session, outbox_id, *, now, note=""):
    """The message went out (or, with a note, had nothing left to send)."""
    session.execute(update(Outbox).where(Outbox.id == outbox_id).values(
        state="sent", sent_at=now, attempts=Outbox.attempts + 1, claimed_until=None,
        last_error=note))
    session.flush()


def mark_failed(session, outbox_id, error, *, now, retry_seconds):
    """A failed try: back off (doubling each time); after MAX_ATTEMPTS a dead letter."""
    row = session.get(Outbox, outbox_id)
    row.attempts += 1
    row.last_error = str(error)[:1000]
    row.claimed_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.state = "failed"
    else:
        row.next_attempt_at = now + timedelta(seconds=retry_seconds * 2 ** (row.attempts - 1))
    session.flush()


def dead_letters(session, *, limit=200):
    """The messages that failed MAX_ATTEMPTS times, newest first, for admins to act on."""
    return session.exec(select(Outbox).where(Outbox.state == "failed")
                        .order_by(Outbox.id.desc()).limit(limit)).all()


def retry_dead_letter(session, actor_id, outbox_id, *, now=None):
    """An admin sends a dead letter again: it is due at once with a fresh count of tries (its
    last error stays until a try succeeds or fails)."""
    row = _dead_letter(session, actor_id, outbox_id)
    row.state, row.attempts = "pending", 0
    row.next_attempt_at, row.claimed_until = now or utcnow(), None
    return row


def discard_dead_letter(session, actor_id, outbox_id):
    """An admin gives a dead letter up: it stays in the list as discarded, never sent."""
    row = _dead_letter(session, actor_id, outbox_id)
    row.state = "discarded"
    return row


def _dead_letter(session, actor_id, outbox_id):
    require_admin(active_person(session, actor_id))
    row = get_or_404(session, Outbox, outbox_id, N_("Unknown message."))
    if row.state != "failed":
        raise Conflict(N_("This message is no longer waiting for a decision."))
    return row


def recent(session, *, webhook_id=None, limit=200):
    """The newest messages (all, or one webhook's deliveries), for admins."""
    query = select(Outbox).order_by(Outbox.id.desc()).limit(limit)
    if webhook_id is not None:
        query = query.where(Outbox.webhook_id == webhook_id)
    return session.exec(query).all()


def counts(session):
    """How many messages are in each state."""
    return dict(session.exec(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
