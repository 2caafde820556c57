"""Who may do what: everyone logged in reads; team members and admins write."""

from sqlmodel import select

from .errors import N_, Conflict, Forbidden, NotFound
from .models import Membership, Person, Team
from .numbers import is_int_between


def active_person(session, person_id):
    """The acting person, who must exist and be active."""
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None or not person.active:
        raise Forbidden(N_("Your account is not active."))
    return person


def is_member(session, person_id, team_id):
    """True when the person is in the team."""
    return session.get(Membership, (team_id, person_id)) is not None


def _may_write(session, person, team):
    return person.is_admin or is_member(session, person.id, team.id)


def can_write_team(session, person, team):
    """Members of the team and admins may change its board, while the team is not retired."""
    return team.retired_at is None and _may_write(session, person, team)


def can_write_board(person, board):
    """can_write_team for a board already read (boards/queries.py): its members are in it."""
    return board.team.retired_at is None and (
        person.is_admin or any(member.id == person.id for member in board.members))


def require_team_writer(session, person, team):
    """Raise Forbidden unless the person may change the team's board, Conflict once the team is
    retired."""
    if not _may_write(session, person, team):
        raise Forbidden(N_("Only members of this team can change its board."))
    require_not_retired(team)


def writable_team_ids(session, person, teams):
    """The ids of `teams` whose boards the person may change (can_write_team, in one query)."""
    mine = set(session.exec(select(Membership.team_id)
                            .where(Membership.person_id == person.id)).all())
    return {team.id for team in teams
            if team.retired_at is None and (person.is_admin or team.id in mine)}


def require_not_retired(team):
    """Raise Conflict when the team is retired: its board is kept as it was and no longer
    changes."""
    if team.retired_at is not None:
        raise Conflict(N_("This team is retired; its board can no longer change."))


def sets_organisation_goals(session, person):
    """Admins, members of the Team van teams and the teams' delegates to it set ambitions and
    long-term goals."""
    if person.is_admin:
        return True
    in_team_of_teams = session.exec(
        select(Membership.team_id).join(Team, Team.id == Membership.team_id)
        .where(Membership.person_id == person.id, Team.kind == "team_of_teams")).first()
    if in_team_of_teams is not None:
        return True
    return session.exec(select(Team.id).where(Team.delegate_id == person.id)).first() is not None


def require_goal_setter(session, person):
    """Raise Forbidden unless the person sets ambitions and long-term goals."""
    if not sets_organisation_goals(session, person):
        raise Forbidden(N_("Only administrators and the Team of teams set ambitions and "
                           "long-term goals."))


def require_admin(person):
    """Raise Forbidden unless the person is an admin."""
    if not person.is_admin:
        raise Forbidden(N_("Only administrators can do this."))


# Keys are INTEGER columns: 32 bits on PostgreSQL. A larger number names nothing.
MAX_ID = 2**31 - 1


def is_id(value):
    """True for an int that can be a database key (not a bool, positive, within 32 bits)."""
    return is_int_between(value, 1, MAX_ID)


def get_or_404(session, model, ident, message):
    """The row with this primary key, or NotFound with the message."""
    row = session.get(model, ident) if is_id(ident) else None
    if row is None:
        raise NotFound(message)
    return row
