"""Admin edits of teams: rename, delegate, retire, members in and out; each logged."""

from sqlmodel import select

from . import catalog, events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Invalid
from .models import Membership, Person, Team, utcnow
from .validation import clean_line


def _admin(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor


def update_team(session, actor_id, team_id, *, name=None, delegate_id=None, clear_delegate=False,
                retired=None):
    """Rename a team, name its delegate to the Team van teams, retire or restore it."""
    actor = _admin(session, actor_id)
    team = get_or_404(session, Team, team_id, N_("Unknown team."))
    before, after = {}, {}
    if name is not None:
        name = clean_line(name, "name")
        if name != team.name:
            before["name"], after["name"] = team.name, name
            team.name = name
    if clear_delegate or delegate_id is not None:
        if delegate_id is not None:
            get_or_404(session, Person, delegate_id, N_("Unknown person."))
            if session.get(Membership, (team.id, delegate_id)) is None:
                raise Invalid(N_("The delegate must be a member of the team."), field="delegate_id")
        if delegate_id != team.delegate_id:
            before["delegate_id"], after["delegate_id"] = team.delegate_id, delegate_id
            team.delegate_id = delegate_id
            if delegate_id is not None:
                _seat_in_team_of_teams(session, actor, team, delegate_id)
    if retired is not None:
        if retired not in (True, False):
            raise Invalid(N_("Invalid request."), field="retired")
        if retired != (team.retired_at is not None):
            before["retired"], after["retired"] = not retired, retired
            team.retired_at = utcnow() if retired else None
    if after:
        events.record(session, kind="team_edited", person_id=actor.id, team_id=team.id,
                      before=before, after=after)
    session.flush()
    return team


def _seat_in_team_of_teams(session, actor, team, person_id):
    """A team's delegate sits in the Team van teams: make them a member of it (logged).

    A former delegate keeps that seat until an admin takes them out: they may sit there
    for another reason too.
    """
    tvt = session.exec(select(Team).where(Team.kind == "team_of_teams",
                                          Team.retired_at.is_(None))).first()
    if tvt is None or tvt.id == team.id or session.get(Membership, (tvt.id, person_id)):
        return
    session.add(Membership(team_id=tvt.id, person_id=person_id))
    events.record(session, kind="member_added", person_id=actor.id, team_id=tvt.id,
                  after={"person_id": person_id, "delegate_of": team.id})


def put_member(session, actor_id, team_id, person_id, *, delegate=False):
    """Put a person in a team (nothing happens when they are in it already)."""
    catalog.add_member(session, actor_id, team_id, person_id, delegate=delegate)
    return session.get(Team, team_id)


def take_out(session, actor_id, team_id, person_id):
    """Take a person out of a team; their cards stay."""
    _admin(session, actor_id)
    get_or_404(session, Team, team_id, N_("Unknown team."))
    get_or_404(session, Person, person_id, N_("Unknown person."))
    if session.get(Membership, (team_id, person_id)) is not None:
        catalog.remove_member(session, actor_id, team_id, person_id)


def members_of(session, team_id):
    """The team's members, by name."""
    return session.exec(select(Person).join(Membership, Membership.person_id == Person.id)
                        .where(Membership.team_id == team_id).order_by(Person.name)).all()
