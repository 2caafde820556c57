"""Real databases for tests, migrated once per session and copied for every test.

SQLite: a migrated template file, copied into the test's own folder.
PostgreSQL: a migrated template database, cloned per test with CREATE DATABASE ... TEMPLATE and
dropped afterwards. Measured on this machine (2 busy cores): a clone costs about what migrating a
fresh schema did (~0.3 s), but it can hold the test world too, which building costs far more.
Template names carry a per-session random part, so sessions running side by side never meet.
"""

import os
import shutil
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.cli import upgrade_database
from boards.db import Database

from .factories import World, build_world

PG_DSN = os.environ.get("TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 dbname=test user=postgres")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_PREFIX = "vbt_"  # every database the tests make starts with this, then its creation time
STALE_AFTER = 24 * 3600  # a session's databases left behind this long ago: its run was killed


def postgres_available():
    """True when the test PostgreSQL answers."""
    try:
        with psycopg.connect(PG_DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def require_postgres():
    """Skip without PostgreSQL, except in CI where it must run."""
    if postgres_available():
        return
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI")
    pytest.skip("PostgreSQL is not running")


@dataclass
class DatabaseCopy:
    """A test's own database: its URL and, when copied with the world in it, the world's ids."""

    url: str
    world: World | None = None


def migrate_and_fill(url, with_world):
    """Migrate an empty database; with_world: build the test world in it and return it."""
    upgrade_database(url)
    if not with_world:
        return None
    database = Database(url)
    try:
        return build_world(database)
    finally:
        database.dispose()


def _template_key(with_world):
    # The world's cycle dates follow today's date: a session running past midnight rebuilds it.
    return ("world", date.today()) if with_world else ("migrated",)


class SqliteTemplates:
    """Migrated SQLite files made once per session; every test works on a copy of one."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._made = {}

    def _template(self, with_world):
        key = _template_key(with_world)
        if key not in self._made:
            path = self.folder / f"template-{len(self._made)}.db"
            world = migrate_and_fill(f"sqlite:///{path}", with_world)
            _fold_write_ahead_log(path)
            self._made[key] = (path, world)
        return self._made[key]

    def copy(self, folder, *, with_world=False):
        """A copy of the template as folder/verbeterbord.db (it goes when pytest clears folder)."""
        path, world = self._template(with_world)
        target = Path(folder) / "verbeterbord.db"
        shutil.copyfile(path, target)
        return DatabaseCopy(f"sqlite:///{target}", world)


def _fold_write_ahead_log(path):
    """Checkpoint the WAL into the file, so that copying the file alone copies every row."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Closing the last connection removes the -wal file; if it stays, someone still holds one.
    if Path(f"{path}-wal").exists():
        raise RuntimeError(f"{path} is still open elsewhere; its copies could miss rows")


class PostgresTemplates:
    """Migrated template databases made once per session; every test works on a clone of one.

    A template may have no other connection while it is cloned: only this object connects to
    it, and only while building it.
    """

    def __init__(self):
        self.prefix = f"{PG_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}_"
        self._made = {}

    def __enter__(self):
        drop_stale_databases()
        return self

    def __exit__(self, *_exc):
        for name in _databases_named(self.prefix):
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _template(self, with_world):
        key = _template_key(with_world)
        if key not in self._made:
            name = f"{self.prefix}tmpl{len(self._made)}"
            # template0 takes no connections, so no one else can keep us from copying it.
            _admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
            self._made[key] = (name, migrate_and_fill(postgres_url(name), with_world))
        return self._made[key]

    @contextmanager
    def copy(self, *, with_world=False):
        """A fresh database cloned from the template, dropped afterwards."""
        template, world = self._template(with_world)
        name = f"{self.prefix}{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield DatabaseCopy(postgres_url(name), world)
        finally:
            # FORCE: a server process or pool of the test may still hold a connection.
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(database):
    """The SQLAlchemy URL of a database on the test server."""
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def _admin(statement):
    # CREATE/DROP DATABASE cannot run inside a transaction.
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(statement)


def _databases_named(prefix):
    with psycopg.connect(PG_DSN) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                            (prefix,)).fetchall()
    return [name for (name,) in rows]


def drop_stale_databases():
    """Drop test databases whose session was killed before it could clean up (a day ago)."""
    for name in _databases_named(PG_PREFIX):
        made = name[len(PG_PREFIX):].split("_", 1)[0]
        if made.isdigit() and time.time() - int(made) > STALE_AFTER:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PostgresSchema:
    """A freshly migrated schema of its own (bench/pages.py; the tests clone templates)."""

    def __init__(self):
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.url = f"{PG_URL}?options=-csearch_path%3D{self.name}"

    def __enter__(self):
        _admin(f'CREATE SCHEMA "{self.name}"')
        upgrade_database(self.url)
        return self

    def __exit__(self, *_exc):
        _admin(f'DROP SCHEMA "{self.name}" CASCADE')


def sqlite_url(folder):
    """A freshly migrated SQLite file in the folder (bench scripts; tests copy templates)."""
    url = f"sqlite:///{Path(folder) / 'verbeterbord.db'}"
    upgrade_database(url)
    return url
