"""Provisioning from the organisation's directory (SCIM): people and teams kept in step.

The directory acts without a person: its Events carry no `person_id`. A person the directory
deletes is disabled (their history stays) and no longer shown to it; a group it deletes is a
retired team.
"""

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, or_
from sqlmodel import select

from . import events
from .access import get_or_404, is_id
from .catalog import SLUG_RE, slugify
from .errors import N_, Conflict, Invalid, NotFound
from .models import Membership, Person, Team, utcnow
from .people import EMAIL_RE, change_active, clean_name, normalise_email
from .validation import clean_line


@dataclass
class UserFields:
    """What the directory says about a person."""

    user_name: str
    display_name: str
    email: Optional[str]
    active: bool = True
    external_id: Optional[str] = None


def user_name_of(person):
    """The person's SCIM userName: what the directory gave, else their e-mail."""
    return person.user_name or person.email


def _clean_user(session, fields, person=None):
    user_name = clean_line(fields.user_name, "userName", 320,
                           missing=N_("A userName is required."))
    email = fields.email or (user_name if EMAIL_RE.match(user_name) else None)
    if email is None:
        raise Invalid(N_("Enter a valid e-mail address."), field="emails")
    email = normalise_email(email)
    external_id = clean_line(fields.external_id, "externalId", required=False) or None
    others = select(Person.id).where(Person.id != (person.id if person else -1))
    if session.exec(others.where(or_(
            func.lower(Person.user_name) == user_name.lower(),
            (Person.user_name.is_(None)) & (Person.email == user_name.lower())))).first():
        raise Conflict(N_("Someone with this userName already exists."))
    if session.exec(others.where(Person.email == email)).first():
        raise Conflict(N_("Someone with this e-mail address already exists."))
    return {"user_name": user_name, "name": clean_name(fields.display_name), "email": email,
            "external_id": external_id, "active": bool(fields.active)}


def scim_people(session, *, user_name=None, external_id=None, offset=0, limit=100):
    """(total, page) of the people the directory sees, optionally one userName or externalId."""
    where = [Person.deprovisioned_at.is_(None)]
    if user_name is not None:
        where.append(or_(func.lower(Person.user_name) == user_name.lower(),
                         Person.user_name.is_(None) & (Person.email == user_name.lower())))
    if external_id is not None:
        where.append(Person.external_id == external_id)
    total = session.exec(select(func.count()).select_from(Person).where(*where)).one()
    page = session.exec(select(Person).where(*where).order_by(Person.id)
                        .offset(offset).limit(limit)).all()
    return total, page


def visible_person(session, person_id):
    """A person the directory may see (not deleted by it), or NotFound."""
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if person.deprovisioned_at is not None:
        raise NotFound(N_("Unknown person."))
    return person


def provision_user(session, fields):
    """A new person from the directory (no password: they sign in through the directory).

    Someone the directory deleted earlier and sends again (a colleague who comes back) is the
    same person: their account returns, with their history.
    """
    returning = _deprovisioned(session, fields)
    if returning is not None:
        returning.deprovisioned_at = None
        events.record(session, kind="scim_user_restored", person_id=None,
                      after={"person_id": returning.id})
        return replace_user(session, returning.id, fields)
    values = _clean_user(session, fields)
    person = Person(**values)
    session.add(person)
    session.flush()
    events.record(session, kind="scim_user_created", person_id=None,
                  after={"person_id": person.id, **values})
    session.flush()
    return person


def _deprovisioned(session, fields):
    """The deleted, not anonymised person with this userName (or e-mail), if any."""
    if not isinstance(fields.user_name, str) or not fields.user_name.strip():
        return None
    user_name = fields.user_name.strip().lower()
    return session.exec(select(Person).where(
        Person.deprovisioned_at.is_not(None), Person.anonymised_at.is_(None),
        or_(func.lower(Person.user_name) == user_name,
            Person.user_name.is_(None) & (Person.email == user_name)))).first()


def replace_user(session, person_id, fields):
    """Bring a person in line with the directory; deactivation ends their access at once."""
    person = visible_person(session, person_id)
    if person.anonymised_at is not None:
        raise Conflict(N_("This person has been anonymised."))
    values = _clean_user(session, fields, person)
    changed = {k: v for k, v in values.items() if getattr(person, k) != v}
    if changed:
        before = {"person_id": person.id, **{k: getattr(person, k) for k in changed}}
        for key, value in changed.items():
            if key == "active":
                change_active(session, person, value)
            else:
                setattr(person, key, value)
        events.record(session, kind="scim_user_replaced", person_id=None, before=before,
                      after={"person_id": person.id, **changed})
    session.flush()
    return person


