"""People as admins keep them: edit and search; what the app holds on someone."""

from typing import NamedTuple

from sqlalchemy import func, or_
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict, Invalid
from .models import (
    Action,
    ApiToken,
    CalendarFeed,
    DisplayLink,
    Event,
    Idea,
    LoginSession,
    Membership,
    PasswordLink,
    Person,
    SecurityEvent,
    Team,
    TeamCycle,
)
from .notifications import choices_of
from .people import change_active, clean_name, create_person, normalise_email


def _admin(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor


def search_people(session, query=None):
    """People whose name or e-mail contains the query (all when empty), by name."""
    statement = select(Person).order_by(Person.name, Person.id)
    query = (query or "").strip().lower()
    if query:
        pattern = f"%{query}%"
        statement = statement.where(or_(func.lower(Person.name).like(pattern),
                                        func.lower(Person.email).like(pattern)))
    return session.exec(statement).all()


def team_slugs(session):
    """{person id: [slugs of their teams]}."""
    found = {}
    for person_id, slug in session.exec(select(Membership.person_id, Team.slug)
                                        .join(Team, Team.id == Membership.team_id)
                                        .order_by(Team.slug)).all():
        found.setdefault(person_id, []).append(slug)
    return found


def add_person(session, actor_id, *, name, email, password=None, is_admin=False):
    """An admin registers a person."""
    actor = _admin(session, actor_id)
    if is_admin not in (True, False):
        raise Invalid(N_("Invalid request."), field="is_admin")
    return create_person(session, name=name, email=email, password=password,
                         is_admin=is_admin, actor_id=actor.id)


def update_person(session, actor_id, person_id, *, name=None, email=None, is_admin=None,
                  active=None):
    """Change a person's name, e-mail, role or whether the account is active; one Event."""
    actor = _admin(session, actor_id)
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    wanted = {}
    if name is not None:
        wanted["name"] = clean_name(name)
    if email is not None:
        wanted["email"] = normalise_email(email)
        taken = session.exec(select(Person.id).where(Person.email == wanted["email"],
                                                     Person.id != person.id)).first()
        if taken is not None:
            raise Conflict(N_("Someone with this e-mail address already exists."))
    for field, value in (("is_admin", is_admin), ("active", active)):
        if value is not None:
            if value not in (True, False):
                raise Invalid(N_("Invalid request."), field=field)
            wanted[field] = value
    if person.id == actor.id and (wanted.get("active") is False or wanted.get("is_admin") is False):
        raise Invalid(N_("You cannot disable your own account or take away your own admin role."))
    changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    if person.anonymised_at is not None and set(changed) & {"name", "email", "active"}:
        raise Conflict(N_("This person has been anonymised."))
    if not changed:
        return person
    before = {"person_id": person.id, **{k: getattr(person, k) for k in changed}}
    for field, value in changed.items():
        if field == "active":
            change_active(session, person, value)
        else:
            setattr(person, field, value)
    events.record(session, kind="person_edited", person_id=actor.id, before=before,
                  after={"person_id": person.id, **changed})
    session.flush()
    return person


def teams_of(session, person_id):
    """The teams a person is in, by name."""
    return session.exec(select(Team).join(Membership, Membership.team_id == Team.id)
                        .where(Membership.person_id == person_id).order_by(Team.name)).all()


class TeamLink(NamedTuple):
    slug: str
    name: str


def team_links(session, person_id):
    """The slug and name of each team a person is in, by name (for links to their boards)."""
    rows = session.execute(select(Team.slug, Team.name)
                           .join(Membership, Membership.team_id == Team.id)
                           .where(Membership.person_id == person_id).order_by(Team.name))
    return [TeamLink(*row) for row in rows]


def personal_data(session, person_id):
    """Everything the app holds about one person, as plain data (their own download)."""
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    teams = teams_of(session, person.id)
    owned = session.exec(select(Action).where(Action.owner_id == person.id)
                         .order_by(Action.id)).all()
    logged = session.exec(select(Event).where(Event.person_id == person.id)
                          .order_by(Event.id)).all()
    tokens = session.exec(select(ApiToken).where(ApiToken.person_id == person.id)).all()
    logins = session.exec(select(LoginSession).where(LoginSession.person_id == person.id)).all()
    links = session.exec(select(DisplayLink).where(DisplayLink.created_by == person.id)).all()
    closed = session.exec(select(TeamCycle).where(TeamCycle.closed_by == person.id)).all()
    ideas = session.exec(select(Idea).where(Idea.author_id == person.id).order_by(Idea.id)).all()
    feeds = session.exec(select(CalendarFeed).where(CalendarFeed.person_id == person.id)
                         .order_by(CalendarFeed.id)).all()
    password_links = session.exec(select(PasswordLink).where(PasswordLink.person_id == person.id)
                                  .order_by(PasswordLink.id)).all()
    # Their own rows, and rows where someone typed their address (a failed login).
    security = session.exec(select(SecurityEvent).where(
        or_(SecurityEvent.person_id == person.id, func.lower(SecurityEvent.email) == person.email))
        .order_by(SecurityEvent.at, SecurityEvent.id)).all()
    about = [e for e in session.exec(select(Event).where(
        or_(Event.person_id.is_(None), Event.person_id != person.id)).order_by(Event.id)).all()
        if any(isinstance(d, dict) and d.get("person_id") == person.id
               for d in (e.before, e.after))]
    return {
        "person": person, "teams": teams, "events_about": about,
        "delegate_of": [t for t in teams if t.delegate_id == person.id],
        "actions": owned, "ideas": ideas, "events": logged, "tokens": tokens, "logins": logins,
        "display_links": links, "closed_cycles": closed, "calendar_feeds": feeds,
        "password_links": password_links, "security_events": security,
        "notification_choices": choices_of(session, person.id),
    }
