"""Backup and restore of the whole database, while the app runs (backup) or is stopped (restore).

SQLite: the online backup API copies a consistent snapshot page by page; readers and writers
carry on (a plain file copy during writes can be corrupt). PostgreSQL: `pg_dump` in its custom
format, restored with `pg_restore --clean` in one transaction. The connection details go to the
PostgreSQL tools in environment variables, so no password shows in a process list.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import make_url

# URL query parameters that libpq also reads from the environment.
LIBPQ_QUERY = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
               "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why."""


def backup_database(url, path):
    """Write a consistent copy of the database at `url` to `path` (created 0600)."""
    path = Path(path)
    if url.startswith("sqlite"):
        _sqlite_backup(make_url(url).database, path)
    else:
        _pg_dump(url, path)


def restore_database(url, path):
    """Replace the database at `url` with the backup in `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if url.startswith("sqlite"):
        _sqlite_restore(path, make_url(url).database)
    else:
        _pg_restore(url, path)


def _sqlite_backup(source, path):
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    with _sqlite(source) as src, _sqlite(str(partial)) as dst:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
        # One self-contained file: no -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, path)


def _sqlite_restore(path, target):
    with _sqlite(str(path)) as src:
        try:
            healthy = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in src.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            healthy = False
        if not healthy:
            raise BackupError(f"{path} is not an intact SQLite database.")
        if "alembic_version" not in tables:
            raise BackupError(f"{path} is not a Verbeterbord database.")
        with _sqlite(target) as dst:
            dst.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)


class _sqlite:
    """A sqlite3 connection that is closed (not only committed) at the end of a `with`."""

    def __init__(self, filename):
        self.connection = sqlite3.connect(filename)

    def __enter__(self):
        return self.connection

    def __exit__(self, *_exc):
        self.connection.close()


def _pg_environment(url):
    """libpq environment variables for a SQLAlchemy URL, and the schema it searches, if any."""
    parsed = make_url(url)
    env = dict(os.environ)
    for name, value in (("PGHOST", parsed.host), ("PGPORT", parsed.port),
                        ("PGUSER", parsed.username), ("PGPASSWORD", parsed.password),
                        ("PGDATABASE", parsed.database)):
        if value is not None:
            env[name] = str(value)
    for key, name in LIBPQ_QUERY.items():
        if key in parsed.query:
            env[name] = str(parsed.query[key])
    options = unquote(str(parsed.query.get("options", "")))
    schema = None
    if options.startswith("-csearch_path="):
        schema = options.split("=", 1)[1].split(",")[0].strip()
        env["PGOPTIONS"] = options
    return env, schema


def _run(command, env):
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).")
    result = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _pg_dump(url, path):
    env, schema = _pg_environment(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(path)]
    if schema:  # the app's tables live in one schema of a shared database: dump only that
        command.append(f"--schema={schema}")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    _run(command, env)


def _pg_restore(url, path):
    env, _schema = _pg_environment(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", f"--dbname={env.get('PGDATABASE', '')}", str(path)], env)
