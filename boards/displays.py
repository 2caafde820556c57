"""Wall screens: revocable read-only links to one board or the overview."""

import hashlib
import secrets

from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_
from .models import DisplayLink, Team
from .queries import team_by_slug
from .validation import clean_line


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_display_link(session, actor_id, *, label, team_slug=None):
    """A new display link (admins only); returns (link, token). The token is shown once."""
    actor = active_person(session, actor_id)
    require_admin(actor)
    label = clean_line(label, "label")
    team = team_by_slug(session, team_slug) if team_slug else None
    token = secrets.token_urlsafe(24)
    link = DisplayLink(token_hash=_hash(token), label=label, team_id=team.id if team else None,
                       created_by=actor.id)
    session.add(link)
    session.flush()
    events.record(session, kind="display_created", person_id=actor.id,
                  team_id=link.team_id, after={"display_id": link.id, "label": label})
    session.flush()
    return link, token


def revoke_display_link(session, actor_id, link_id):
    """Revoke a display link; its screens are refused from then on."""
    actor = active_person(session, actor_id)
    require_admin(actor)
    link = get_or_404(session, DisplayLink, link_id, N_("Unknown display link."))
    if not link.revoked:
        link.revoked = True
        events.record(session, kind="display_revoked", person_id=actor.id, team_id=link.team_id,
                      before={"display_id": link.id, "revoked": False},
                      after={"display_id": link.id, "revoked": True})
    session.flush()
    return link


def display_for_token(session, token):
    """(link, team or None) for a valid, unrevoked token; None otherwise."""
    if not isinstance(token, str) or not 10 <= len(token) <= 100:
        return None
    link = session.exec(select(DisplayLink).where(DisplayLink.token_hash == _hash(token))).first()
    if link is None or link.revoked:
        return None
    return link, session.get(Team, link.team_id) if link.team_id else None


def list_display_links(session):
    """All display links with their team, newest first."""
    return session.exec(select(DisplayLink, Team).outerjoin(Team, Team.id == DisplayLink.team_id)
                        .order_by(DisplayLink.id.desc())).all()
