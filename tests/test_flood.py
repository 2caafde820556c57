"""A socket that floods is refused and then cut off; everyone else keeps working (real server)."""

import json
import subprocess
import sys
import time
import uuid

import pytest
from socketio.exceptions import ConnectionError as SocketRefused

from boards import actions
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD
from .live import ROOT, LiveServer, api_token, login_session
from .socketclients import BoardClient, cookie_header

# Compares a move's time during a flood with a quiet one: run apart from the parallel pass.
pytestmark = [pytest.mark.live, pytest.mark.serial]

RATE, BURST, CUT_OFF = 5, 10, 50  # small budgets, so the test needs few events
COOL_DOWN = 3  # seconds a flooder is refused on connect


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def site(request, tmp_path_factory, sqlite_templates):
    folder = tmp_path_factory.mktemp(f"flood-{request.param}")
    copy = sqlite_templates.copy(folder, with_world=True)
    db = Database(copy.url)
    env = {"SOCKET_EVENT_RATE": str(RATE), "SOCKET_EVENT_BURST": str(BURST),
           "SOCKET_FLOOD_DISCONNECT": str(CUT_OFF), "SOCKET_FLOOD_COOLDOWN": str(COOL_DOWN)}
    with LiveServer(copy.url, log_path=folder / "server.log", async_mode=request.param,
                    extra_env=env) as server:
        tokens = {name: api_token(server.url, f"{name}@test.example", PASSWORD)
                  for name in ("anna", "bert", "carla", "admin")}
        yield server.url, db, copy.world, tokens
    db.dispose()


@pytest.fixture
def clients():
    made = []
    yield made
    for client in made:
        client.close()


def _client(site, clients, name):
    url, _db, world, tokens = site
    client = BoardClient(url, token=tokens[name]).connect()
    clients.append(client)
    client.join(world.wonen)
    return client


def _card(site):
    _url, db, world, _tokens = site
    with unit_of_work(db) as session:
        change = actions.create_action(session, world.anna, world.wonen,
                                       title=f"Kaart {uuid.uuid4().hex[:6]}")
        return change.action.id, change.action.version


def _timed_move(mover, viewer, card, version, status):
    started = time.monotonic()
    ack = mover.move(card, status, version)
    assert ack["ok"], ack
    viewer.wait_for(card, "action.moved", status=status, timeout=10)
    return time.monotonic() - started


def test_events_beyond_the_budget_are_refused_with_an_ack_error(site, clients):
    """A burst beyond the budget: the extra events get {"ok": false, "error": "rate_limited"};
    after a pause the socket works again and stays connected."""
    anna = _client(site, clients, "anna")
    acks = [anna.call("join", {"board": site[2].wonen}) for _ in range(BURST + 5)]
    refused = [ack for ack in acks if ack.get("ok") is False]
    assert len(refused) >= 4, acks
    assert all(ack["error"] == "rate_limited" and ack["message"] for ack in refused)
    assert "Te veel" in refused[0]["message"]  # Dutch by default
    time.sleep(2 * BURST / RATE)
    assert anna.call("join", {"board": site[2].wonen})["ok"] is True
    assert anna.sio.connected


def test_flooding_socket_is_cut_off_and_others_keep_working(site, clients):
    """2,000 moves in a burst from anna's socket (another process): it is disconnected, while
    bert's move reaches carla as fast as before the flood (within a second, and at most a few
    times the quiet time)."""
    bert, carla = (_client(site, clients, name) for name in ("bert", "carla"))
    card, version = _card(site)
    quiet = _timed_move(bert, carla, card, version, "doing")

    flood_card, _flood_version = _card(site)
    url, _db, world, tokens = site
    flooder = subprocess.Popen(
        [sys.executable, "-m", "tests.flooder", url, tokens["anna"], world.wonen,
         str(flood_card), "2000"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the flood is under way
    busy = _timed_move(bert, carla, card, version + 1, "done")
    out, _err = flooder.communicate(timeout=30)
    result = json.loads(out)
    assert result["disconnected"], result
    assert result["refused"] > 0 and result["acks"] < result["sent"], result
    assert busy < max(1.0, 5 * quiet), (quiet, busy, result)
    # bert and carla are still connected and still see each other's moves
    assert bert.sio.connected and carla.sio.connected
    _timed_move(bert, carla, card, version + 2, "todo")


def _flood(client, card, count=2000):
    """Moves as fast as the client can send them, unanswered, until the server cuts it off."""
    for _ in range(count):
        if client.disconnected.is_set():
            break
        try:
            client.sio.emit("move", {"action_id": card, "status": "done", "version": 10**6})
        except Exception:  # noqa: BLE001  (cut off mid-flood)
            break
    assert client.disconnected.wait(10), "the flooding socket was not cut off"


def _refused(url, **how):
    client = BoardClient(url, **how)
    with pytest.raises(SocketRefused):
        client.connect()
    return client.refusal


def test_cut_off_flooder_cannot_come_straight_back(site, clients):
    """After a flood cut-off, the person's token and their browser session are refused on
    connect for the cool-down, with how long to wait; others connect and work meanwhile; after
    the cool-down the flooder may connect again."""
    url, _db, world, tokens = site
    bert, carla = (_client(site, clients, name) for name in ("bert", "carla"))
    browser = login_session(url, "admin@test.example", PASSWORD)  # before: a login is a request
    flooder = _client(site, clients, "admin")
    card, version = _card(site)
    _flood(flooder, card)
    cut_off = time.monotonic()

    refusal = _refused(url, token=tokens["admin"])
    assert refusal["message"] == "rate_limited", refusal
    assert 1 <= refusal["data"]["retry_after"] <= COOL_DOWN, refusal
    assert "Te veel berichten" in refusal["data"]["message"]
    assert _refused(url, cookie=cookie_header(browser))["message"] == "rate_limited"

    newcomer = _client(site, clients, "bert")  # others connect, and moves reach everyone
    _timed_move(bert, carla, card, version, "doing")
    newcomer.wait_for(card, "action.moved", status="doing")

    time.sleep(max(0.0, cut_off + COOL_DOWN + 0.2 - time.monotonic()))
    again = _client(site, clients, "admin")
    assert again.sio.connected
    _timed_move(bert, again, card, version + 1, "done")
