"""Realtime protocol against a real gunicorn server on a migrated SQLite file.

Every test runs against the eventlet worker (the default) and the gevent worker (the way out
now that eventlet is deprecated and gunicorn 26 dropped its worker).
"""

import time
import uuid
from dataclasses import dataclass, field

import pytest
import requests
from socketio.exceptions import ConnectionError as SocketRefused

from boards import actions, catalog, people, teams
from boards.db import Database
from boards.models import Action
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD, World
from .live import LiveServer, api_token, login_session
from .socketclients import BoardClient, api, cookie_header, csrf_token

# Delivery within timeouts against module-wide servers: run apart from the parallel pass.
pytestmark = [pytest.mark.live, pytest.mark.serial]

QUIET = 0.5  # how long "nothing arrives" is watched for


@dataclass
class Site:
    """The running server, its database and who is in it."""

    url: str
    db: Database
    world: World
    dirk: int  # a wonen member whom one test disables
    tokens: dict = field(default_factory=dict)

    def token(self, name):
        """A bearer token for anna, bert, carla, dirk or admin (one per name)."""
        if name not in self.tokens:
            self.tokens[name] = api_token(self.url, f"{name}@test.example", PASSWORD)
        return self.tokens[name]

    def card(self, title="Kaart", status="todo", actor="anna"):
        """A new card on the wonen board, made through the service; returns (id, version)."""
        with unit_of_work(self.db) as session:
            change = actions.create_action(session, getattr(self.world, actor), self.world.wonen,
                                           title=f"{title} {uuid.uuid4().hex[:6]}", status=status)
            return change.action.id, change.action.version

    def api_card(self, action_id, name="anna"):
        """The card as the API's board shows it."""
        board = api(self.url, self.token(name)).get(f"/teams/{self.world.wonen}/board").json()
        return next(
            a for column in board["columns"] for a in column["actions"] if a["id"] == action_id
        )


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def site(request, tmp_path_factory, sqlite_templates):
    """One server per async mode, on a SQLite file with the test world (plus Dirk)."""
    folder = tmp_path_factory.mktemp(f"realtime-{request.param}")
    copy = sqlite_templates.copy(folder, with_world=True)
    db, world = Database(copy.url), copy.world
    with unit_of_work(db) as session:
        dirk = people.create_person(session, name="Dirk Dijkstra", email="dirk@test.example",
                                    password=PASSWORD)
        catalog.add_member(session, world.admin, world.wonen_id, dirk.id)
    with LiveServer(copy.url, log_path=folder / "server.log", async_mode=request.param) as server:
        yield Site(server.url, db, world, dirk.id)
    db.dispose()


@pytest.fixture
def connect(site):
    """connect("bert", board=True) → a connected BoardClient (disconnected after the test)."""
    clients = []

    def make(name=None, *, board=False, **options):
        client = BoardClient(site.url, token=site.token(name) if name else None, **options)
        clients.append(client)
        client.connect()
        if board:
            client.join(site.world.wonen)
        return client

    yield make
    for client in clients:
        client.close()


def test_socket_move_reaches_other_client_as_what_a_move_changes(site, connect):
    """A move by socket is acked with the new state and pushed to the board as `action.moved`:
    the card's id, column, position key and version, and the log's seq; no HTML."""
    card, version = site.card()
    anna, bert = connect("anna", board=True), connect("bert", board=True)
    ack = anna.move(card, "doing", version)
    assert ack["ok"] is True, ack
    assert (ack["action"]["status"], ack["action"]["version"]) == ("doing", version + 1)
    pushed = bert.wait_for(card, "action.moved", status="doing", version=version + 1)
    assert pushed["action"] == {"id": card, "status": "doing", "version": version + 1,
                                "position": ack["action"]["position"]}
    assert set(pushed) == {"action", "seq"} and type(pushed["seq"]) is int
    assert anna.move(card, "done", version + 1)["ok"]
    later = bert.wait_for(card, "action.moved", status="done")
    assert later["seq"] > pushed["seq"]
    assert bert.about(card, "action.changed") == []


