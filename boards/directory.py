"""People as admins keep them: edit, search, anonymise a leaver; what the app holds on someone."""

from sqlalchemy import func, or_
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict, Invalid
from .models import (
    Action,
    ApiToken,
    DisplayLink,
    Event,
    LoginSession,
    Membership,
    Person,
    Team,
    TeamCycle,
    utcnow,
)
from .people import change_active, create_person, normalise_email
from .validation import storable

PSEUDONYM = "Oud-medewerker {n}"
PSEUDONYM_EMAIL = "oud-medewerker-{n}@anoniem.example"


def _admin(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor


def clean_name(name):
    """A person's name: trimmed, 1–200 characters."""
    name = storable(name, "name").strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise Invalid(N_("A name is required."), field="name")
    return name


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
    session.commit()
    return person


def anonymise_person(session, actor_id, person_id):
    """Replace a disabled leaver's name and e-mail by "Oud-medewerker <n>" everywhere,
    the activity log included; the log keeps its rows and shape."""
    actor = _admin(session, actor_id)
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if person.active:
        raise Conflict(N_("Disable the account before anonymising it."))
    if person.anonymised_at is not None:
        return person
    number = session.exec(select(func.count()).select_from(Person)
                          .where(Person.anonymised_at.is_not(None))).one() + 1
    while session.exec(select(Person.id).where(
            Person.email == PSEUDONYM_EMAIL.format(n=number))).first() is not None:
        number += 1
    pseudonym, address = PSEUDONYM.format(n=number), PSEUDONYM_EMAIL.format(n=number)
    traces = {}
    # Earlier names and addresses too: the log remembers what the person was called before.
    for name, email, other in [(person.name, person.email, (person.user_name, person.external_id)),
                               *_former(session, person.id)]:
        traces.setdefault(name, pseudonym)
        for value in (email, *other):
            traces.setdefault(value, address)
    traces.pop(None, None)
    _scrub_log(session, traces)
    person.name, person.email = pseudonym, address
    person.user_name = person.external_id = person.home_office = person.password_hash = None
    person.anonymised_at = utcnow()
    events.record(session, kind="person_anonymised", person_id=actor.id,
                  after={"person_id": person.id, "name": person.name})
    session.commit()
    return person


def _former(session, person_id):
    """(name, e-mail, (userName, externalId)) the log recorded for this person over time."""
    found = []
    for event in session.exec(select(Event)).all():
        for data in (event.before, event.after):
            if isinstance(data, dict) and data.get("person_id") == person_id:
                found.append((data.get("name"), data.get("email"),
                              (data.get("user_name"), data.get("external_id"))))
    return found


def _scrub_log(session, traces):
    """Rewrite every logged value that carries one of the traces (the log's only edit)."""
    for event in session.exec(select(Event)).all():
        for side in ("before", "after"):
            data = getattr(event, side)
            if data:
                scrubbed = _scrub(data, traces)
                if scrubbed != data:
                    setattr(event, side, scrubbed)


def _scrub(value, traces):
    if isinstance(value, str):
        for old, new in traces.items():
            if value == old:
                return new
            # Inside longer text only names, not too short ones (they would hit unrelated
            # words) and not addresses (one can be the tail of another's: bert@ in abert@).
            if len(old) >= 4 and "@" not in old:
                value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, traces) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, traces) for item in value]
    return value


def teams_of(session, person_id):
    """The teams a person is in, by name."""
    return session.exec(select(Team).join(Membership, Membership.team_id == Team.id)
                        .where(Membership.person_id == person_id).order_by(Team.name)).all()


def team_links(session, person_id):
    """The slug and name of each team a person is in, by name (for links to their boards)."""
    return session.exec(select(Team.slug, Team.name).join(Membership, Membership.team_id == Team.id)
                        .where(Membership.person_id == person_id).order_by(Team.name)).all()


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
    about = [e for e in session.exec(select(Event).where(
        or_(Event.person_id.is_(None), Event.person_id != person.id)).order_by(Event.id)).all()
        if any(isinstance(d, dict) and d.get("person_id") == person.id
               for d in (e.before, e.after))]
    return {
        "person": person, "teams": teams, "events_about": about,
        "delegate_of": [t for t in teams if t.delegate_id == person.id],
        "actions": owned, "events": logged, "tokens": tokens, "logins": logins,
        "display_links": links, "closed_cycles": closed,
    }
