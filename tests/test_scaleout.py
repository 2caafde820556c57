"""Two server processes on one PostgreSQL database, joined by the Redis message queue.

Run with the eventlet worker (the default) and with the gevent worker.
"""

import os
import uuid
from dataclasses import dataclass

import pytest
import redis

from boards import actions
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD, World
from .live import LiveServer, api_token, login_session
from .socketclients import BoardClient, api, cookie_header, csrf_token

pytestmark = pytest.mark.live

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis():
    """Skip without Redis, except in CI where it must run."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is required in CI")
        pytest.skip("Redis is not running")


@dataclass
class Cluster:
    """Servers A and B on one database, and who is in it."""

    a: str
    b: str
    db: Database
    world: World
    tokens: dict

    def card(self):
        """A new card on the wonen board with a title no other run uses; returns (id, version)."""
        with unit_of_work(self.db) as session:
            change = actions.create_action(session, self.world.anna, self.world.wonen,
                                           title=f"Schaal {uuid.uuid4().hex}")
            return change.action.id, change.action.version


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def cluster(request, tmp_path_factory, postgres_templates):
    """Two single-worker gunicorn processes sharing a PostgreSQL database and a Redis queue."""
    require_redis()
    folder = tmp_path_factory.mktemp(f"scaleout-{request.param}")
    # A channel of its own: clusters of other test processes (and other people's runs) share
    # this Redis, and their boards have the same ids.
    servers = {"message_queue": REDIS_URL, "async_mode": request.param,
               "extra_env": {"SOCKETIO_CHANNEL": f"vbt-{uuid.uuid4().hex}"}}
    with postgres_templates.copy(with_world=True) as copy:
        db = Database(copy.url)
        with LiveServer(copy.url, log_path=folder / "a.log", **servers) as a, \
                LiveServer(copy.url, log_path=folder / "b.log", **servers) as b:
            tokens = {name: api_token(a.url, f"{name}@test.example", PASSWORD)
                      for name in ("anna", "bert")}
            yield Cluster(a.url, b.url, db, copy.world, tokens)
        db.dispose()


@pytest.fixture
def connect(cluster):
    """connect(server_url, "bert") → a BoardClient joined to the wonen board."""
    clients = []

    def make(url, name=None, cookie=None):
        client = BoardClient(url, token=cluster.tokens[name] if name else None, cookie=cookie)
        clients.append(client)
        client.connect().join(cluster.world.wonen)
        return client

    yield make
    for client in clients:
        client.close()


def test_socket_move_on_b_reaches_client_on_a(cluster, connect):
    """A card moved by a socket on server B is pushed to a board client on server A."""
    card, version = cluster.card()
    watcher = connect(cluster.a, "bert")
    mover = connect(cluster.b, "anna")
    ack = mover.move(card, "doing", version)
    assert ack["ok"], ack
    pushed = watcher.wait_for(card, "action.moved", status="doing", version=version + 1,
                              position=ack["action"]["position"])
    assert type(pushed["seq"]) is int


def test_api_move_on_b_reaches_client_on_a(cluster, connect):
    """A card moved through server B's JSON API is pushed to a board client on server A."""
    card, version = cluster.card()
    watcher = connect(cluster.a, "bert")
    response = api(cluster.b, cluster.tokens["anna"]).post(
        f"/actions/{card}/move", json={"status": "done", "version": version})
    assert response.status_code == 200, response.text
    assert response.json()["action"]["status"] == "done"
    watcher.wait_for(card, "action.moved", status="done", version=version + 1,
                     position=response.json()["action"]["position"])


def test_api_create_on_b_reaches_client_on_a(cluster, connect):
    """A card created through server B's JSON API is pushed as action.created to server A."""
    watcher = connect(cluster.a, "bert")
    title = f"Nieuw {uuid.uuid4().hex}"
    response = api(cluster.b, cluster.tokens["anna"]).post(
        f"/teams/{cluster.world.wonen}/actions", json={"title": title})
    assert response.status_code == 201, response.text
    card = response.json()["action"]["id"]
    pushed = watcher.wait_for(card, "action.created", title=title, status="todo")
    assert f'id="action-{card}"' in pushed["html"]


def test_logout_on_b_disconnects_socket_on_a(cluster, connect):
    """Logging out through server B closes that login's socket held by server A."""
    http = login_session(cluster.a, "anna@test.example", PASSWORD)
    browser = connect(cluster.a, cookie=cookie_header(http))
    other = connect(cluster.a, "anna")
    token = csrf_token(http, f"{cluster.b}/teams")
    response = http.post(f"{cluster.b}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status_code == 302
    assert browser.disconnected.wait(5), "server A kept the logged-out socket"
    assert other.sio.connected
