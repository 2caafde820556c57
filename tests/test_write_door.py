"""One write door: every kind of write, through every entry, reaches a listening socket."""

import ast
import time
from pathlib import Path

import pytest

from boards.db import Database

from .databases import sqlite_url
from .factories import PASSWORD, build_world
from .live import LiveServer, api_token, login_session
from .socketclients import BoardClient, api, csrf_token

APP = Path(__file__).resolve().parent.parent / "app"


# The security log keeps its own rows (no board change, nothing to publish): it may open a
# writer, and must still never publish.
OWN_WRITERS = {"writes.py", "security_log.py"}


def test_only_the_write_door_opens_a_write_session():
    """No module in app/ but writes.py (and the security log) opens a writer; none but writes.py
    publishes by hand."""
    offenders = []
    for path in APP.glob("*.py"):
        if path.name == "writes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "writer" and \
                    path.name not in OWN_WRITERS and not (
                    isinstance(node.value, ast.Name) and node.value.id == "csv"):
                offenders.append(f"{path.name}:{node.lineno} .writer")
            if isinstance(node, ast.Name) and node.id == "publish" or \
                    isinstance(node, ast.alias) and node.name == "publish":
                offenders.append(f"{path.name}:{getattr(node, 'lineno', '?')} publish")
    assert offenders == []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server on a SQLite file with the test world; cycle 1 began a cycle ago."""
    folder = tmp_path_factory.mktemp("door")
    url = sqlite_url(folder)
    db = Database(url)
    world = build_world(db)
    with LiveServer(url, log_path=folder / "server.log") as server:
        yield server.url, world
    db.dispose()


@pytest.mark.live
def test_every_kind_of_write_is_broadcast(site):
    """Form, htmx, API and socket writes all arrive at a socket watching the board."""
    url, world = site
    watcher = BoardClient(url, token=api_token(url, "carla@test.example", PASSWORD)).connect()
    watcher.join(world.wonen)
    anna = api(url, api_token(url, "anna@test.example", PASSWORD))
    browser = login_session(url, "anna@test.example", PASSWORD)
    csrf = csrf_token(browser, f"{url}/teams/{world.wonen}")
    form = {"csrf_token": csrf}
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf}
    try:
        # A plain form post creates a card.
        created = browser.post(f"{url}/teams/{world.wonen}/actions",
                               data={**form, "title": "Via formulier"}, allow_redirects=False)
        assert created.status_code == 302
        card = _wait_created(watcher, "Via formulier")
        action_id = card["id"]
        # htmx edit, API edit (help request), API move, socket move.
        edited = browser.post(f"{url}/actions/{action_id}", headers=htmx,
                              data={"title": "Via htmx", "version": card["version"],
                                    "owner_id": world.anna})
        assert edited.status_code == 200, edited.text
        watcher.wait_for(action_id, "action.changed", title="Via htmx")
        asked = anna.patch(f"/actions/{action_id}", json={
            "version": 2, "needs_help": True, "help_reason": "Akkoord MT"})
        assert asked.status_code == 200, asked.text
        watcher.wait_for(action_id, "action.changed", needs_help=True)
        # The thread: a note and a resolution, both as forms.
        thread = f"{url}/actions/{action_id}"
        noted = browser.post(f"{thread}/help/notes", data={**form, "text": "Ik bel MT"},
                             allow_redirects=False)
        assert noted.status_code == 302
        _wait_count(watcher, action_id, "action.changed", 3)
        resolved = browser.post(f"{thread}/help/resolve", data={**form, "version": 3},
                                allow_redirects=False)
        assert resolved.status_code == 302
        watcher.wait_for(action_id, "action.changed", needs_help=False, version=4)
        moved = anna.post(f"/actions/{action_id}/move", json={"status": "doing", "version": 4})
        assert moved.status_code == 200, moved.text
        watcher.wait_for(action_id, "action.moved", status="doing")
        mover = BoardClient(url, token=api_token(url, "bert@test.example", PASSWORD)).connect()
        assert mover.move(action_id, "todo", 5)["ok"] is True
        watcher.wait_for(action_id, "action.moved", status="todo", version=6)
        mover.close()
        # Closing the cycle (API): the decided card and its copy in the next cycle.
        closed = anna.post(f"/teams/{world.wonen}/cycles/{world.cycle}/close", json={
            "decisions": [{"action_id": action_id, "decision": "carry"}]})
        assert closed.status_code == 200, closed.text
        copy_id = closed.json()["carried"][0]["id"]
        watcher.wait_for(action_id, "action.changed", version=7)
        watcher.wait_for(copy_id, "action.created", cycle=world.cycle + 1)
        # A plain form delete of the copy.
        deleted = browser.post(f"{url}/actions/{copy_id}/delete",
                               data={**form, "version": 1}, allow_redirects=False)
        assert deleted.status_code == 302
        watcher.wait_for(copy_id, "action.deleted")
        seqs = [data["seq"] for _event, data in watcher.received if "seq" in data]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    finally:
        watcher.close()


def _wait_created(watcher, title):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for event, data in list(watcher.received):
            if event == "action.created" and data["action"]["title"] == title:
                return data["action"]
        time.sleep(0.02)
    raise AssertionError(f"no action.created for {title}: {watcher.received}")


def _wait_count(watcher, action_id, kind, count):
    deadline = time.monotonic() + 5
    while len(watcher.about(action_id, kind)) < count:
        assert time.monotonic() < deadline, watcher.received
        time.sleep(0.02)
