"""Hostile input to pages, forms and socket events: a clear 4xx or a refusal, never a 500.

The JSON API is fuzzed from its OpenAPI document (test_api_fuzz.py); pages and socket
events get this focused list of what breaks naive parsing: numbers beyond 32 and 64 bits,
digits that are not ASCII, lone surrogates, NUL bytes, lists where scalars belong, deep
nesting and wrong types.
"""

import pytest
import requests
from socketio.exceptions import ConnectionError as SocketRefused

from boards import actions
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD
from .live import LiveServer, api_token
from .socketclients import BoardClient

HUGE = str(2**64)
BIG = str(2**31)  # beyond PostgreSQL's INTEGER keys


def _card(db, world):
    with unit_of_work(db) as s:
        return actions.create_action(s, world.anna, "wonen", title="Doelwit").action.id


GETS = [f"/actions/{HUGE}", f"/actions/{BIG}", f"/actions/{HUGE}/edit", f"/cycles/{HUGE}",
        f"/cycles/{BIG}", "/cycles/0", f"/teams/wonen?cycle={HUGE}", "/teams/wonen?cycle=²",
        "/teams/wonen?cycle=-1", "/teams/wonen?cycle=0", "/teams/wonen?cycle=1e3",
        "/teams/wonen?cycle=%00", f"/teams/wonen/columns?cycle={HUGE}",
        f"/teams/wonen/export.csv?cycle={HUGE}", "/teams/wonen/export.json?cycle=²",
        f"/teams/wonen/print?cycle={BIG}", f"/cycles/{HUGE}/export.csv", "/teams/%ED%A0%80",
        "/teams/%00", f"/teams/{'x' * 5000}", f"/teams/wonen/cycles/{HUGE}/close",
        f"/api/v1/teams/wonen/board?cycle={HUGE}", "/api/v1/teams/wonen/board?cycle=²"]


@pytest.mark.parametrize("path", GETS)
def test_hostile_reads(client, world, path):
    """Out-of-range and malformed ids and numbers in paths and query strings: 404 or 4xx."""
    login(client, "admin@test.example")
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert 400 <= response.status_code < 500, (path, response.status_code)


def _form_posts(card):
    return [
        (f"/actions/{card}", {"title": "x", "version": HUGE}),
        (f"/actions/{card}", {"title": "x", "version": "1", "owner_id": HUGE}),
        (f"/actions/{card}", {"title": "x", "version": "1", "owner_id": BIG}),
        (f"/actions/{card}", {"title": "x", "version": "1", "goal_id": "²"}),
        (f"/actions/{card}", {"title": "x\x00y", "version": "1"}),
        (f"/actions/{card}", {"title": "x", "notes": "\x00", "version": "1"}),
        (f"/actions/{card}", {"title": "x" * 5000, "version": "1"}),
        (f"/actions/{card}/move", {"status": "doing", "version": "1", "before_id": HUGE}),
        (f"/actions/{card}/move", {"status": "doing", "version": "1", "op_id": "\x00" * 10}),
        (f"/actions/{card}/move", {"status": ["doing"], "version": "1"}),
        (f"/actions/{card}/delete", {"version": "-" + HUGE}),
        (f"/actions/{card}/help/notes", {"text": "\x00"}),
        (f"/actions/{card}/help/resolve", {"version": HUGE}),
        ("/teams/wonen/actions", {"title": "x", "cycle": HUGE}),
        ("/teams/wonen/actions", {"title": "x", "cycle": BIG}),
        ("/teams/wonen/actions", {"title": "x", "due_date": "2026-02-30"}),
        ("/teams/wonen/actions", {"title": "\x00"}),
        ("/teams/wonen/cycles/1/retrospective", {"went_well": "\x00"}),
        ("/admin/ambitions", {"title": "x", "order": HUGE}),
        ("/admin/ambitions", {"title": "\x00"}),
        (
            "/admin/goals",
            {"title": "x", "ambition_id": BIG, "horizon": "long", "parent_id": "none"},
        ),
        ("/admin/goals", {"title": "x", "ambition_id": "1", "horizon": "short", "parent_id": HUGE}),
        ("/admin/teams", {"name": "x", "ambition_ids": ["²", HUGE]}),
        ("/admin/teams/1/members", {"person_id": BIG}),
        ("/admin/people", {"name": "\x00", "email": "a@b.example", "password": "x" * 12}),
        ("/admin/people", {"name": "Nul", "email": "nul\x00@b.example", "password": "x" * 12}),
        (f"/admin/people/{BIG}/active", {"active": "0"}),
        ("/admin/cadence", {"cycle_length_days": HUGE, "first_cycle_start": "2026-13-01"}),
        ("/admin/people/1", {"name": "\x00", "email": "x", "active": "on"}),
        (f"/admin/people/{BIG}", {"name": "x", "email": "a@b.example"}),
        ("/admin/people/2/anonymise", {"confirm": "yes"}),
        ("/admin/teams/1", {"name": "x" * 500, "delegate_id": HUGE}),
        ("/admin/teams/1/members/add", {"person_id": "²"}),
        (f"/admin/teams/1/members/{BIG}/remove", {"confirm": "yes"}),
        ("/admin/teams/1/retire", {"retired": "1"}),
        ("/admin/organisation", {"name": "\x00"}),
        ("/admin/organisation/municipalities", {"name": "x" * 500}),
        (f"/admin/organisation/municipalities/{BIG}/remove", {"confirm": "yes"}),
        ("/admin/displays", {"label": "\x00", "team": "wonen"}),
        ("/login", {"email": "a\x00@b.example", "password": "x"}),
    ]


