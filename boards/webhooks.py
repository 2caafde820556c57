"""Webhook subscriptions: admins name a receiver, a secret and the action events it gets."""

from urllib.parse import urlsplit

from sqlmodel import select

from . import events
from .access import active_person, get_or_404
from .errors import N_, Forbidden, Invalid, NotFound
from .indicator_signals import SIGNAL_HOOK
from .models import Webhook
from .outbox import ACTION_KINDS
from .validation import storable


def _require_admin(session, actor_id):
    actor = active_person(session, actor_id)
    if not actor.is_admin:
        raise Forbidden(N_("Only administrators can manage webhooks."))
    return actor


def clean_url(url):
    """An http(s) URL with a host, or Invalid."""
    if not isinstance(url, str) or not 0 < len(url) <= 2000 or any(c.isspace() for c in url):
        raise Invalid(N_("Give an http or https address."), field="url")
    try:
        parts = urlsplit(storable(url, "url"))
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise Invalid(N_("Give an http or https address."), field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(N_("Give an http or https address."), field="url")
    return url


def clean_events(kinds):
    """A non-empty list of known event kinds (an action's, or an indicator's signal), or
    ["*"]."""
    known = ACTION_KINDS + (SIGNAL_HOOK,)
    if not isinstance(kinds, list) or not kinds or len(kinds) > len(known) + 1 or \
            not all(isinstance(k, str) and (k == "*" or k in known) for k in kinds):
        raise Invalid(N_("Choose the events: \"*\" or known kinds."), field="events")
    return ["*"] if "*" in kinds else sorted(set(kinds))


def create_webhook(session, actor_id, *, url, secret, kinds):
    """Subscribe a receiver (admins only)."""
    actor = _require_admin(session, actor_id)
    url = clean_url(url)
    if not isinstance(secret, str) or not 16 <= len(secret) <= 200:
        raise Invalid(N_("The secret must be 16 to 200 characters."), field="secret")
    hook = Webhook(url=url, secret=storable(secret, "secret"), events=clean_events(kinds),
                   created_by=actor.id)
    session.add(hook)
    session.flush()
    events.record(session, kind="webhook_created", person_id=actor.id,
                  after={"webhook_id": hook.id, "url": url, "events": hook.events})
    session.flush()
    return hook


def delete_webhook(session, actor_id, webhook_id):
    """Stop a subscription; its delivery log stays (admins only)."""
    actor = _require_admin(session, actor_id)
    hook = get_or_404(session, Webhook, webhook_id, N_("Unknown webhook."))
    if not hook.active:
        raise NotFound(N_("Unknown webhook."))
    hook.active = False
    events.record(session, kind="webhook_deleted", person_id=actor.id,
                  after={"webhook_id": hook.id})
    session.flush()
    return hook


def list_webhooks(session):
    """The active subscriptions, oldest first."""
    return session.exec(select(Webhook).where(Webhook.active).order_by(Webhook.id)).all()
