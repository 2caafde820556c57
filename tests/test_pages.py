"""HTML pages and htmx partials: login, CSRF, headers, escaping, read-only boards, language."""

import re

import pytest
from sqlalchemy import event

from app import create_app
from app.config import ConfigError
from app.socket_rooms import ROOMS
from boards import actions
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app


def test_pages_need_login(client):
    """Every page but login and healthz sends strangers to the login page."""
    for path in ("/", "/me", "/teams", "/teams/wonen", "/admin/", "/actions/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_login_logout_and_safe_next(client):
    """Bad password → 401 with a message; good → redirect, never off-site."""
    bad = login(client, "anna@test.example", "wrong password")
    assert bad.status_code == 401 and "klopt niet" in bad.get_data(as_text=True)
    ok = client.post("/login?next=//evil.example/x", data={
        "email": "ANNA@test.example", "password": "correct horse battery"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert client.get("/me").status_code == 200
    client.post("/logout")
    assert client.get("/me").status_code == 302


def test_board_page_shows_goals_columns_and_hooks(client, db, world):
    """The board has its ambition, goal path on cards and the stable page hooks."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, "wonen", title="Belscript",
                                     goal_id=world.short_goal).action
    login(client, "anna@test.example")
    html = client.get("/teams/wonen").get_data(as_text=True)
    for hook in ('data-column="todo"', 'data-column="doing"', 'data-column="done"',
                 f'id="action-{card.id}"', 'data-status="todo"', 'data-version="1"',
                 'id="announcer"', 'aria-live="polite"', 'id="connection"'):
        assert hook in html, hook
    for text in ("Te doen", "Mee bezig", "Klaar", "Dienstverlening dichtbij",
                 "Terugbellen binnen een dag", "Klanttevredenheid een 8", 'data-can-write="true"'):
        assert text in html, text


def test_other_team_reads_board_without_write_controls(client, world):
    """Carla can read team wonen's board, marked read-only."""
    login(client, "carla@test.example")
    html = client.get("/teams/wonen").get_data(as_text=True)
    assert 'data-can-write="false"' in html and 'id="new-action"' not in html


def test_htmx_create_edit_and_conflict(client, world):
    """htmx forms answer with the card; a stale edit triggers a conflict message."""
    login(client, "bert@test.example")
    hx = {"HX-Request": "true"}
    created = client.post("/teams/wonen/actions", data={"title": "Offertes <b>opvragen</b>",
                                                        "owner_id": world.anna}, headers=hx)
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    assert "Offertes &lt;b&gt;opvragen&lt;/b&gt;" in html and "<b>opvragen" not in html
    action_id = int(re.search(r'id="action-(\d+)"', html).group(1))
    edited = client.post(
        f"/actions/{action_id}",
        headers=hx,
        data={"version": "1", "title": "Offertes opvragen", "owner_id": world.anna},
    )
    assert edited.status_code == 200 and 'data-version="2"' in edited.get_data(as_text=True)
    stale = client.post(f"/actions/{action_id}", headers=hx,
                        data={"version": "1", "title": "Oud", "owner_id": world.anna})
    assert stale.status_code == 409 and "conflict" in stale.headers["HX-Trigger"]
    invalid = client.post("/teams/wonen/actions", data={"title": ""}, headers=hx)
    assert invalid.status_code == 422 and "invalid" in invalid.headers["HX-Trigger"]


def test_csrf_is_required_on_forms(db_url, world):
    """With CSRF on, a form post without the token is refused and writes nothing."""
    app = make_app(db_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": "anna@test.example",
                                       "password": "correct horse battery"}).status_code == 400
    client.post("/login", data={"email": "anna@test.example", "password": "correct horse battery",
                                "csrf_token": token})
    refused = client.post("/teams/wonen/actions", data={"title": "Zonder token"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert "Zonder token" not in client.get("/teams/wonen").get_data(as_text=True)


def test_secure_headers(client):
    """CSP without inline script, no framing, no sniffing."""
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_no_default_secret_outside_demo(db_url, monkeypatch):
    """Without SECRET_KEY the app refuses to start unless in demo mode."""
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": db_url, "SECRET_KEY": None, "DEMO": False})


def test_language_switch_to_english(client):
    """Dutch by default; English on request."""
    login(client, "anna@test.example")
    assert "Mijn acties" in client.get("/me").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/me"})
    assert "My actions" in client.get("/me").get_data(as_text=True)


def test_admin_pages_are_for_admins(client, world):
    """A member gets 403 on admin pages; the admin sees people and teams."""
    login(client, "anna@test.example")
    assert client.get("/admin/").status_code == 403
    assert client.post("/admin/teams", data={"name": "Stiekem"}).status_code == 403
    client.post("/logout")
    login(client, "admin@test.example")
    assert client.get("/admin/").status_code == 200
    assert "Carla Çelik" in client.get("/admin/people").get_data(as_text=True)
    assert "Wonen" in client.get("/admin/teams").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/teams/wonen", "/me", "/api/v1/teams/wonen/board"])
def test_query_count_does_not_grow_with_cards(app, client, db, world, path):
    """The same number of SQL statements for 3 cards and for 30."""
    login(client, "anna@test.example")
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}

    def count():
        statements = []
        engine = app.extensions["verbeterbord.db"].read_engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path, headers=headers).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    def add(n):
        with unit_of_work(db) as s:
            for i in range(n):
                actions.create_action(s, world.anna, "wonen", title=f"Kaart {i}",
                                      goal_id=world.short_goal, status=("todo", "doing")[i % 2])

    add(3)
    count()  # warm-up: the first request of a cycle may create its row
    few = count()
    add(27)
    assert count() == few


@pytest.mark.parametrize("path", ["/teams/wonen", "/teams/wonen?cycle=next",
                                  "/api/v1/teams/wonen/board"])
def test_board_reads_nothing_twice(app, client, db, world, path):
    """No statement runs twice with the same parameters for one board (a round trip each on
    PostgreSQL); the HTML page needs only its log position and the header's teams more than
    the JSON board."""
    login(client, "anna@test.example")
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    with unit_of_work(db) as s:
        actions.create_action(s, world.anna, "wonen", title="Kaart", goal_id=world.short_goal)
    statements = []
    engine = app.extensions["verbeterbord.db"].read_engine
    listener = lambda *args: statements.append((args[2], repr(args[3])))  # noqa: E731
    client.get(path, headers=headers)  # warm-up
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(set(statements)) == len(statements), "\n".join(s for s, _p in statements)
    selects = [s for s, _p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= (10 if path.startswith("/teams/") else 8), "\n".join(selects)


def test_copied_cookie_is_worthless_after_logout(app, client, world):
    """Logout ends the login on the server: a copy of the old session cookie is refused."""
    login(client, "anna@test.example")
    cookie = client.get_cookie("session").value
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/me").status_code == 200
    client.post("/logout")
    assert copy.get("/me").status_code == 302


def test_board_of_next_previous_and_unknown_cycles(client, world):
    """?cycle=next plans ahead, an earlier cycle shows (empty), a future one is 404."""
    login(client, "anna@test.example")
    nxt = client.get("/teams/wonen?cycle=next").get_data(as_text=True)
    assert f'name="cycle" value="{world.cycle + 1}"' in nxt
    assert client.get(f"/teams/wonen?cycle={world.cycle - 1}").status_code == 200
    assert client.get(f"/teams/wonen?cycle={world.cycle + 5}").status_code == 404
    assert client.get("/teams/wonen?cycle=soon").status_code == 404


def test_healthz_reports_a_dead_message_queue(db_url, world):
    """With a message queue configured that does not answer, /healthz says so (503)."""
    app = make_app(db_url, SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["queue"] == "down"


def test_an_app_without_sockets_starts_no_kick_listener(db_url, world):
    """The kick channel's listener starts with the first socket, not with the app: an app
    made for a script or a test leaves no task behind (one that kept retrying a dead Redis
    and logging a traceback for the rest of the test process)."""
    app = make_app(db_url, SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:1/0")
    app.test_client().get("/healthz")
    assert app.extensions[ROOMS].redis is not None
    assert not app.extensions[ROOMS].listening
