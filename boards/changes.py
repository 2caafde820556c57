"""What every write shares: the Change it returns, the board lock, version and open-cycle checks."""

from dataclasses import dataclass
from typing import Optional

from sqlmodel import select

from .access import get_or_404
from .cycles import team_cycle_closed
from .errors import N_, Conflict, Invalid
from .models import Action, Event, Person, Team
from .queries import card_in_session


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


def with_card(session, change):
    """The change with its card, read in this transaction (the broadcast shows it)."""
    change.card = card_in_session(session, change.action, change.owner, change.team)
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
        raise Conflict(N_("Someone else changed this card just now. "
                          "The board shows the current state."))


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

