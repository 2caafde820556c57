"""No GET writes to the database: every page, export and API read, on both databases."""

import re

import pytest
from sqlalchemy import event

from boards import actions, calendar_feed, displays

from .conftest import login
from .factories import PASSWORD

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|BEGIN IMMEDIATE)", re.I)
# Reads that are known to write, on purpose: none.
WRITING_READS = set()


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends, on its read and its write engine."""
    seen = []
    database = app.extensions["verbeterbord.db"]
    engines = {database.read_engine, database.write_engine}

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    def begin(connection):
        seen.append("BEGIN IMMEDIATE" if connection.engine is database.write_engine
                    and database.is_sqlite else "BEGIN")

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
        event.listen(engine, "begin", begin)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "begin", begin)


def _paths(app, values):
    """Every GET route with its parameters filled in."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        yield rule.endpoint, re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_no_get_writes(app, client, db, world, statements):
    """An admin (and a bearer token) opens every page, export and API read: no write at all."""
    with db.writer() as s:
        card = actions.create_action(s, world.anna, "wonen", title="Lezen").action
        _link, token = displays.create_display_link(s, world.admin, label="Hal", team_slug="wonen")
        feed_token = calendar_feed.new_calendar_token(s, world.admin)
    login(client, "admin@test.example")
    bearer = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                 "password": PASSWORD}).get_json()["token"]
    values = {"slug": "wonen", "action_id": card.id, "number": world.cycle, "token": token,
              "feed_token": feed_token}
    paths = list(_paths(app, values))
    paths += [("board next", "/teams/wonen?cycle=next"), ("board earlier", "/teams/wonen?cycle=1"),
              ("cycle 1", "/cycles/1"), ("next review", f"/cycles/{world.cycle + 1}"),
              ("api next", f"/api/v1/teams/wonen/board?cycle={world.cycle + 1}")]
    statements.clear()
    for name, path in paths:
        headers = {"Authorization": f"Bearer {bearer}"} if path.startswith("/api/") else {}
        response = client.get(path, headers=headers)
        # A board's display link has no overview fragment (/live): 404 there.
        expected = (404,) if name == "displays.live" else (200, 302)
        assert response.status_code in expected, (name, path, response.status_code)
        response.get_data()  # streamed exports run here
        writes = [s for s in statements if WRITES.match(s)]
        assert not writes or name in WRITING_READS, (name, path, writes)
        statements.clear()
