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

# SQLite: BEGIN IMMEDIATE, the read of the card with all the checks, its new position and the
# broadcast need, UPDATE action, INSERT event (4). PostgreSQL: the board's row lock, the same read,
# and the UPDATE and INSERT in one statement (3). COMMIT is not a statement the cursor runs.
# Before: 12-13.
MOVE_STATEMENTS = {True: 4, False: 3}  # by db.is_sqlite


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
    """A move: one locking read, the position, the update, the log entry, one commit."""
    action_id, version = _card(db, world)
    _move(app, sock, action_id, version, "doing")  # warm-up (compiled-statement caches)
    sock.get_received()
    ack, statements = _move(app, sock, action_id, version + 1, "done", op_id="op-move-count-1")
    # Exactly: a statement the count cannot see (run around SQLAlchemy's events) fails it too.
    assert len(statements) == MOVE_STATEMENTS[db.is_sqlite], "\n".join(statements)
    # PostgreSQL locks the board's row in a statement of its own (see boards/changes.py).
    reads = 1 if db.is_sqlite else 2
    assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) == reads, statements
    assert ack["action"]["status"] == "done" and ack["action"]["version"] == version + 2
    changed = [m for m in sock.get_received() if m["name"] == "action.changed"]
    assert len(changed) == 1
    payload = changed[0]["args"][0]
    assert payload["action"]["id"] == action_id and payload["action"]["status"] == "done"
    assert f'id="action-{action_id}"' in payload["html"] and payload["seq"] > 0


def test_move_statements_do_not_grow_with_the_board(app, db, world, sock):
    """Moving between neighbours on a board of 3 cards or of 33 costs the same statements."""
    first = [_card(db, world, status="doing") for _ in range(3)]
    action_id, version = _card(db, world)
    _, warm = _move(app, sock, action_id, version, "doing", before_id=first[0][0])
    _, few = _move(app, sock, action_id, version + 1, "todo")
    for _ in range(30):
        _card(db, world, status="doing")
    _, many = _move(app, sock, action_id, version + 2, "doing", before_id=first[1][0])
    assert len(many) == len(warm) == len(few) == MOVE_STATEMENTS[db.is_sqlite]


def test_refused_move_writes_nothing(app, db, world, sock):
    """A stale version is refused after the locking read; nothing is written."""
    action_id, version = _card(db, world)
    with Statements(app) as counted:
        ack = sock.emit("move", {"action_id": action_id, "version": version + 5,
                                 "status": "doing"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "conflict"
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in counted.seen)
