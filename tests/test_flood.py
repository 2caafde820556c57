"""A socket that floods is refused and then cut off; everyone else keeps working (real server)."""

import json
import subprocess
import sys
import time
import uuid

import pytest

from boards import actions
from boards.db import Database

from .factories import PASSWORD
from .live import ROOT, LiveServer, api_token
from .socketclients import BoardClient

pytestmark = pytest.mark.live

RATE, BURST, CUT_OFF = 5, 10, 50  # small budgets, so the test needs few events


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def site(request, tmp_path_factory, sqlite_templates):
    folder = tmp_path_factory.mktemp(f"flood-{request.param}")
    copy = sqlite_templates.copy(folder, with_world=True)
    db = Database(copy.url)
    env = {"SOCKET_EVENT_RATE": str(RATE), "SOCKET_EVENT_BURST": str(BURST),
           "SOCKET_FLOOD_DISCONNECT": str(CUT_OFF)}
    with LiveServer(copy.url, log_path=folder / "server.log", async_mode=request.param,
                    extra_env=env) as server:
        tokens = {name: api_token(server.url, f"{name}@test.example", PASSWORD)
                  for name in ("anna", "bert", "carla")}
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
    with db.writer() as session:
        change = actions.create_action(session, world.anna, world.wonen,
                                       title=f"Kaart {uuid.uuid4().hex[:6]}")
        return change.action.id, change.action.version


def _timed_move(mover, viewer, card, version, status):
    started = time.monotonic()
    assert mover.move(card, status, version)["ok"]
    viewer.wait_for(card, "action.changed", status=status, timeout=10)
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
    """2,000 moves in a burst from anna's socket (another process): it is disconnected, while bert's move reaches
    carla as fast as before the flood (within a second, and at most a few times the quiet time)."""
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
