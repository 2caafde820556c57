"""Pooled PostgreSQL connections: pinged only after sitting idle (a dead one is replaced),
keeping their prepared statements from one read session to the next, and the one used last
handed out next.

A move or a page should not pay a round trip for a ping on every checkout; but a connection
that PostgreSQL dropped while it waited in the pool (a restart, an idle time-out) must not reach
a request. Here the server ends a pooled connection's backend for real.
"""

import time

import psycopg
import pytest
from sqlalchemy import exc, text

from boards.db import Database, end_read

from .databases import PG_DSN, PG_URL, require_postgres


def _backend_of(database):
    with database.reader() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid):
    with psycopg.connect(PG_DSN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.1)


pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres():
    require_postgres()


def test_an_idle_connection_that_died_is_replaced_before_use(postgres):
    database = Database(PG_URL, ping_after_idle=0.2)
    try:
        dead = _backend_of(database)
        _terminate(dead)
        time.sleep(0.3)  # idle past the limit: the next checkout pings
        assert _backend_of(database) != dead  # a new connection, no error
    finally:
        database.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(postgres):
    """Within the idle time no ping is sent: a connection that died meanwhile surfaces as the
    request's error (once; SQLAlchemy then replaces the pool's connections)."""
    database = Database(PG_URL, ping_after_idle=60)
    try:
        _terminate(_backend_of(database))
        with pytest.raises(exc.OperationalError):
            _backend_of(database)
        assert _backend_of(database)  # the next one works again
    finally:
        database.dispose()


def test_no_ping_statement_on_a_busy_connection(postgres):
    """Back-to-back checkouts send only the work itself: no ping statement before it (with
    pool_pre_ping every one of these would be preceded by one)."""
    database = Database(PG_URL, ping_after_idle=60)
    sent = []
    original = psycopg.Cursor.execute

    def counting(self, query, *args, **kwargs):
        sent.append(str(query))
        return original(self, query, *args, **kwargs)

    try:
        _backend_of(database)
        psycopg.Cursor.execute = counting
        try:
            for _ in range(3):
                _backend_of(database)
        finally:
            psycopg.Cursor.execute = original
        assert sent == ["SELECT pg_backend_pid()"] * 3, sent
    finally:
        database.dispose()


PREPARED = text("SELECT count(*) FROM pg_prepared_statements")


def _read_a_few_times(database, finish):
    for _ in range(8):  # psycopg prepares a statement from its fifth use on a connection
        session = database.reader()
        session.execute(text("SELECT CAST(:id AS integer)"), {"id": 1}).all()
        finish(session)


def _end_and_close(session):
    end_read(session)
    session.close()


def _close(session):
    session.close()


@pytest.mark.parametrize("finish, kept", [(_end_and_close, True), (_close, False)],
                         ids=["end_read", "close"])
def test_read_sessions_ended_by_end_read_keep_prepared_statements(postgres, finish, kept):
    """end_read commits; closing rolls back, and psycopg drops a connection's prepared
    statements on every rollback, so PostgreSQL would plan each statement anew."""
    database = Database(PG_URL, pool_size=1)
    try:
        _read_a_few_times(database, finish)
        session = database.reader()
        assert (session.execute(PREPARED).scalar_one() > 0) is kept
        session.close()
    finally:
        database.dispose()


def test_the_connection_used_last_is_handed_out_next(postgres):
    """After a burst has opened several connections, one request after another keeps using the
    same one (its backend warm), not each of the pool's connections in turn."""
    database = Database(PG_URL)
    try:
        burst = [database.reader() for _ in range(4)]
        backends = [session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                    for session in burst]
        for session in burst:
            end_read(session)
            session.close()
        assert len(set(backends)) == 4
        following = {_backend_of(database) for _ in range(6)}
        assert following == {backends[-1]}
    finally:
        database.dispose()
