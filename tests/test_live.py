"""Live pages carry the activity log's newest id, read before the page's data."""

import re

import pytest
from sqlalchemy import event

from boards import actions
from boards.unit_of_work import unit_of_work

from .conftest import login

SEQ = re.compile(r'<meta name="vb-seq" content="(\d+)">')


def seq_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    found = SEQ.search(response.get_data(as_text=True))
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("path", ["/teams/wonen", "/teams/wonen/standup", "/me", "/overview"])
def test_live_pages_carry_the_newest_log_id(client, db, world, path):
    """Every page with live updates names the newest log id; a change moves it on."""
    login(client, "anna@test.example")
    first = seq_of(client, path)
    with unit_of_work(db) as s:
        change = actions.create_action(s, world.anna, world.wonen, title="Nieuw")
    assert first is not None and first < change.event.id
    assert seq_of(client, path) == change.event.id


def test_the_log_id_is_read_before_the_board(app, client, world):
    """Read first, so a change committed while the page is built is caught when it joins."""
    login(client, "anna@test.example")
    statements = []
    engine = app.extensions["verbeterbord.db"].read_engine
    listener = lambda *args: statements.append(args[2].lower())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/teams/wonen").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    log = next(i for i, sql in enumerate(statements) if "max(event.id)" in sql)
    board = next(i for i, sql in enumerate(statements) if "from action" in sql)
    assert log < board


def test_other_pages_do_not_read_the_log_id(client, world):
    """Pages without live updates do not pay for the query."""
    login(client, "anna@test.example")
    assert seq_of(client, "/teams") is None