def deprovision_user(session, person_id):
    """The directory deleted the person: disabled, hidden from the directory, history kept."""
    person = visible_person(session, person_id)
    was_active = person.active
    change_active(session, person, False)
    person.deprovisioned_at = utcnow()
    events.record(session, kind="scim_user_deleted", person_id=None,
                  before={"person_id": person.id, "active": was_active},
                  after={"person_id": person.id, "active": False})
    session.flush()
    return person


def scim_teams(session, *, display_name=None, external_id=None, offset=0, limit=100):
    """(total, page) of the teams the directory sees as groups (retired ones not)."""
    where = [Team.retired_at.is_(None)]
    if display_name is not None:
        where.append(Team.name == display_name)
    if external_id is not None:
        where.append(Team.external_id == external_id)
    total = session.exec(select(func.count()).select_from(Team).where(*where)).one()
    page = session.exec(select(Team).where(*where).order_by(Team.id)
                        .offset(offset).limit(limit)).all()
    return total, page


def visible_team(session, team_id):
    """A team the directory may see (not retired), or NotFound."""
    team = get_or_404(session, Team, team_id, N_("Unknown team."))
    if team.retired_at is not None:
        raise NotFound(N_("Unknown team."))
    return team


def member_ids(session, team_ids):
    """{team id: [person ids]} for these teams."""
    found = {team_id: [] for team_id in team_ids}
    if team_ids:
        for m in session.exec(select(Membership).where(Membership.team_id.in_(team_ids))
                              .order_by(Membership.person_id)).all():
            found[m.team_id].append(m.person_id)
    return found


def _free_slug(session, name):
    base = slugify(name)
    if not SLUG_RE.match(base):
        base = "team"
    slug, n = base, 1
    while session.exec(select(Team.id).where(Team.slug == slug)).first() is not None:
        n += 1
        slug = f"{base[:70]}-{n}"
    return slug


def create_group(session, *, name, external_id=None, members=()):
    """A new team from a directory group, with its members."""
    name = clean_line(name, "displayName")
    external_id = clean_line(external_id, "externalId", required=False) or None
    team = Team(name=name, slug=_free_slug(session, name), external_id=external_id)
    session.add(team)
    session.flush()
    events.record(session, kind="scim_group_created", person_id=None, team_id=team.id,
                  after={"name": name, "slug": team.slug, "external_id": external_id})
    _set_members(session, team, members)
    session.flush()
    return team


def replace_group(session, team_id, *, name, external_id=None, members=()):
    """Bring a team in line with its directory group: name and members."""
    team = visible_team(session, team_id)
    name = clean_line(name, "displayName")
    external_id = clean_line(external_id, "externalId", required=False) or None
    if (name, external_id) != (team.name, team.external_id):
        events.record(session, kind="scim_group_replaced", person_id=None, team_id=team.id,
                      before={"name": team.name, "external_id": team.external_id},
                      after={"name": name, "external_id": external_id})
        team.name, team.external_id = name, external_id
    _set_members(session, team, members)
    session.flush()
    return team


def _set_members(session, team, members):
    wanted = []
    for person_id in members:
        if not is_id(person_id):
            raise Invalid(N_("Unknown person."), field="members")
        person = session.get(Person, person_id)
        if person is None or person.deprovisioned_at is not None:
            raise Invalid(N_("Unknown person."), field="members")
        if person_id not in wanted:
            wanted.append(person_id)
    current = member_ids(session, [team.id])[team.id]
    for person_id in wanted:
        if person_id not in current:
            session.add(Membership(team_id=team.id, person_id=person_id))
            events.record(session, kind="member_added", person_id=None, team_id=team.id,
                          after={"person_id": person_id})
    for person_id in current:
        if person_id not in wanted:
            session.delete(session.get(Membership, (team.id, person_id)))
            if team.delegate_id == person_id:
                team.delegate_id = None
            events.record(session, kind="member_removed", person_id=None, team_id=team.id,
                          before={"person_id": person_id})


def delete_group(session, team_id):
    """The directory deleted the group: the team is retired (board and history kept)."""
    team = visible_team(session, team_id)
    team.retired_at = utcnow()
    events.record(session, kind="scim_group_deleted", person_id=None, team_id=team.id,
                  before={"retired": False}, after={"retired": True})
    session.flush()
    return team