def test_join_answers_with_the_newest_log_id(site, connect):
    """The join ack says how far the log is, so a page can tell whether it missed a change."""
    card, version = site.card()
    before = connect("anna").call("join", {"board": site.world.wonen})
    bert = connect("bert", board=True)
    assert connect("anna").move(card, "doing", version)["ok"]
    pushed = bert.wait_for(card, "action.moved", status="doing")
    assert pushed["seq"] > before["seq"]
    for room in ({"board": site.world.wonen}, {"overview": True}, {"me": True}):
        assert connect("carla").call("join", room) == {"ok": True, "seq": pushed["seq"]}


def test_overview_and_owner_rooms_receive_changes(site, connect):
    """The overview room and the owner's own room get the change too, without joining the board."""
    card, version = site.card()
    overview, owner = connect("carla"), connect("anna")
    assert overview.call("join", {"overview": True})["ok"] is True
    assert owner.call("join", {"me": True})["ok"] is True
    assert connect("bert").move(card, "doing", version)["ok"]
    for client in (overview, owner):
        client.wait_for(card, "action.moved", status="doing")


def test_api_move_reaches_socket_clients(site, connect):
    """A move through the JSON API is answered with, and pushed to the board as, the new state."""
    card, version = site.card()
    bert = connect("bert", board=True)
    response = api(site.url, site.token("anna")).post(
        f"/actions/{card}/move", json={"status": "doing", "version": version})
    assert response.status_code == 200, response.text
    pushed = bert.wait_for(card, "action.moved")
    assert (pushed["action"]["status"], pushed["action"]["version"]) == ("doing", version + 1)
    assert response.json()["action"]["version"] == version + 1


def test_api_create_reaches_socket_clients(site, connect):
    """A card created through the JSON API is answered with 201 and pushed as action.created."""
    bert = connect("bert", board=True)
    title = f"Via de API {uuid.uuid4().hex[:6]}"
    response = api(site.url, site.token("anna")).post(
        f"/teams/{site.world.wonen}/actions", json={"title": title, "status": "doing"})
    assert response.status_code == 201, response.text
    card = response.json()["action"]["id"]
    pushed = bert.wait_for(card, "action.created", title=title, status="doing")
    assert f'id="action-{card}"' in pushed["html"] and type(pushed["seq"]) is int


@pytest.mark.parametrize("auth", [None, {"token": "not-a-real-token"}, {"token": ""}, "token"],
                         ids=["no-auth", "bad-token", "empty-token", "auth-not-a-dict"])
def test_connect_without_valid_credentials_is_refused(site, auth):
    """Without a session cookie or a valid bearer token the socket is refused."""
    client = BoardClient(site.url)
    with pytest.raises(SocketRefused):
        client.sio.connect(site.url, transports=["websocket"], auth=auth, wait_timeout=5)
    assert not client.sio.connected


def test_foreign_origin_is_refused(site, connect):
    """A socket opened from another site's page is refused, even with a valid token."""
    with pytest.raises(SocketRefused):
        connect("anna", origin="http://evil.example")


def test_own_origin_is_accepted(site, connect):
    """The server's own origin may open a socket."""
    assert connect("anna", origin=site.url, board=True).sio.connected


def test_other_team_member_cannot_move(site, connect):
    """Carla (team zorg) gets "forbidden" for a wonen card; nothing changes, nothing is pushed."""
    card, version = site.card()
    anna = connect("anna", board=True)
    carla = connect("carla", board=True)
    ack = carla.move(card, "done", version)
    assert (ack["ok"], ack["error"]) == (False, "forbidden")
    time.sleep(QUIET)
    assert anna.about(card) == [] and carla.about(card) == []
    now = site.api_card(card)
    assert (now["status"], now["version"]) == ("todo", version)


def test_move_on_a_retired_teams_board_is_a_conflict(site, connect):
    """A retired team's board no longer changes: a member's move is refused, nothing is pushed."""
    with unit_of_work(site.db) as session:
        team = catalog.create_team(
            session, site.world.admin, name=f"Archief {uuid.uuid4().hex[:6]}"
        )
        catalog.add_member(session, site.world.admin, team.id, site.world.anna)
        card = actions.create_action(session, site.world.anna, team.slug, title="Opruimen").action
        card_id, version, slug = card.id, card.version, team.slug
        teams.update_team(session, site.world.admin, team.id, retired=True)
    anna, bert = connect("anna"), connect("bert")
    assert bert.join(slug)["ok"] is True
    ack = anna.move(card_id, "done", version)
    assert (ack["ok"], ack["error"]) == (False, "conflict")
    assert ack["message"] == "Dit team is opgeheven; het bord kan niet meer veranderen."
    time.sleep(QUIET)
    assert bert.about(card_id) == []
    with site.db.reader() as session:
        now = session.get(Action, card_id)
        assert (now.status, now.version) == ("todo", version)


