"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema."""

import os
import uuid

import psycopg
import pytest

from app.cli import upgrade_database

PG_DSN = os.environ.get("TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 dbname=test user=postgres")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


class PostgresSchema:
    """A schema of its own per test, so tests never see each other's rows."""

    def __init__(self, migrate=True):
        self.migrate = migrate
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.url = f"{PG_URL}?options=-csearch_path%3D{self.name}"

    def __enter__(self):
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        if self.migrate:
            upgrade_database(self.url)
        return self

    def __exit__(self, *_exc):
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.name}" CASCADE')


def sqlite_url(tmp_path):
    """A migrated SQLite file in the test's own folder."""
    url = f"sqlite:///{tmp_path / 'verbeterbord.db'}"
    upgrade_database(url)
    return url
