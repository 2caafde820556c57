"""How many SQL statements a move costs: few, and the same whatever the board holds.

Counted with SQLAlchemy's `before_cursor_execute` on the app's real engines (SQLite and
PostgreSQL), while a logged-in socket moves a card through the real `move` handler, which
writes, commits and broadcasts to the board's room.
"""

import pytest
from sqlalchemy import event

from app.extensions import socketio
from boards import actions
from boards.unit_of_work import unit_of_work

from .conftest import login

# The card with its team, owner, goal path, the actor's rights, its cycle and an earlier use of
# the op id (one read); its new key; UPDATE action; INSERT event; the active webhooks (for the
# outbox). SQLite adds BEGIN IMMEDIATE, PostgreSQL the board's row lock. COMMIT is not a
# statement the cursor runs. Once: 12-13.
MOVE_STATEMENTS = 6


class Statements:
    """Every statement the app's engines run while the block runs."""

    def __init__(self, app):
        database = app.extensions["verbeterbord.db"]
        self.engines = {database.read_engine, database.write_engine}
        self.seen = []

    def _listen(self, _conn, _cursor, statement, *_args):
        self.seen.append(statement)

    def __enter__(self):
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *_exc):
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._listen)


def _card(db, world, status="todo", **fields):
    with unit_of_work(db) as session:
        change = actions.create_action(session, world.anna, world.wonen, title="Kaart",
                                       goal_id=world.short_goal, status=status, **fields)
        return change.action.id, change.action.version


def _move(app, sock, action_id, version, status, **extra):
    with Statements(app) as counted:
        ack = sock.emit("move", {"action_id": action_id, "version": version, "status": status,
                                 **extra}, callback=True)
    assert ack["ok"] is True, ack
    return ack, counted.seen


@pytest.fixture
def sock(app, client, world):
    login(client, "anna@test.example")
    connected = socketio.test_client(app, flask_test_client=client)
    assert connected.is_connected()
    assert connected.emit("join", {"board": world.wonen}, callback=True)["ok"] is True
    connected.get_received()
    yield connected
    connected.disconnect()


def test_a_move_takes_a_few_statements_and_reaches_the_room(app, db, world, sock):
    """A move: one read of the card, its position, the update, the log entry and the outbox's
    webhook look-up; one commit."""
    action_id, version = _card(db, world)
    _move(app, sock, action_id, version, "doing")  # warm-up (compiled-statement caches)
    sock.get_received()
    ack, statements = _move(app, sock, action_id, version + 1, "done", op_id="op-move-count-1")
    # Exactly: a statement the count cannot see (run around SQLAlchemy's events) fails it too.
    assert len(statements) == MOVE_STATEMENTS, "\n".join(statements)
    # PostgreSQL locks the board's row in a statement of its own (see boards/actions.py).
    reads = 3 if db.is_sqlite else 4
    assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) == reads, statements
    assert ack["action"]["status"] == "done" and ack["action"]["version"] == version + 2
    moved = [m for m in sock.get_received() if m["name"] == "action.moved"]
    assert len(moved) == 1
    payload = moved[0]["args"][0]
    assert payload["action"]["id"] == action_id and payload["action"]["status"] == "done"
    assert payload["seq"] > 0 and "html" not in payload


def test_move_statements_do_not_grow_with_the_board(app, db, world, sock):
    """Moving between neighbours on a board of 3 cards or of 33 costs the same statements."""
    first = [_card(db, world, status="doing") for _ in range(3)]
    action_id, version = _card(db, world)
    _, warm = _move(app, sock, action_id, version, "doing", before_id=first[0][0])
    _, few = _move(app, sock, action_id, version + 1, "todo")
    for _ in range(30):
        _card(db, world, status="doing")
    _, many = _move(app, sock, action_id, version + 2, "doing", before_id=first[1][0])
    assert len(many) == len(warm) == len(few) == MOVE_STATEMENTS


def test_refused_move_writes_nothing(app, db, world, sock):
    """A stale version is refused after the locking read; nothing is written."""
    action_id, version = _card(db, world)
    with Statements(app) as counted:
        ack = sock.emit("move", {"action_id": action_id, "version": version + 5,
                                 "status": "doing"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "conflict"
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in counted.seen)