def test_stale_version_is_a_conflict(site, connect):
    """A move based on an old version is refused with "conflict" and a message."""
    card, version = site.card()
    anna, bert = connect("anna", board=True), connect("bert", board=True)
    assert bert.move(card, "doing", version)["ok"]
    ack = anna.move(card, "done", version)
    assert (ack["ok"], ack["error"]) == (False, "conflict")
    assert isinstance(ack["message"], str) and ack["message"]
    now = site.api_card(card)
    assert (now["status"], now["version"]) == ("doing", version + 1)


def test_resent_move_with_same_op_id_applies_once(site, connect):
    """Resending a move with the same op_id acks the current state and changes nothing more."""
    card, version = site.card()
    anna, bert = connect("anna", board=True), connect("bert", board=True)
    op_id = uuid.uuid4().hex
    first = anna.move(card, "doing", version, op_id=op_id)
    again = anna.move(card, "doing", version, op_id=op_id)
    assert first["ok"] and again["ok"], (first, again)
    assert first["action"]["version"] == again["action"]["version"] == version + 1
    bert.wait_for(card, "action.moved", status="doing")
    time.sleep(QUIET)
    assert len(bert.about(card, "action.moved")) == 1
    history = api(site.url, site.token("anna")).get(f"/actions/{card}/events").json()["events"]
    assert [e["kind"] for e in history].count("moved") == 1
    assert site.api_card(card)["version"] == version + 1


def test_logout_disconnects_the_login_socket(site, connect):
    """Logging out closes the sockets opened with that login's cookie, not the person's others."""
    http = login_session(site.url, "anna@test.example", PASSWORD)
    browser = connect(cookie=cookie_header(http), board=True)
    other = connect("anna", board=True)
    token = csrf_token(http, f"{site.url}/teams")
    response = http.post(f"{site.url}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status_code == 302
    assert browser.disconnected.wait(5), "the logged-out socket stayed connected"
    assert other.sio.connected and other.join(site.world.wonen)


def test_disabling_a_person_disconnects_their_socket(site, connect):
    """An admin disabling Dirk closes his token socket at once, and his token stops working."""
    dirk = connect("dirk", board=True)
    anna = connect("anna", board=True)
    admin = login_session(site.url, "admin@test.example", PASSWORD)
    token = csrf_token(admin, f"{site.url}/admin/")
    response = admin.post(f"{site.url}/admin/people/{site.dirk}/active",
                          data={"active": "0", "csrf_token": token}, allow_redirects=False)
    assert response.status_code == 302
    assert dirk.disconnected.wait(5), "the disabled person's socket stayed connected"
    assert anna.sio.connected
    with pytest.raises(SocketRefused):
        connect("dirk")


def test_changing_a_password_disconnects_the_persons_sockets(site, connect):
    """A new password ends other logins and every token; their open sockets go at once."""
    carla = connect("carla", board=True)
    anna = connect("anna", board=True)
    carla_api = api(site.url, site.token("carla"))
    new = "een ander lang wachtwoord"
    assert carla_api.post("/me/password", json={"current": PASSWORD, "new": new}).status_code == 204
    assert carla.disconnected.wait(5), "the socket stayed connected after the password changed"
    assert anna.sio.connected
    # Every token of hers ends with the change, the one that asked too.
    assert carla_api.get("/me/actions").status_code == 401
    # Put it back for the other tests of this server, with a token of the new password.
    fresh = api(site.url, api_token(site.url, "carla@test.example", new))
    assert fresh.post("/me/password", json={"current": new, "new": PASSWORD}).status_code == 204
    site.tokens.pop("carla")  # revoked as well: the next test asks for a new one


INVALID_MOVES = {
    "string": lambda card, v: "move it",
    "number": lambda card, v: 42,
    "list": lambda card, v: [card, "doing", v],
    "empty-dict": lambda card, v: {},
    "no-action-id": lambda card, v: {"status": "doing", "version": v},
    "no-status": lambda card, v: {"action_id": card, "version": v},
    "no-version": lambda card, v: {"action_id": card, "status": "doing"},
    "bogus-status": lambda card, v: {"action_id": card, "status": "bogus", "version": v},
    "unhashable-status": lambda card, v: {"action_id": card, "status": ["doing"], "version": v},
    "action-id-text": lambda card, v: {"action_id": "x", "status": "doing", "version": v},
    "action-id-bool": lambda card, v: {"action_id": True, "status": "doing", "version": v},
    "unknown-action": lambda card, v: {"action_id": 10**9, "status": "doing", "version": v},
    "version-text": lambda card, v: {"action_id": card, "status": "doing", "version": str(v)},
    "before-id-text": lambda card, v: {"action_id": card, "status": "doing", "version": v,
                                       "before_id": "x"},
    "short-op-id": lambda card, v: {"action_id": card, "status": "doing", "version": v,
                                    "op_id": "x"},
}
HUGE_IDS = {
    "action-id-huge": lambda card, v: {"action_id": 2**64, "status": "doing", "version": v},
    "before-id-huge": lambda card, v: {"action_id": card, "status": "doing", "version": v,
                                       "before_id": 2**64},
}


@pytest.mark.parametrize("payload", [*INVALID_MOVES.values(), *HUGE_IDS.values()],
                         ids=[*INVALID_MOVES, *HUGE_IDS])
def test_invalid_move_payloads_are_refused(site, connect, payload):
    """Malformed moves get ok False with "invalid" or "not_found"; the card and server stay fine."""
    card, version = site.card()
    anna = connect("anna", board=True)
    ack = anna.call("move", payload(card, version))
    assert ack["ok"] is False and ack["error"] in ("invalid", "not_found"), ack
    assert site.api_card(card)["version"] == version
    assert anna.move(card, "doing", version)["ok"], "the connection stopped working"
    assert requests.get(f"{site.url}/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize("payload, error", [
    ({"board": "bestaat-niet"}, "not_found"), ("wonen", "invalid"), ({}, "invalid"),
    ({"board": 5}, "invalid"), ({"overview": "yes"}, "invalid")],
    ids=["unknown-board", "not-a-dict", "empty", "board-not-text", "overview-not-true"])
