"""Sockets per person and token, and connects per address, are limited (real servers, real
Socket.IO clients; the production defaults: 20 sockets, 60 connects a minute)."""

import json
import subprocess
import sys
import uuid

import pytest
from socketio.exceptions import ConnectionError as SocketRefused

from .factories import PASSWORD
from .live import ROOT, LiveServer, api_token
from .socketclients import BoardClient
from .test_scaleout import REDIS_URL, require_redis

pytestmark = pytest.mark.live

PER_TOKEN = 20  # SOCKETS_PER_TOKEN and SOCKETS_PER_PERSON by default
RETRY = 30  # SOCKET_LIMIT_RETRY_SECONDS by default


@pytest.fixture
def clients():
    made = []
    yield made
    for client in made:
        client.close()


def _server(tmp_path_factory, sqlite_templates, name, **options):
    folder = tmp_path_factory.mktemp(name)
    copy = sqlite_templates.copy(folder, with_world=True)
    return copy, LiveServer(copy.url, log_path=folder / "server.log", socket_limits=True,
                            **options)


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_templates):
    """A server with the production limits."""
    copy, server = _server(tmp_path_factory, sqlite_templates, "socket-limits")
    with server:
        yield server.url, copy.world


def _connect(url, clients, token):
    client = BoardClient(url, token=token).connect()
    clients.append(client)
    return client


def _refusal(url, token):
    client = BoardClient(url, token=token)
    with pytest.raises(SocketRefused):
        client.connect()
    return client.refusal


def test_the_21st_socket_of_a_token_is_refused_until_one_closes(site, clients):
    """20 sockets on one token connect; the 21st is refused with `too_many_sockets`, how long
    to wait and a message; another person still connects; closing one makes room again."""
    url, world = site
    anna, bert = (api_token(url, f"{name}@test.example", PASSWORD) for name in ("anna", "bert"))
    sockets = [_connect(url, clients, anna) for _ in range(PER_TOKEN)]
    refusal = _refusal(url, anna)
    assert refusal["message"] == "too_many_sockets", refusal
    assert refusal["data"]["retry_after"] == RETRY
    assert "te veel verbindingen" in refusal["data"]["message"], refusal  # Dutch by default
    _connect(url, clients, bert).join(world.wonen)  # others are not affected
    sockets[0].close()
    assert sockets[0].disconnected.wait(5)
    again = _connect(url, clients, anna)
    again.join(world.wonen)
    assert all(client.sio.connected for client in sockets[1:])


def test_a_person_s_sockets_count_over_all_their_tokens(site, clients):
    """12 sockets on one token and 8 on another of the same person: the person holds 20, so a
    9th on the second token is refused although that token holds only 8."""
    url, _world = site
    first, second = (api_token(url, "carla@test.example", PASSWORD) for _ in range(2))
    for _ in range(12):
        _connect(url, clients, first)
    for _ in range(8):
        _connect(url, clients, second)
    assert _refusal(url, second)["message"] == "too_many_sockets"


def test_a_connect_flood_from_one_address_is_refused(tmp_path_factory, sqlite_templates):
    """One address connecting (and closing) 80 times in a row: 60 are let in, the rest are
    refused with `rate_limited` and the seconds until the minute's window lets one in."""
    _copy, server = _server(tmp_path_factory, sqlite_templates, "connect-flood")
    with server:
        token = api_token(server.url, "bert@test.example", PASSWORD)
        out = subprocess.run([sys.executable, "-m", "tests.flooder", "connects", server.url,
                              token, "80"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=True).stdout
    result = json.loads(out)
    assert result["accepted"] == 60 and result["refused"] == 20, result
    for refusal in result["refusals"]:
        assert refusal["message"] == "rate_limited", refusal
        assert 1 <= refusal["data"]["retry_after"] <= 60 and refusal["data"]["message"]


def test_counts_hold_across_processes_with_redis(tmp_path_factory, sqlite_templates, clients):
    """Two processes sharing Redis: 10 sockets of a token on each fill its 20, so the 21st is
    refused on either; a socket closed on one makes room on the other. The connect rate per
    address (40 a minute here) counts the connects of both processes together."""
    require_redis()
    folder = tmp_path_factory.mktemp("socket-limits-redis")
    copy = sqlite_templates.copy(folder, with_world=True)
    env = {"SOCKETIO_CHANNEL": f"limits-{uuid.uuid4().hex}",
           "SOCKET_CONNECT_LIMIT_ADDRESS": "40 per minute"}
    options = {"message_queue": REDIS_URL, "socket_limits": True, "extra_env": env}
    with LiveServer(copy.url, log_path=folder / "a.log", **options) as a, \
            LiveServer(copy.url, log_path=folder / "b.log", **options) as b:
        token = api_token(a.url, "anna@test.example", PASSWORD)
        on_a = [_connect(a.url, clients, token) for _ in range(10)]
        for _ in range(10):
            _connect(b.url, clients, token)
        assert _refusal(a.url, token)["message"] == "too_many_sockets"
        assert _refusal(b.url, token)["message"] == "too_many_sockets"
        on_a[0].close()
        assert on_a[0].disconnected.wait(5)
        _connect(b.url, clients, token).join(copy.world.wonen)
        for client in on_a[1:]:  # room for the connects below (each closed right away)
            client.close()
        # 23 connects so far; 17 more fit in the minute, alternating between the processes.
        for number in range(17):
            _connect((a, b)[number % 2].url, clients, token).close()
        refusal = _refusal(a.url, token)
        assert refusal["message"] == "rate_limited" and refusal["data"]["retry_after"] >= 1
        assert _refusal(b.url, token)["message"] == "rate_limited"
