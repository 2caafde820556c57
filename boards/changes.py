"""What every write shares: the Change it returns, the board lock, version and open-cycle checks."""

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Integer, String, bindparam
from sqlalchemy.orm import aliased
from sqlmodel import select

from .access import active_person, get_or_404, is_id, require_not_retired
from .cycles import team_cycle_closed
from .direct import Direct, entity
from .errors import N_, Conflict, Forbidden, Invalid, NotFound
from .models import Action, Ambition, Event, Goal, Membership, Person, Team, TeamCycle
from .queries import Card, card_in_session


@dataclass
class Change:
    """What a write changed, with what the web layer needs to publish it."""

    kind: str  # "created", "changed" or "deleted"
    action: Action
    team: Team
    owner: Person
    event: Optional[Event]
    previous_owner_id: Optional[int] = None
    card: Optional[object] = None  # the Card as it is now, for publishing without a new read


def unchanged(session, action, team):
    """A Change that changed nothing (an empty edit, a resent operation): card, no event."""
    owner = session.get(Person, action.owner_id)
    return Change("changed", action, team, owner, None,
                  card=card_in_session(session, action, owner, team))


def commit_change(session, change):
    """Give the change its card (read in this transaction) and commit: one commit per write."""
    change.card = card_in_session(session, change.action, change.owner, change.team)
    session.commit()
    return change


def lock_team(session, team_id):
    """Serialise writes to one board (PostgreSQL row lock; SQLite holds the write lock already)."""
    return session.exec(select(Team).where(Team.id == team_id).with_for_update()).first()


def locked_action(session, action_id):
    """The action and its team, with the board locked and the action read under that lock."""
    action = get_or_404(session, Action, action_id, N_("Unknown action."))
    team = lock_team(session, action.team_id)
    if session.get_bind().dialect.name != "sqlite":
        # Read before the lock: another writer may have changed it meanwhile. (SQLite's
        # BEGIN IMMEDIATE held the database's write lock before the first read.)
        session.refresh(action)
    return action, team


def check_version(action, version):
    """Invalid without a version; Conflict when the card has changed since that version."""
    if not isinstance(version, int) or isinstance(version, bool) or abs(version) >= 2**63:
        raise Invalid(N_("The version of the card is missing."), field="version")
    if version != action.version:
        raise Conflict(N_("Someone else changed this card just now. The board shows the current state."))


def check_open(session, team_id, number):
    """A cycle the team has closed keeps its record: its cards no longer change."""
    if team_cycle_closed(session, team_id, number):
        raise Conflict(N_("This cycle is closed; its cards can no longer change."))


@dataclass
class GoalChange:
    """A change to a goal or an ambition, with the boards that show it."""

    kind: str  # "goal.created", "goal.changed" or "ambition.changed"
    event: Optional[Event]  # None: nothing changed
    ambition: object
    goal: Optional[object] = None
    team_slugs: tuple = ()


@dataclass
class IndicatorChange:
    """A change to an indicator, its values or its baseline, with the boards that show its goal."""

    kind: str  # "indicator.created" or "indicator.changed"
    event: Optional[Event]  # None: nothing changed
    indicator: object
    goal: object
    team_slugs: tuple = ()
    periods: tuple = ()  # the periods whose values were entered or corrected
    created: bool = False  # a value for a period that had none (201 rather than 200)
    value: Optional[tuple] = None  # set_value: (period key, Decimal) as stored now
    signal: Optional[Event] = None  # the Event of the signals this write made appear


@dataclass
class LockedCard:
    """What a write to one card needs, read in one statement under the board's lock."""

    actor_id: int
    card: Card  # action, owner, team and goal path: all the broadcast needs
    may_write: bool  # the actor is an admin or a member of the card's team
    cycle_closed: bool
    op_used_by: Optional[tuple]  # (person_id, action_id) of an earlier event with this op id
    extra: tuple = ()  # the values of the statement's extra columns (see locked_card)

    @property
    def action(self):
        return self.card.action

    @property
    def team(self):
        return self.card.team


_Actor = aliased(Person, name="actor")
_Owner = aliased(Person, name="owner")
_LongGoal = aliased(Goal, name="long_goal")


