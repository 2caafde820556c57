"""Moves that race on one board, each in its own transaction and thread: they run one at a time.

Every write to a board takes its lock first (SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock on
the team) and reads the card after it: a read sees what the previous writer committed, a stale
version is refused, and every move is logged once.
"""

import threading

import pytest
from sqlmodel import func, select

from boards import actions, queries
from boards.errors import Conflict
from boards.models import Event
from boards.unit_of_work import unit_of_work

# Six writers wait on one lock within busy_timeout: run apart from the parallel pass.
pytestmark = pytest.mark.serial

WRITERS = 6


def _cards(db, world, count, status="todo"):
    made = []
    for i in range(count):
        with unit_of_work(db) as session:
            change = actions.create_action(session, world.anna, world.wonen, title=f"Kaart {i}",
                                           goal_id=world.short_goal, status=status)
            made.append((change.action.id, change.action.version))
    return made


def _race(work, count):
    """Run `work(i)` in `count` threads started together; their outcomes, in thread order."""
    barrier, outcomes = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        try:
            outcomes[i] = work(i)
        except Exception as error:  # noqa: BLE001 (the outcome is what is tested)
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _moved_events(db, action_ids):
    with unit_of_work(db) as session:
        return session.exec(select(func.count()).select_from(Event).where(
            Event.kind == "moved", Event.action_id.in_(action_ids))).one()


def test_racing_moves_to_one_place_all_land_in_a_consistent_order(db, world):
    """Every card moved right after the same card: distinct positions, one log entry each."""
    anchor, *cards = _cards(db, world, WRITERS + 1, status="doing")

    def move(i):
        action_id, version = cards[i]
        with unit_of_work(db) as session:
            change = actions.move_action(session, world.anna, action_id, status="done",
                                         version=version, after_id=None, before_id=None)
            return change.action.position, change.event.id

    outcomes = _race(move, WRITERS)
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    positions = [position for position, _ in outcomes]
    assert len(set(positions)) == WRITERS
    assert len({event_id for _, event_id in outcomes}) == WRITERS
    assert _moved_events(db, [action_id for action_id, _ in cards]) == WRITERS
    with unit_of_work(db) as session:
        board = queries.board_view(session, world.wonen)
    done = [card.action.id for card in board.columns["done"]]
    # Each writer read the column as the one before it left it: they queue at the bottom.
    in_commit_order = [action_id for (action_id, _), (_, event_id)
                       in sorted(zip(cards, outcomes, strict=True), key=lambda pair: pair[1][1])]
    assert done[-WRITERS:] == in_commit_order


def test_racing_moves_of_one_card_on_one_version_one_wins(db, world):
    """The same card, the same version, several writers: one move, the others are refused."""
    ((action_id, version),) = _cards(db, world, 1)

    def move(i):
        with unit_of_work(db) as session:
            change = actions.move_action(session, world.anna, action_id,
                                         status=("doing", "done")[i % 2], version=version)
            return change.action.version

    outcomes = _race(move, WRITERS)
    assert sum(outcome == version + 1 for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, Conflict) for outcome in outcomes) == WRITERS - 1, outcomes
    assert _moved_events(db, [action_id]) == 1
