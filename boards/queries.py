"""Read queries: each page's data in a fixed number of SQL statements."""

from dataclasses import dataclass, field

from sqlmodel import select

from .access import get_or_404, is_id
from .cycles import (
    Cycle,
    closed_cycles,
    current_cycle,
    cycle_of,
    organisation,
    team_cycle_closed,
    team_cycles,
    today_local,
)
from .errors import N_, NotFound
from .models import STATUSES, Action, Ambition, Event, Goal, Membership, Person, Team, TeamAmbition


@dataclass
class Card:
    """An action with what a card shows: its owner, team and goal path."""

    action: Action
    owner: Person
    team: Team
    goal: Goal = None
    long_goal: Goal = None
    ambition: Ambition = None

    @property
    def cycle_number(self):
        """The number of the cycle the card belongs to."""
        return self.action.cycle_number


@dataclass
class Board:
    """A team's board for one cycle."""

    team: Team
    cycle: Cycle
    ambitions: list
    long_goals: list
    short_goals: list
    members: list
    columns: dict = field(default_factory=dict)  # status -> [Card]
    closed: bool = False  # the team has closed this cycle: read-only, cards show their outcome


def list_teams(session):
    """All teams, the Team van teams last."""
    return session.exec(select(Team).where(Team.retired_at.is_(None))
                        .order_by(Team.kind, Team.name)).all()


def team_by_slug(session, slug):
    """The team with this slug, or NotFound."""
    # Slugs are short ASCII: anything else is unknown without asking the database.
    if not isinstance(slug, str) or not (slug.isascii() and slug.isprintable()) \
            or not 0 < len(slug) <= 80:
        raise NotFound(N_("Unknown team."))
    team = session.exec(select(Team).where(Team.slug == slug)).first()
    if team is None:
        raise NotFound(N_("Unknown team."))
    return team


def goal_index(session):
    """All goals and ambitions by id (a handful of rows per organisation)."""
    goals = {g.id: g for g in session.exec(select(Goal)).all()}
    ambitions = {a.id: a for a in session.exec(
        select(Ambition).order_by(Ambition.order, Ambition.id)).all()}
    return goals, ambitions


def make_card(action, owner, team, goals, ambitions):
    """A Card with its goal path resolved from preloaded goals."""
    goal = goals.get(action.goal_id)
    long_goal = goals.get(goal.parent_id) if goal else None
    ambition = ambitions.get(goal.ambition_id) if goal else None
    return Card(action, owner, team, goal, long_goal, ambition)


def board_view(session, slug, cycle=None):
    """The team's board for `cycle`, by default its working cycle."""
    team = team_by_slug(session, slug)
    if cycle is None:
        shown = team_cycles(session, team.id)
        return board_of(session, team, shown.shown, shown.shown_closed)
    return board_of(session, team, cycle, team_cycle_closed(session, team.id, cycle.number))


def board_of(session, team, cycle, closed):
    """The board of a team already read: ambitions, goals, members and the cycle's cards per
    column (five statements, whatever the number of cards)."""
    goals = {g.id: g for g in session.exec(select(Goal)).all()}
    ambitions, ambition_ids = _ambitions_of(session, team.id)
    on_board = (Action.team_id == team.id, Action.cycle_number == cycle.number)
    members, owners = _people_of(session, team.id, select(Action.owner_id).where(*on_board))
    # One entity per row is the ORM's fast path (an Action, Person row costs twice as much).
    cards = session.exec(select(Action).where(*on_board)
                         .order_by(Action.status, Action.position)).all()
    shown = [g for g in goals.values() if g.ambition_id in ambition_ids]
    board = Board(team, cycle, [ambitions[i] for i in ambition_ids],
                  [g for g in shown if g.horizon == "long"],
                  [g for g in shown if g.horizon == "short" and g.team_id in (None, team.id)],
                  members, {status: [] for status in STATUSES}, closed)
    for action in cards:
        board.columns[action.status].append(
            make_card(action, owners[action.owner_id], team, goals, ambitions))
    return board


def _ambitions_of(session, team_id):
    """All ambitions by id, and the ids of the team's own in their order (one statement)."""
    rows = session.exec(select(Ambition, TeamAmbition.ambition_id)
                        .outerjoin(TeamAmbition, (TeamAmbition.ambition_id == Ambition.id)
                                   & (TeamAmbition.team_id == team_id))
                        .order_by(Ambition.order, Ambition.id)).all()
    return {a.id: a for a, _own in rows}, [a.id for a, own in rows if own is not None]


def _people_of(session, team_id, owner_ids):
    """The team's members by name, and everyone among them or `owner_ids` (a subquery) by id:
    one statement (a card's owner may have left the team)."""
    rows = session.exec(select(Person, Membership.person_id)
                        .outerjoin(Membership, (Membership.person_id == Person.id)
                                   & (Membership.team_id == team_id))
                        .where(Membership.person_id.is_not(None) | Person.id.in_(owner_ids))
                        .order_by(Person.name)).all()
    return [p for p, member in rows if member is not None], {p.id: p for p, _member in rows}


def card_in_session(session, action, owner, team):
    """The Card of an action already loaded in this session (primary-key reads only)."""
    goal = session.get(Goal, action.goal_id) if action.goal_id else None
    long_goal = session.get(Goal, goal.parent_id) if goal and goal.parent_id else None
    ambition = session.get(Ambition, goal.ambition_id) if goal else None
    return Card(action, owner, team, goal, long_goal, ambition)


