"""Admin writes: teams, memberships, ambitions and goals, each logged."""

import re

from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict, Invalid
from .models import (
    HORIZONS,
    TEAM_KINDS,
    Action,
    Ambition,
    Goal,
    Membership,
    Municipality,
    Organisation,
    Person,
    Team,
    TeamAmbition,
)
from .validation import check_date, clean_line, clean_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _admin(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor


def setup_organisation(session, *, name, municipalities=(), first_cycle_start,
                       cycle_length_days=14):
    """Create the installation's organisation (once); cycles count from first_cycle_start."""
    if session.exec(select(Organisation)).first() is not None:
        raise Conflict(N_("The organisation has already been set up."))
    name = clean_line(name, "name")
    if not isinstance(cycle_length_days, int) or not 1 <= cycle_length_days <= 56:
        raise Invalid(N_("A cycle lasts between 1 and 56 days."), field="cycle_length_days")
    org = Organisation(name=name, first_cycle_start=first_cycle_start,
                       cycle_length_days=cycle_length_days)
    session.add(org)
    session.flush()
    for municipality in municipalities:
        name_of_municipality = clean_line(municipality, "municipalities")
        session.add(Municipality(organisation_id=org.id, name=name_of_municipality))
    events.record(session, kind="organisation_created", person_id=None,
                  after={"name": name, "municipalities": list(municipalities)})
    session.flush()
    return org


def slugify(name):
    """A URL slug from a name: 'Wonen & Zorg' -> 'wonen-zorg'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "team"


def create_team(session, actor_id, *, name, slug=None, kind="team", ambition_ids=()):
    """A new team with its ambitions."""
    actor = _admin(session, actor_id)
    name = clean_line(name, "name")
    slug = (slug or slugify(name)).strip()
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise Invalid(N_("Use lower-case letters, digits and hyphens."), field="slug")
    if kind not in TEAM_KINDS:
        raise Invalid(N_("Unknown kind of team."), field="kind")
    if session.exec(select(Team).where(Team.slug == slug)).first():
        raise Conflict(N_("A team with this address already exists."))
    team = Team(name=name, slug=slug, kind=kind)
    session.add(team)
    session.flush()
    for ambition_id in ambition_ids:
        get_or_404(session, Ambition, ambition_id, N_("Unknown ambition."))
        session.add(TeamAmbition(team_id=team.id, ambition_id=ambition_id))
    events.record(session, kind="team_created", person_id=actor.id, team_id=team.id,
                  after={"name": name, "slug": slug, "kind": kind,
                         "ambition_ids": list(ambition_ids)})
    session.flush()
    return team


def add_member(session, actor_id, team_id, person_id, *, delegate=False):
    """Put a person in a team (idempotent); optionally make them its delegate."""
    actor = _admin(session, actor_id)
    team = get_or_404(session, Team, team_id, N_("Unknown team."))
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if session.get(Membership, (team.id, person.id)) is None:
        session.add(Membership(team_id=team.id, person_id=person.id))
        events.record(session, kind="member_added", person_id=actor.id, team_id=team.id,
                      after={"person_id": person.id})
    if delegate and team.delegate_id != person.id:
        events.record(session, kind="delegate_set", person_id=actor.id, team_id=team.id,
                      before={"delegate_id": team.delegate_id}, after={"delegate_id": person.id})
        team.delegate_id = person.id
    session.flush()


def remove_member(session, actor_id, team_id, person_id):
    """Take a person out of a team; their cards stay."""
    actor = _admin(session, actor_id)
    membership = session.get(Membership, (team_id, person_id))
    if membership is None:
        raise Invalid(N_("This person is not in the team."))
    session.delete(membership)
    team = session.get(Team, team_id)
    if team.delegate_id == person_id:
        team.delegate_id = None
    events.record(session, kind="member_removed", person_id=actor.id, team_id=team_id,
                  before={"person_id": person_id})
    session.flush()


def create_ambition(session, actor_id, *, title, description="", colour="#1f6feb", order=0):
    """A new organisation-wide ambition."""
    actor = _admin(session, actor_id)
    title = clean_line(title, "title")
    description = clean_text(description, "description", 2000)
    if not COLOUR_RE.match(colour or ""):
        raise Invalid(N_("Use a colour like #1f6feb."), field="colour")
    ambition = Ambition(title=title, description=description, colour=colour, order=order)
    session.add(ambition)
    session.flush()
    events.record(session, kind="ambition_created", person_id=actor.id,
                  after={"ambition_id": ambition.id, "title": title})
    session.flush()
    return ambition


def create_goal(session, actor_id, *, ambition_id, horizon, title, parent_id=None, team_id=None,
                target_date=None):
    """A long-term goal under an ambition, or a short-term goal under a long-term one."""
    actor = _admin(session, actor_id)
    title = clean_line(title, "title", 300)
    if horizon not in HORIZONS:
        raise Invalid(N_("A goal is long- or short-term."), field="horizon")
    ambition = get_or_404(session, Ambition, ambition_id, N_("Unknown ambition."))
    if horizon == "short":
        parent = session.get(Goal, parent_id) if parent_id else None
        if parent is None or parent.horizon != "long" or parent.ambition_id != ambition.id:
            raise Invalid(N_("A short-term goal belongs to a long-term goal of the same ambition."),
                          field="parent_id")
    elif parent_id is not None:
        raise Invalid(N_("A long-term goal has no parent goal."), field="parent_id")
    if team_id is not None:
        get_or_404(session, Team, team_id, N_("Unknown team."))
    check_date(target_date, "target_date")
    goal = Goal(ambition_id=ambition.id, horizon=horizon, title=title, parent_id=parent_id,
                team_id=team_id, target_date=target_date)
    session.add(goal)
    session.flush()
    events.record(session, kind="goal_created", person_id=actor.id, team_id=team_id,
                  goal_id=goal.id, after={"title": title, "horizon": horizon,
                                          "ambition_id": ambition.id, "parent_id": parent_id})
    session.flush()
    return goal


def everything(session):
    """People, teams, ambitions, goals and memberships, for the admin pages."""
    memberships = session.exec(select(Membership)).all()
    return {
        "organisation": session.exec(select(Organisation)).first(),
        "municipalities": session.exec(select(Municipality.name).order_by(Municipality.name)).all(),
        "people": session.exec(select(Person).order_by(Person.name)).all(),
        "teams": session.exec(select(Team).order_by(Team.kind, Team.name)).all(),
        "ambitions": session.exec(select(Ambition).order_by(Ambition.order)).all(),
        "goals": session.exec(select(Goal).order_by(Goal.ambition_id, Goal.horizon, Goal.id)).all(),
        "memberships": {(m.team_id, m.person_id) for m in memberships},
    }


def update_cadence(session, actor_id, *, cycle_length_days, first_cycle_start):
    """Set the cycle length and first start day (its weekday is the cycle start weekday).

    Cycles are computed from the cadence and actions keep their cycle's number, so the
    cadence can only change while no action has been planned yet.
    """
    actor = _admin(session, actor_id)
    if session.exec(select(Action.id).limit(1)).first() is not None:
        raise Conflict(N_("The cadence can only be changed before the first action is planned."))
    if not isinstance(cycle_length_days, int) or not 1 <= cycle_length_days <= 56:
        raise Invalid(N_("A cycle lasts between 1 and 56 days."), field="cycle_length_days")
    check_date(first_cycle_start, "first_cycle_start", required=True)
    org = session.exec(select(Organisation)).one()
    before = {"cycle_length_days": org.cycle_length_days,
              "first_cycle_start": org.first_cycle_start.isoformat()}
    org.cycle_length_days, org.first_cycle_start = cycle_length_days, first_cycle_start
    events.record(session, kind="cadence_changed", person_id=actor.id, before=before,
                  after={"cycle_length_days": cycle_length_days,
                         "first_cycle_start": first_cycle_start.isoformat()})
    session.flush()
    return org
