"""Admin edits of the organisation: its name and the municipalities it serves; each logged."""

from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict
from .models import Municipality, Organisation
from .validation import clean_line


def _admin(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor


def rename_organisation(session, actor_id, name):
    """Give the organisation a new name."""
    actor = _admin(session, actor_id)
    org = session.exec(select(Organisation)).one()
    name = clean_line(name, "name")
    if name != org.name:
        events.record(session, kind="organisation_renamed", person_id=actor.id,
                      before={"name": org.name}, after={"name": name})
        org.name = name
    session.flush()
    return org


def add_municipality(session, actor_id, name):
    """The organisation serves one more municipality."""
    actor = _admin(session, actor_id)
    org = session.exec(select(Organisation)).one()
    name = clean_line(name, "name")
    if session.exec(select(Municipality).where(Municipality.name == name)).first():
        raise Conflict(N_("This municipality is already listed."))
    municipality = Municipality(organisation_id=org.id, name=name)
    session.add(municipality)
    session.flush()
    events.record(session, kind="municipality_added", person_id=actor.id,
                  after={"municipality_id": municipality.id, "name": name})
    session.flush()
    return municipality


def remove_municipality(session, actor_id, municipality_id):
    """The organisation no longer serves this municipality."""
    actor = _admin(session, actor_id)
    municipality = get_or_404(session, Municipality, municipality_id, N_("Unknown municipality."))
    events.record(session, kind="municipality_removed", person_id=actor.id,
                  before={"municipality_id": municipality.id, "name": municipality.name})
    session.delete(municipality)
    session.flush()


def municipalities(session):
    """The municipalities, by name."""
    return session.exec(select(Municipality).order_by(Municipality.name)).all()