def card_for(session, action_id):
    """One card with its goal path, for rendering after a change."""
    row = session.exec(select(Action, Person, Team)
                       .join(Person, Person.id == Action.owner_id)
                       .join(Team, Team.id == Action.team_id)
                       .where(Action.id == action_id)).first() if is_id(action_id) else None
    if row is None:
        raise NotFound(N_("Unknown action."))
    goals, ambitions = goal_index(session)
    action, owner, team = row
    return make_card(action, owner, team, goals, ambitions)


def action_events(session, action_id):
    """The history of one action, oldest first, with who did it."""
    if not is_id(action_id):
        raise NotFound(N_("Unknown action."))
    rows = session.exec(select(Event, Person).outerjoin(Person, Person.id == Event.person_id)
                        .where(Event.action_id == action_id).order_by(Event.id)).all()
    if not rows:
        get_or_404(session, Action, action_id, N_("Unknown action."))
    return rows


@dataclass
class MyActions:
    """One person's actions in each team's working cycle by status, overdue ones, the next
    cycle's, and those of a cycle their team has closed already (read-only, with outcome)."""

    cycle: Cycle
    cards: list
    columns: dict
    overdue: list
    next_cards: list
    teams: list
    closed_cards: list = field(default_factory=list)
    working: dict = field(default_factory=dict)  # team slug -> the number of its working cycle
    # Each working cycle shown, with the names of the teams working in it (their order): one
    # entry while every team works in the current cycle, two once some have closed it.
    shown_cycles: list = field(default_factory=list)


def is_overdue(action, today=None):
    """An unfinished card whose deadline has passed."""
    return bool(action.due_date and action.status != "done" and not action.outcome
                and action.due_date < (today or today_local()))


def my_actions(session, person_id, team_slug=None, today=None):
    """The person's cards in this and the next cycle across all their teams (one query).

    Each team's cards come from its working cycle: once a team has closed this cycle, its
    cards of the next one are the ones to work on."""
    today = today or today_local()
    cycle = current_cycle(session, today)
    goals, ambitions = goal_index(session)
    rows = session.exec(
        select(Action, Person, Team).join(Person, Person.id == Action.owner_id)
        .join(Team, Team.id == Action.team_id)
        .where(Action.owner_id == person_id,
               Action.cycle_number.in_([cycle.number, cycle.number + 1]))
        .order_by(Team.name, Action.status, Action.position)).all()
    member_of = session.exec(select(Team).join(Membership, Membership.team_id == Team.id)
                             .where(Membership.person_id == person_id)).all()
    teams = {team.slug: team for _a, _o, team in rows}
    teams.update({team.slug: team for team in member_of})
    closed = closed_cycles(session, {t.id for t in teams.values()}, [cycle.number])
    working = {t.slug: cycle.number + ((t.id, cycle.number) in closed) for t in teams.values()}
    mine = MyActions(cycle, [], {s: [] for s in STATUSES}, [], [], [], working=working)
    for action, owner, team in rows:
        if team_slug and team.slug != team_slug:
            continue
        card = make_card(action, owner, team, goals, ambitions)
        if action.cycle_number < working[team.slug]:
            mine.closed_cards.append(card)
            continue
        if action.cycle_number > working[team.slug]:
            mine.next_cards.append(card)
            continue
        mine.cards.append(card)
        mine.columns[action.status].append(card)
        if is_overdue(action, today):
            mine.overdue.append(card)
    mine.teams = sorted(teams.values(), key=lambda t: t.name)
    mine.shown_cycles = _shown_cycles(session, mine.teams, working, cycle)
    return mine


def _shown_cycles(session, teams, working, cycle):
    """[(Cycle, [team name])] for each working cycle among the teams, earliest first."""
    org = organisation(session)
    numbers = sorted(set(working.values())) or [cycle.number]
    return [(cycle_of(org, number), [t.name for t in teams if working[t.slug] == number])
            for number in numbers]


def ambition_list(session):
    """All ambitions in their order."""
    return session.exec(select(Ambition).order_by(Ambition.order)).all()


@dataclass
class TeamGoals:
    """A team's ambitions with their long-term goals and the team's short-term goals."""

    team: Team
    ambitions: list
    long_goals: list
    short_goals: list


def team_goals(session, slug):
    """Every goal a team's board shows, open or not (the pickers take the open ones)."""
    team = team_by_slug(session, slug)
    goals, ambitions = goal_index(session)
    ambition_ids = set(session.exec(
        select(TeamAmbition.ambition_id).where(TeamAmbition.team_id == team.id)).all())
    return TeamGoals(
        team, [a for a in ambitions.values() if a.id in ambition_ids],
        [g for g in goals.values() if g.horizon == "long" and g.ambition_id in ambition_ids],
        [g for g in goals.values() if g.horizon == "short" and g.ambition_id in ambition_ids
         and g.team_id in (None, team.id)])


@dataclass
class OrganisationGoals:
    """All ambitions in their order, each with its long-term goals."""

    ambitions: list
    long_goals: list
    short_counts: dict  # long-term goal id -> number of short-term goals under it


def organisation_goals(session):
    """Ambitions (retired ones too) and their long-term goals, for the goals page."""
    goals, ambitions = goal_index(session)
    counts = {}
    for goal in goals.values():
        if goal.parent_id:
            counts[goal.parent_id] = counts.get(goal.parent_id, 0) + 1
    return OrganisationGoals(list(ambitions.values()),
                             [g for g in goals.values() if g.horizon == "long"], counts)
