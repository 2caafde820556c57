"""Reading ideas: a team's, a person's own, the one a card came from, and a cycle's tally."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy.orm import aliased
from sqlmodel import select

from .cycles import TIMEZONE
from .models import Event, Idea, Person, Team
from .queries import team_by_slug

# The board lists what still needs the team first; decided ideas follow, newest first.
STATE_ORDER = ("new", "discussing", "parked", "adopted", "declined")


@dataclass
class IdeaRow:
    """An idea with the names it shows: its team, author and the team that passed it on."""

    idea: Idea
    team: Team
    author: Person
    passed_from: Optional[Team] = None


@dataclass
class TeamIdeas:
    """A team's ideas for its board, and how many are new."""

    team: Team
    rows: list  # [IdeaRow]
    new_count: int


_From = aliased(Team, name="passed_from")


def _rows(session, *where):
    rows = session.exec(
        select(Idea, Team, Person, _From).join(Team, Team.id == Idea.team_id)
        .join(Person, Person.id == Idea.author_id)
        .outerjoin(_From, _From.id == Idea.passed_from_team_id)
        .where(*where).order_by(Idea.updated_at.desc(), Idea.id.desc())).all()
    return [IdeaRow(*row) for row in rows]


def _ordered(rows):
    return sorted(rows, key=lambda r: STATE_ORDER.index(r.idea.state))


def team_ideas(session, slug):
    """The team's ideas: new ones first, then in discussion, parked and decided."""
    return ideas_of(session, team_by_slug(session, slug))


def ideas_of(session, team):
    """team_ideas for a team already read (the board page has it)."""
    rows = _ordered(_rows(session, Idea.team_id == team.id))
    return TeamIdeas(team, rows, sum(r.idea.state == "new" for r in rows))


def teams_to_pass_to(session, team):
    """(slug, name) of every other team that is not retired: where an idea can go."""
    return session.exec(select(Team.slug, Team.name).where(
        Team.retired_at.is_(None), Team.id != team.id).order_by(Team.kind, Team.name)).all()


def my_ideas(session, person_id):
    """The ideas a person posted, wherever they are now, newest change first."""
    return _rows(session, Idea.author_id == person_id)


def idea_of_action(session, action_id):
    """The idea a card was adopted from, or None."""
    return session.exec(select(Idea).where(Idea.action_id == action_id)).first()


@dataclass
class IdeaCounts:
    """What happened to a team's ideas within a cycle."""

    came_in: int = 0  # posted to the team or passed on to it
    adopted: int = 0
    parked: int = 0
    declined: int = 0


TALLIED = {"idea_posted": "came_in", "idea_passed": "came_in", "idea_adopted": "adopted",
           "idea_parked": "parked", "idea_declined": "declined"}


def _moment(day):
    """Midnight in the Netherlands, in UTC (SQLite compares the stored UTC times as text)."""
    return datetime.combine(day, time(), TIMEZONE).astimezone(timezone.utc)


def idea_counts(session, cycle):
    """{team id: IdeaCounts} for the cycle, from the log (a later change does not rewrite it)."""
    rows = session.exec(select(Event.team_id, Event.kind).where(
        Event.kind.in_(list(TALLIED)), Event.at >= _moment(cycle.start),
        Event.at < _moment(cycle.end + timedelta(days=1)))).all()
    counts = {}
    for team_id, kind in rows:
        tally = counts.setdefault(team_id, IdeaCounts())
        setattr(tally, TALLIED[kind], getattr(tally, TALLIED[kind]) + 1)
    return counts
