"""Real databases for tests, migrated once per session and copied for every test.

SQLite: a migrated template file, copied into the test's own folder.
PostgreSQL: a schema per test in the database `test`, built from template schemas (see
PostgresTemplates). A database per test made with CREATE DATABASE ... TEMPLATE was measured too
and lost: ~0.5 s a clone against 0.15-0.3 s for a replayed schema, and each DROP DATABASE forces a
checkpoint on a server that others use. Names carry the session's start time and a random part,
so sessions running side by side never meet.
"""

import io
import os
import shutil
import sqlite3
import time
import uuid
import warnings
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlmodel import SQLModel

from app.cli import alembic_config, upgrade_database
from boards import models  # noqa: F401  (fills SQLModel.metadata, whose table order we copy in)
from boards.db import Database

from .factories import World, build_world

PG_DSN = os.environ.get("TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 dbname=test user=postgres")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_PREFIX = "vbt_"  # every schema the tests make starts with this, then its session's start time
STALE_AFTER = 24 * 3600  # schemas left behind by a session started this long ago: it was killed


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
    """Template schemas migrated once per session; every test gets a fresh schema built from them.

    The migrations are captured once as SQL (Alembic's offline mode) and replayed into each
    test's schema in one transaction, with the template's rows (the world) copied in. If the
    replay does not build exactly what the migrations built, every schema is migrated instead.
    """

    def __init__(self):
        self.prefix = f"{PG_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}_"
        self._made = {}
        self.migrations_sql = None

    def __enter__(self):
        drop_stale_schemas()
        return self

    def __exit__(self, *_exc):
        for name in _schemas_named(self.prefix):
            _admin(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def _template(self, with_world):
        key = _template_key(with_world)
        if key not in self._made:
            name = f"{self.prefix}tmpl{len(self._made)}"
            _admin(f'CREATE SCHEMA "{name}"')
            self._made[key] = (name, migrate_and_fill(schema_url(name), with_world))
            if len(self._made) == 1:
                self.migrations_sql = self._replayable_migrations(name)
        return self._made[key]

    def _replayable_migrations(self, migrated):
        """The migrations as SQL, if replaying it builds what migrating built; else None."""
        try:
            sql = offline_migrations_sql()
            with psycopg.connect(PG_DSN) as conn:
                _replay(conn, f"{self.prefix}probe", sql)
                same = _structure(conn, f"{self.prefix}probe") == _structure(conn, migrated)
                conn.rollback()
        except Exception as error:  # e.g. a data migration that needs a connection
            warnings.warn(f"migrating every test schema: no replayable SQL ({error!r})",
                          stacklevel=2)
            return None
        if not same:
            warnings.warn("migrating every test schema: the offline SQL builds another schema",
                          stacklevel=2)
        return sql if same else None

    @contextmanager
    def copy(self, *, with_world=False):
        """A fresh schema like the template (rows included), dropped afterwards."""
        template, world = self._template(with_world)
        name = f"{self.prefix}{uuid.uuid4().hex[:12]}"
        if self.migrations_sql is None:
            _admin(f'CREATE SCHEMA "{name}"')
            world = migrate_and_fill(schema_url(name), with_world)
        else:
            with psycopg.connect(PG_DSN) as conn:  # one transaction
                _replay(conn, name, self.migrations_sql)
                _copy_rows(conn, template, name)
        try:
            yield DatabaseCopy(schema_url(name), world)
        finally:
            _admin(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def schema_url(schema):
    """The SQLAlchemy URL of the test database with `schema` first on the search path."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def offline_migrations_sql():
    """All migrations as one SQL script (without its own BEGIN/COMMIT)."""
    config = alembic_config(PG_URL)
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    lines = config.output_buffer.getvalue().splitlines()
    return "\n".join(line for line in lines if line.strip() not in ("BEGIN;", "COMMIT;"))


def _replay(conn, schema, sql):
    conn.execute(f'CREATE SCHEMA "{schema}"')
    conn.execute(f'SET LOCAL search_path TO "{schema}"')
    conn.execute(sql)


def _copy_rows(conn, source, target):
    """Make a replayed schema's rows and sequence positions those of the template."""
    present = {name for (name,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s", (source,))}
    tables = [table.name for table in SQLModel.metadata.sorted_tables if table.name in present]
    # Rows a migration itself inserted are in the template too: start from nothing.
    for table in reversed(tables):
        conn.execute(f'DELETE FROM "{target}"."{table}"')
    for table in tables:  # parents before children; same columns in the same order (checked)
        conn.execute(f'INSERT INTO "{target}"."{table}" SELECT * FROM "{source}"."{table}"')
    for sequence, last_value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s"
            " AND last_value IS NOT NULL", (source,)).fetchall():
        conn.execute("SELECT setval(%s, %s)", (f'"{target}"."{sequence}"', last_value))


def _structure(conn, schema):
    """Tables, columns, constraints, indexes and migration version of a schema, name taken out."""
    queries = [
        "SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length,"
        " is_nullable, column_default FROM information_schema.columns WHERE table_schema = %s",
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE connamespace = %s::regnamespace",
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
    ]
    conn.execute("SET LOCAL search_path TO pg_catalog")  # every name printed with its schema
    rows = [row for query in queries for row in conn.execute(query, (schema,))]
    rows += conn.execute(f'SELECT version_num FROM "{schema}".alembic_version').fetchall()
    return sorted(str(row).replace(schema, "<schema>") for row in rows)


def _admin(statement):
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(statement)


def _schemas_named(prefix):
    with psycopg.connect(PG_DSN) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)",
                            (prefix,)).fetchall()
    return [name for (name,) in rows]


def drop_stale_schemas():
    """Drop test schemas whose session was killed before it could clean up (a day ago)."""
    for name in _schemas_named(PG_PREFIX):
        made = name[len(PG_PREFIX):].split("_", 1)[0]
        if made.isdigit() and time.time() - int(made) > STALE_AFTER:
            _admin(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


class PostgresSchema:
    """A schema of its own, freshly migrated unless told not to (bench/pages.py and the migration
    tests; the other tests copy templates)."""

    def __init__(self, migrate=True):
        self.migrate = migrate
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.url = schema_url(self.name)

    def __enter__(self):
        _admin(f'CREATE SCHEMA "{self.name}"')
        if self.migrate:
            upgrade_database(self.url)
        return self

    def __exit__(self, *_exc):
        _admin(f'DROP SCHEMA "{self.name}" CASCADE')


def sqlite_url(folder):
    """A freshly migrated SQLite file in the folder (bench scripts; tests copy templates)."""
    url = f"sqlite:///{Path(folder) / 'verbeterbord.db'}"
    upgrade_database(url)
    return url
