"""Statements run on the driver's cursor (boards/direct.py) give what the ORM gives.

A move reads its card straight from the cursor and builds detached instances from the row; a
column out of place or a value typed differently (SQLite keeps dates as text) would show a
wrong card to every viewer. Both databases.
"""

from datetime import date, datetime

import psycopg
import pytest
from sqlalchemy import exc, inspect, text

from boards import actions, changes, events
from boards.models import Action, Ambition, Event, Goal, Person, Team
from boards.unit_of_work import unit_of_work

from .databases import PG_DSN


def _columns(instance):
    model = type(instance)
    return {key: getattr(instance, key) for key in changes._column_keys(model)}


def test_the_locked_card_matches_the_orm_column_for_column(db, world):
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.anna, world.wonen, title="Kaart <één>",
                                     goal_id=world.short_goal, due_date=date(2030, 1, 31),
                                     notes="Regel\nnog een").action
    with unit_of_work(db) as session:
        locked = changes.locked_card(session, world.bert, card.id)
        read = locked.card
        assert all(inspect(instance).detached or inspect(instance).transient
                   for instance in (read.action, read.owner, read.team, read.goal,
                                    read.long_goal, read.ambition))
        expected = (session.get(Action, card.id), session.get(Person, world.anna),
                    session.get(Team, world.wonen_id), session.get(Goal, world.short_goal),
                    session.get(Goal, world.long_goal),
                    session.get(Ambition, session.get(Goal, world.short_goal).ambition_id))
        got = (read.action, read.owner, read.team, read.goal, read.long_goal, read.ambition)
        for mine, theirs in zip(got, expected, strict=True):
            assert type(mine) is type(theirs)
            assert _columns(mine) == _columns(theirs)
            assert {k: type(v) for k, v in _columns(mine).items()} == \
                {k: type(v) for k, v in _columns(theirs).items()}
    assert isinstance(read.action.created_at, datetime) and read.action.due_date == date(2030, 1, 31)
    assert locked.may_write and not locked.cycle_closed and locked.op_used_by is None


def test_a_card_without_a_goal_has_none_for_its_goal_path(db, world):
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.anna, world.wonen, title="Los").action
    with unit_of_work(db) as session:
        read = changes.locked_card(session, world.anna, card.id).card
    assert (read.goal, read.long_goal, read.ambition) == (None, None, None)
    assert read.action.title == "Los" and read.owner.id == world.anna


def test_a_move_logs_exactly_what_it_returns(db, world):
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.anna, world.wonen, title="Kaart").action
    with unit_of_work(db) as session:
        moved = actions.move_action(session, world.anna, card.id, status="doing",
                                    version=card.version, op_id="op-12345678")
    with db.reader() as session:
        entry = session.get(Event, moved.event.id)
        stored = session.get(Action, card.id)
        logged, returned = _columns(entry), _columns(moved.event)
        # SQLite keeps no time zone: the log's time is UTC, read back without one.
        assert logged.pop("at").replace(tzinfo=None) == returned.pop("at").replace(tzinfo=None)
        assert logged == returned
        assert (stored.status, stored.version, stored.position) == \
            (moved.action.status, moved.action.version, moved.action.position)
        assert entry.after == events.snapshot(stored)


def test_the_move_read_is_short_enough_for_psycopg_to_keep_converted():
    """psycopg converts a statement's placeholders once and keeps the result only for statements
    of at most 4096 characters; a longer card read would be converted again on every move."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
    from sqlalchemy.dialects.postgresql import psycopg

    sql = actions.MOVE_STATEMENT.statement.compile(dialect=psycopg.dialect()).string
    assert len(sql.encode()) <= MAX_CACHED_STATEMENT_LENGTH == 4096


def test_a_move_on_a_connection_the_server_dropped_fails_once_then_works(db, world):
    """The server ends the pooled connection's backend (a restart, a time-out): the move on it
    fails with SQLAlchemy's error, the dead connection leaves the pool, the next move works."""
    if db.is_sqlite:
        pytest.skip("SQLite has no server to drop a connection")
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.anna, world.wonen, title="Kaart").action
    with unit_of_work(db) as session:
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        session.commit()
    with psycopg.connect(PG_DSN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
    with pytest.raises(exc.DBAPIError) as failed, unit_of_work(db) as session:
        actions.move_action(session, world.anna, card.id, status="doing", version=card.version)
    assert "terminat" in str(failed.value.orig)
    with unit_of_work(db) as session:
        moved = actions.move_action(session, world.anna, card.id, status="doing",
                                    version=card.version)
    assert moved.action.version == card.version + 1