def _card_statement():
    """Built once: the card, its owner, team and goal path, the actor, membership, cycle, op id."""
    action_id, actor_id = bindparam("action_id", type_=Integer), bindparam("actor_id", type_=Integer)
    return (
        # Entities for what the card shows; plain columns for the rest (each entity costs
        # every column of its table on the wire and an object to build).
        select(Action, Team, _Owner, Goal, _LongGoal, Ambition, _Actor.active, _Actor.is_admin,
               Membership.person_id, TeamCycle.closed_at, Event.id, Event.person_id,
               Event.action_id)
        .join(Team, Team.id == Action.team_id)
        .join(_Owner, _Owner.id == Action.owner_id)
        .outerjoin(_Actor, _Actor.id == actor_id)
        .outerjoin(Membership, (Membership.team_id == Action.team_id)
                   & (Membership.person_id == actor_id))
        .outerjoin(TeamCycle, (TeamCycle.team_id == Action.team_id)
                   & (TeamCycle.cycle_number == Action.cycle_number))
        .outerjoin(Goal, Goal.id == Action.goal_id)
        .outerjoin(_LongGoal, _LongGoal.id == Goal.parent_id)
        .outerjoin(Ambition, Ambition.id == Goal.ambition_id)
        # `= NULL` matches nothing: without an operation id no event joins.
        .outerjoin(Event, Event.op_id == bindparam("op_id", type_=String))
        .where(Action.id == action_id))


CARD_STATEMENT = _card_statement()
_CARD = Direct(CARD_STATEMENT)
# The models whose every column the card statement reads, in its order; plain columns follow.
CARD_ENTITIES = (Action, Team, Person, Goal, Goal, Ambition)
LOCK_TEAM_OF_ACTION = Direct(
    select(Team.id).where(Team.id == select(Action.team_id).where(
        Action.id == bindparam("action_id", type_=Integer)).scalar_subquery()).with_for_update())


def _column_keys(model):
    return tuple(model.__mapper__.get_property_by_column(column).key
                 for column in model.__table__.columns)


_ENTITY_KEYS = tuple(_column_keys(model) for model in CARD_ENTITIES)


def _entities(row):
    """The card's model instances (None for an outer join that found nothing) and the rest."""
    found, start = [], 0
    for model, keys in zip(CARD_ENTITIES, _ENTITY_KEYS):
        values = row[start:start + len(keys)]
        found.append(None if values[0] is None else entity(model, zip(keys, values)))
        start += len(keys)
    return found, row[start:]


def locked_card(session, actor_id, action_id, op_id=None, *, statement=_CARD, params=None):
    """The card, its actor's rights and its cycle's state, read once with its board locked.

    `statement` may be a Direct of CARD_STATEMENT with columns added (`.add_columns(...)`), to
    read what a write needs about the card's board in the same statement; `params` fills their
    parameters and `.extra` holds their values.

    The card's instances are detached (boards/direct.py): a write changes the card by statement.

    SQLite: the write transaction (BEGIN IMMEDIATE) holds the database's write lock already,
    so one SELECT reads everything. PostgreSQL: the team row is locked first (every write to a
    board takes that lock, so writes to one board run one at a time), then the same SELECT runs
    with a snapshot taken after the lock: it sees whatever the previous writer committed.
    """
    if not is_id(action_id):
        active_person(session, actor_id)
        raise NotFound(N_("Unknown action."))
    if session.get_bind().dialect.name != "sqlite":
        LOCK_TEAM_OF_ACTION.rows(session, {"action_id": action_id})
    row = statement.first(session, {"action_id": action_id, "actor_id": actor_id,
                                    "op_id": op_id, **(params or {})})
    entities, rest = _entities(row) if row is not None else (None, ())
    if row is None or not rest[0]:  # no such card, or the actor is unknown or inactive
        active_person(session, actor_id)  # an inactive actor is told so first
        raise NotFound(N_("Unknown action."))
    action, team, owner, goal, long_goal, ambition = entities
    _active, is_admin, member, closed_at, op_event_id, op_person_id, op_action_id = rest[:7]
    return LockedCard(actor_id, Card(action, owner, team, goal, long_goal, ambition),
                      is_admin or member is not None, closed_at is not None,
                      (op_person_id, op_action_id) if op_event_id is not None else None,
                      tuple(rest[7:]))


def check_writable(locked):
    """Forbidden unless the actor may write the board; Conflict once its team is retired or its
    cycle is closed."""
    if not locked.may_write:
        raise Forbidden(N_("Only members of this team can change its board."))
    require_not_retired(locked.team)  # the team row came with the card: no extra statement
    if locked.cycle_closed:
        raise Conflict(N_("This cycle is closed; its cards can no longer change."))