def test_hostile_form_posts(app, client, db, world):
    """Every form refuses hostile values with a 4xx (or a redirect with a message), no 500."""
    card = _card(db, world)
    for who in ("anna@test.example", "admin@test.example"):
        login(client, who)
        for path, data in _form_posts(card):
            response = client.post(path, data=data)
            assert response.status_code < 500, (who, path, data, response.status_code)
            if response.status_code == 302:
                # Admin forms go back with the message flashed: the write did not happen.
                assert "/login" not in response.headers["Location"] or path == "/login"


BODIES = [
    b"[" * 50_000 + b"]" * 50_000,
    b'{"title": "\\ud800"}',
    b'{"title": "\\u0000"}',
    b"",
    b"not json",
    b"null",
    b"[]",
    b'"text"',
    b"1e999999",
    b'{"title": ["x"], "owner_id": {"id": 1}}',
    b'{"title": "x", "goal_id": 9223372036854775808}',
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_hostile_json_bodies(client, world, api_as, body, content_type):
    """Malformed, deep, wrongly typed or unstorable JSON: 400 or 422 with the error body."""
    anna = api_as("anna@test.example")
    response = client.post("/api/v1/teams/wonen/actions", data=body,
                           headers={**anna._headers(), "Content-Type": content_type})
    assert response.status_code in (400, 422), response.status_code
    assert set(response.get_json()) >= {"error", "message"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_templates):
    """A real server on a copy of the world with one card."""
    folder = tmp_path_factory.mktemp("hostile")
    copy = sqlite_templates.copy(folder, with_world=True)
    db = Database(copy.url)
    card = _card(db, copy.world)
    with LiveServer(copy.url, log_path=folder / "server.log") as live:
        yield live.url, copy.world, card
    db.dispose()


@pytest.mark.live
@pytest.mark.parametrize("auth", [{"token": 123}, {"token": ["x"]}, {"token": {"a": 1}},
                                  {"display": []}, {"display": 5}, {"display": "\x00" * 20},
                                  "x", 42, ["token"], {"token": "\ud800"}],
                         ids=lambda a: repr(a)[:30])
def test_hostile_socket_auth_is_refused(server, auth):
    """A malformed `auth` is a refused connection, not a crashed handler."""
    url, _world, _card_id = server
    client = BoardClient(url)
    with pytest.raises(SocketRefused):
        client.sio.connect(url, transports=["websocket"], auth=auth, wait_timeout=5)
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200


EVENTS = [
    ("join", None), ("join", "wonen"), ("join", []), ("join", {"board": 1}),
    ("join", {"board": "\ud800"}), ("join", {"board": "\x00"}), ("join", {"board": "x" * 10_000}),
    ("join", {"overview": "yes"}), ("join", {"me": 1}), ("join", {}),
    ("move", None), ("move", []), ("move", {"action_id": 2**64, "status": "doing", "version": 1}),
    ("move", {"action_id": 2**31, "status": "doing", "version": 1}),
    ("move", {"action_id": "1", "status": "doing", "version": 1}),
    ("move", {"action_id": True, "status": "doing", "version": 1}),
    ("move", {"action_id": 1.5, "status": "doing", "version": 1}),
    ("move", {"action_id": "CARD", "status": {"x": 1}, "version": 1}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 2**64}),
    ("move", {"action_id": "CARD", "status": "doing", "version": "1"}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 1, "before_id": 2**63}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 1, "after_id": [1]}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 1, "op_id": "\x00" * 10}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 1, "op_id": 12345678}),
    ("move", {"action_id": "CARD", "status": "doing", "version": 1, "op_id": "\ud800" * 10}),
]


@pytest.mark.live
def test_hostile_socket_events_are_refused(server):
    """Each hostile `join` or `move` gets an ack {"ok": false, ...}; the server stays well and a
    normal move works afterwards."""
    url, world, card = server
    client = BoardClient(url, token=api_token(url, "anna@test.example", PASSWORD)).connect()
    try:
        for event, payload in EVENTS:
            if isinstance(payload, dict) and payload.get("action_id") == "CARD":
                payload = dict(payload, action_id=card)
            ack = client.call(event, payload)
            assert isinstance(ack, dict) and ack["ok"] is False, (event, payload, ack)
            assert ack["error"] in ("invalid", "not_found", "forbidden", "conflict"), ack
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
        client.join(world.wonen)
        assert client.move(card, "doing", 1)["ok"] is True
    finally:
        client.close()