def test_bad_join_is_refused(site, connect, payload, error):
    """Joining an unknown board is not_found, a malformed join invalid; the socket stays usable."""
    client = connect("anna")
    ack = client.call("join", payload)
    assert (ack["ok"], ack["error"]) == (False, error), ack
    assert client.join(site.world.wonen)


@pytest.mark.parametrize("event, data", [("move", None), ("join", None), ("move", ({}, 1))],
                         ids=["move-no-data", "join-no-data", "move-two-args"])
def test_event_with_wrong_argument_count_is_acked(site, connect, event, data):
    """An event sent with no data or two arguments still gets an ok False ack."""
    client = connect("anna")
    ack = client.sio.call(event, data, timeout=2)
    assert (ack["ok"], ack["error"]) == (False, "invalid"), ack


def test_delete_and_undo_reach_other_sockets(site, connect):
    """A delete (API) is pushed as action.deleted; its undo (the page's restore) as action.created,
    to the board, the overview and the owner's own room."""
    card, version = site.card()
    bert, overview, owner = connect("bert", board=True), connect("carla"), connect("anna")
    assert overview.call("join", {"overview": True})["ok"] is True
    assert owner.call("join", {"me": True})["ok"] is True
    response = api(site.url, site.token("anna")).delete(f"/actions/{card}",
                                                        json={"version": version})
    assert response.status_code == 200, response.text
    for client in (bert, overview, owner):
        gone = client.wait_for(card, "action.deleted")
        assert type(gone["seq"]) is int
    browser = login_session(site.url, "anna@test.example", PASSWORD)
    token = csrf_token(browser, f"{site.url}/teams/{site.world.wonen}")
    restored = browser.post(f"{site.url}/actions/{card}/restore",
                            headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert restored.status_code == 201, restored.text
    for client in (bert, overview, owner):
        back = client.wait_for(card, "action.created", version=version + 1)
        assert f'id="action-{card}"' in back["html"] and back["seq"] > gone["seq"]
    assert site.api_card(card)["version"] == version + 1
