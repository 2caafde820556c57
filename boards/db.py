"""Engines and sessions: SQLite by default, PostgreSQL when the URL says so."""

import os
import time
from contextlib import contextmanager

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlmodel import Session

# How long one SQLite call may wait for a lock inside SQLite (milliseconds). It waits in C, on
# the event loop's own thread under eventlet or gevent: every request and socket of the process
# stands still meanwhile. So it is kept to a moment; a write that waits longer for the write
# lock waits in `pause` instead (see _begin_immediate), where other greenlets keep running.
BUSY_TIMEOUT_MS = 25
# How long a write waits for the write lock in all before "database is locked" (seconds).
WRITE_LOCK_WAIT = 10.0


def _is_locked(error):
    """True for SQLite's SQLITE_BUSY ("database is locked"): another writer holds the lock."""
    return "database is locked" in str(getattr(error, "orig", error))


def _begin_immediate(connection, pause):
    """BEGIN IMMEDIATE, tried again after `pause` while another writer holds the lock.

    Each try waits at most BUSY_TIMEOUT_MS inside SQLite; between tries `pause` (the async
    mode's sleep) lets the event loop run, so the writer holding the lock can finish.
    """
    deadline, delay = time.monotonic() + WRITE_LOCK_WAIT, 0.002
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except exc.OperationalError as error:
            if not _is_locked(error) or time.monotonic() >= deadline:
                raise
        pause(delay)
        delay = min(delay * 2, 0.05)


def _configure_sqlite(engine, *, immediate, pause=time.sleep):
    """Pragmas on every connection; write transactions take the write lock up front."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred BEGIN fails at once with "database is locked" when it
        # upgrades to a write while another writer holds the lock.
        if immediate:
            _begin_immediate(connection, pause)
        else:
            connection.exec_driver_sql("BEGIN")


# A pooled PostgreSQL connection is pinged before use only when it has sat unused this long.
# Restarts and idle time-outs drop connections that wait in the pool; pinging on every checkout
# (SQLAlchemy's pool_pre_ping) would cost a round trip on every request and every move.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine, idle_seconds):
    """Before handing out a connection that has been idle, check that it still answers; a dead
    one is replaced (the pool retries on DisconnectionError)."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection no longer answers") from error


def restrict_sqlite_file(url):
    """Create the SQLite file readable by its owner only (0600), or tighten an existing one.

    SQLite gives its -wal and -shm files the database file's mode, so they follow.
    """
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except FileNotFoundError:
        return  # its folder does not exist: SQLite will say so on connect
    for name in (path, path + "-wal", path + "-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except (FileNotFoundError, PermissionError):
            pass


def end_read(session):
    """End a read session's transaction with COMMIT rather than ROLLBACK; it wrote nothing.

    psycopg forgets all of a connection's prepared statements whenever a transaction on it is
    rolled back, which is how closing a session ends it. Read sessions ending that way meant
    PostgreSQL never kept a statement prepared and parsed and planned every one anew (3-6 ms
    for a move's card read alone). Objects changed in memory by mistake are still thrown away
    (rollback), and every object is expired as a rollback would, so later use reads afresh.
    """
    try:
        if session.new or session.dirty or session.deleted:
            session.rollback()
        else:
            session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.expire_all()


class Database:
    """A reader and a writer engine on one database URL."""

    def __init__(self, url, *, echo=False, pool_size=None,
                 ping_after_idle=PING_AFTER_IDLE_SECONDS, pause=time.sleep):
        """`pause(seconds)`: how a SQLite write waits for the write lock; the app passes its
        async mode's sleep, so that waiting lets the event loop run (time.sleep elsewhere)."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # Connections each engine keeps (and as many more in a burst); SQLAlchemy's 5 + 10 unless
        # set. Under eventlet or gevent this caps the requests of one process using the database
        # at once: the others wait (up to 30 s) for a connection.
        pool = {} if not pool_size else {"pool_size": pool_size, "max_overflow": pool_size}
        # The connection used last is handed out next (SQLAlchemy's default is the one that has
        # waited longest): one stays in use while the rest wait for a burst. Its PostgreSQL
        # backend, or its SQLite page cache, is still warm from the last request, instead of
        # every request taking the next of five connections in turn (bench/RESULTS.md).
        pool["pool_use_lifo"] = True
        if self.is_sqlite:
            restrict_sqlite_file(url)
            self.read_engine = create_engine(url, echo=echo, **pool)
            self.write_engine = create_engine(url, echo=echo, **pool)
            _configure_sqlite(self.read_engine, immediate=False)
            _configure_sqlite(self.write_engine, immediate=True, pause=pause)
        else:
            self.read_engine = create_engine(url, echo=echo, **pool)
            self.write_engine = self.read_engine
            _ping_when_idle(self.read_engine, ping_after_idle)

    def reader(self):
        """A session for reading; callers close it."""
        return Session(self.read_engine, expire_on_commit=False)

    @contextmanager
    def writer(self):
        """A session whose transaction holds the write lock (SQLite) from its first statement."""
        session = Session(self.write_engine, expire_on_commit=False)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self):
        """Close pooled connections (after fork, at shutdown)."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
