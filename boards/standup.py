"""Stand-ups: each start is logged, so a board can show what changed since the last one."""

from datetime import timedelta

from sqlmodel import select

from . import events
from .access import active_person, require_team_writer
from .models import Event, utcnow
from .queries import team_by_slug

CURRENT_STANDUP = timedelta(hours=1)
CHANGE_KINDS = ("created", "moved", "edited", "help_requested", "help_resolved", "carried_over")


def start_standup(session, actor_id, slug):
    """Log that the team starts a stand-up now."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, slug)
    require_team_writer(session, actor, team)
    entry = events.record(session, kind="standup_started", person_id=actor.id, team_id=team.id)
    session.commit()
    return entry


def changed_since_last_standup(session, team_id, now=None):
    """(start of the previous stand-up or None, ids of cards changed since then).

    A stand-up started within the last hour is the one running now, so the
    previous one is the latest start before that.
    """
    cutoff = (now or utcnow()) - CURRENT_STANDUP
    previous = session.exec(select(Event.id, Event.at).where(
        Event.team_id == team_id, Event.kind == "standup_started", Event.at < cutoff)
        .order_by(Event.id.desc()).limit(1)).first()
    if previous is None:
        return None, set()
    ids = session.exec(select(Event.action_id).where(
        Event.team_id == team_id, Event.id > previous[0], Event.action_id.is_not(None),
        Event.kind.in_(CHANGE_KINDS)).distinct()).all()
    return previous[1], set(ids)
