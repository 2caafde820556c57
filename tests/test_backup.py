"""Backup and restore drill: a backup taken while another process writes, then restored; every
change acknowledged before the backup began is back. Also `db downgrade`."""

import threading
import time

import pytest
import requests
from sqlalchemy import text
from sqlmodel import select

from boards.db import Database
from boards.models import Action

from .conftest import make_app
from .factories import PASSWORD
from .live import LiveServer, api_token


class Writer(threading.Thread):
    """Creates cards through a server's API as fast as it answers; remembers each
    acknowledgement."""

    def __init__(self, url, token):
        super().__init__(daemon=True)
        self.url, self.token = url, token
        self.acked = []  # (title, monotonic time of the 201)
        self.stop = threading.Event()
        self.errors = []  # requests that got no answer

    def run(self):
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.token}"
        n = 0
        while not self.stop.is_set():
            n += 1
            title = f"Drill {n}"
            try:
                response = http.post(
                    f"{self.url}/api/v1/teams/wonen/actions", json={"title": title}, timeout=10
                )
            except requests.RequestException as error:
                # Not acknowledged, so not counted; a write that never ends shows in wait_for.
                self.errors.append(f"{title}: {error!r}")
                continue
            if response.status_code == 201:
                self.acked.append((title, time.monotonic()))

    def wait_for(self, count):
        deadline = time.monotonic() + 30
        while len(self.acked) < count:
            assert time.monotonic() < deadline and self.is_alive(), (len(self.acked), self.errors)
            time.sleep(0.01)


def titles(url):
    database = Database(url)
    with database.reader() as s:
        found = set(s.exec(select(Action.title)).all())
    database.dispose()
    return found


@pytest.mark.live
@pytest.mark.serial  # a writer as fast as the server answers: run apart from the parallel pass
def test_backup_under_write_load_and_restore(db_url, world, tmp_path):
    """Backup during writes; restore refused while serving; restored data has every earlier ack."""
    cli = make_app(db_url).test_cli_runner()
    backup = tmp_path / "verbeterbord.backup"
    with LiveServer(db_url, log_path=tmp_path / "server.log") as server:
        writer = Writer(server.url, api_token(server.url, "anna@test.example", PASSWORD))
        writer.start()
        try:
            writer.wait_for(20)
            started = time.monotonic()
            result = cli.invoke(args=["backup", str(backup)])
            assert result.exit_code == 0, result.output
            finished = time.monotonic()
            writer.wait_for(len(writer.acked) + 20)  # writes go on after the backup
        finally:
            writer.stop.set()
            writer.join(15)
        refused = cli.invoke(args=["restore", str(backup)])
        assert refused.exit_code != 0 and "serving" in refused.output
    assert backup.stat().st_mode & 0o777 == 0o600
    before = {title for title, at in writer.acked if at < started}
    after = {title for title, at in writer.acked if at > finished}
    assert len(before) >= 20 and after
    assert after <= titles(db_url)  # the live database has the later writes, before the restore
    result = cli.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    restored = titles(db_url)
    assert before <= restored, sorted(before - restored)
    assert not after & restored  # written after the backup ended: gone again
    # The restored database serves: log in and read the board.
    with LiveServer(db_url, log_path=tmp_path / "again.log") as server:
        token = api_token(server.url, "anna@test.example", PASSWORD)
        board = requests.get(f"{server.url}/api/v1/teams/wonen/board",
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert board.status_code == 200
        shown = {a["title"] for column in board.json()["columns"] for a in column["actions"]}
        assert before <= shown


def test_restore_refuses_what_is_not_a_backup(db_url, world, tmp_path):
    """A file that is no backup is refused and the database stays as it was."""
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    kept = titles(db_url)
    result = make_app(db_url).test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert titles(db_url) == kept


def test_db_downgrade_and_upgrade_again(db_url, world):
    """`flask db downgrade` undoes the newest migration (its table goes); upgrade brings it back."""
    app = make_app(db_url)
    cli = app.test_cli_runner()
    database = app.extensions["verbeterbord.db"]

    def has_security_log():
        with database.reader() as s:
            try:
                s.execute(text("SELECT count(*) FROM securityevent"))
                return True
            except Exception:
                return False

    assert has_security_log()
    database.dispose()
    result = cli.invoke(args=["db", "downgrade", "0005"])
    assert result.exit_code == 0, result.output
    assert not has_security_log()
    database.dispose()
    assert cli.invoke(args=["db", "upgrade"]).exit_code == 0
    assert has_security_log()
    database.dispose()


def test_postgres_tools_get_the_url_in_their_environment():
    """pg_dump/pg_restore get host, user, password and schema from the URL, not on a command
    line."""
    from app.backup import _pg_environment
    env, schema = _pg_environment(
        "postgresql+psycopg://vb:ge%40heim@db.example:5433/verbeterbord"
        "?sslmode=require&options=-csearch_path%3Dboard")
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == (
        "db.example", "5433", "vb", "ge@heim", "verbeterbord")
    assert env["PGSSLMODE"] == "require" and schema == "board"


def test_serving_markers(tmp_path):
    """A live process serving this database counts; a killed one's marker or another database
    not."""
    import json
    import os
    import subprocess
    import sys

    from app.serving import mark_serving, serving_processes
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert serving_processes(tmp_path, url) == []
    mark_serving(tmp_path, url)
    assert serving_processes(tmp_path, url) == [os.getpid()]
    assert serving_processes(tmp_path, f"sqlite:///{tmp_path / 'b.db'}") == []
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / "serving" / f"{gone}.json"
    stale.write_text(json.dumps({**json.loads((tmp_path / "serving" / f"{os.getpid()}.json")
                                              .read_text()), "pid": int(gone)}))
    assert serving_processes(tmp_path, url) == [os.getpid()] and not stale.exists()
    (tmp_path / "serving" / f"{os.getpid()}.json").unlink()
