"""No GET writes to the database: every page, export and API read, on both databases."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from boards import actions, calendar_feed, displays, password_links
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app
from .factories import PASSWORD, add_indicator
from .oidc import oidc_config, provider_server

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|BEGIN IMMEDIATE)", re.I)
# Reads that are known to write, on purpose: none.
WRITING_READS = set()
# An export or a refused GET writes one row to the security log (and now and then prunes it), in
# a transaction of its own: the record of who read what, not a change to anything a GET shows.
SECURITY_LOG = re.compile(r'^\s*(INSERT INTO|DELETE FROM) "?securityevent"?\s', re.I)


def board_writes(statements):
    """The writing statements, minus the security log's own transactions (BEGIN + its rows)."""
    kept = []
    for statement in statements:
        if SECURITY_LOG.match(statement):
            while kept and kept[-1].strip().upper() == "BEGIN IMMEDIATE":
                kept.pop()  # the begin event and the statement it sends
            continue
        kept.append(statement)
    return [s for s in kept if WRITES.match(s)]


# The one write a read may cause: a bearer token's last use, kept to the hour (so at most once
# an hour per token, never for a session); checked to happen exactly once below.
TOKEN_TOUCH = re.compile(r"^\s*(BEGIN IMMEDIATE|UPDATE apitoken SET last_used_at=.+ WHERE "
                         r"apitoken.id = \S+)\s*$", re.I)


@contextmanager
def recorded_statements(app):
    """Every SQL statement the app sends, on its read and its write engine, while inside."""
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
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine, "begin", begin)


@pytest.fixture
def statements(app):
    """Every SQL statement the test's app sends."""
    with recorded_statements(app) as seen:
        yield seen


def _paths(app, values):
    """Every GET route with its parameters filled in."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        yield (
            rule.endpoint,
            re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule),
        )


def test_no_get_writes(app, client, db, world, statements):
    """An admin (and a bearer token) opens every page, export and API read: no write at all."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, "wonen", title="Lezen").action
        _link, token = displays.create_display_link(s, world.admin, label="Hal", team_slug="wonen")
        link_token = password_links.create_password_link(s, world.admin, world.bert).token
        feed_token = calendar_feed.new_calendar_token(s, world.admin)
    login(client, "admin@test.example")
    bearer = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                 "password": PASSWORD}).get_json()["token"]
    values = {"slug": "wonen", "action_id": card.id, "number": world.cycle, "token": token,
              "link_token": link_token, "person_id": world.anna, "team_id": world.wonen_id,
              "ident": world.anna, "_rest": "Nothing", "feed_token": feed_token,
              "goal_id": world.short_goal, "indicator_id": add_indicator(db, world)}
    paths = list(_paths(app, values))
    paths += [("board next", "/teams/wonen?cycle=next"), ("board earlier", "/teams/wonen?cycle=1"),
              ("cycle 1", "/cycles/1"), ("next review", f"/cycles/{world.cycle + 1}"),
              ("api next", f"/api/v1/teams/wonen/board?cycle={world.cycle + 1}")]
    statements.clear()
    touches = 0
    for name, path in paths:
        headers = {"Authorization": f"Bearer {bearer}"} if path.startswith("/api/") else {}
        response = client.get(path, headers=headers)
        # A board's display link has no overview fragment (/live): 404 there.
        # SCIM is off in this app (no SCIM_TOKEN): 404; tests/test_scim.py reads it switched on.
        # No SECURITY_CONTACT either: no security.txt (tests/test_security_txt.py).
        # No logo is set: /organisation/logo is 404 (tests/test_branding.py serves one).
        off = name.startswith(("scim.", "security_txt.")) or name == "branding.logo"
        expected = (404,) if name == "displays.live" or off else (200, 302)
        assert response.status_code in expected, (name, path, response.status_code)
        response.get_data()  # streamed exports run here
        writes = board_writes(statements)
        if writes and all(TOKEN_TOUCH.match(s) for s in writes) and path.startswith("/api/"):
            touches += 1
            writes = []
        assert not writes or name in WRITING_READS, (name, path, writes)
        statements.clear()
    assert touches == 1  # the token's first use this hour, then no more writes


def test_sign_in_routes_do_not_write(app, client, db_url, world, statements):
    """The provider's routes: 404 without OIDC; with it, starting a sign-in only redirects (its
    state travels in the session cookie) and a callback without that state is refused. No write
    either way: only a callback that signs someone in writes (their login session)."""
    for path in ("/login/oidc", "/login/oidc/callback"):
        assert client.get(path).status_code == 404, path
    assert board_writes(statements) == []
    with provider_server() as server:
        issuer = f"http://localhost:{server.server_port}"
        oidc_app = make_app(db_url, **oidc_config(issuer))
        try:
            browser = oidc_app.test_client()
            with recorded_statements(oidc_app) as seen:
                walked = {rule.endpoint: browser.get(rule.rule)
                          for rule in oidc_app.url_map.iter_rules()
                          if rule.endpoint.startswith("oidc.") and "GET" in rule.methods}
                assert set(walked) == {"oidc.start", "oidc.callback"}
                start = walked["oidc.start"]
                assert start.status_code == 302 and start.location.startswith(issuer)
                assert "session=" in start.headers["Set-Cookie"]
                assert walked["oidc.callback"].status_code == 400
                # The walk in tests/test_safe_output.py does not see these routes: checked here.
                assert all(r.headers["Cache-Control"] == "no-store" for r in walked.values())
                assert board_writes(seen) == []
        finally:
            oidc_app.extensions["verbeterbord.db"].dispose()
