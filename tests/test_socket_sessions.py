"""A socket lasts no longer than the browser login or bearer token it connected with.

Real servers on a clock the test moves (tests/clock_wsgi.py), with real Socket.IO clients: the
login's idle time (10 hours here) counts from the last HTTP request or handled socket event, its
absolute time (1 day here) from logging in; the server checks its sockets every 0.2 s.
"""

import time

import pytest
import requests
from socketio.exceptions import ConnectionError as SocketRefused
from sqlmodel import select

from boards import people
from boards.db import Database
from boards.models import ApiToken, Person
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD
from .live import LiveClock, LiveServer, login_session
from .socketclients import BoardClient, cookie_header, csrf_token

pytestmark = pytest.mark.live

CHECK = 0.2  # seconds between the server's checks of its sockets
IDLE_MINUTES, MAX_DAYS = 600, 1


def _server(folder, copy, check):
    clock = LiveClock(folder / "clock")
    env = {"TEST_CLOCK_FILE": str(clock.path), "SOCKET_SESSION_CHECK_SECONDS": str(check),
           "SESSION_IDLE_MINUTES": str(IDLE_MINUTES), "SESSION_MAX_DAYS": str(MAX_DAYS)}
    return clock, LiveServer(copy.url, wsgi="tests.clock_wsgi:app", extra_env=env,
                             log_path=folder / "server.log")


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_templates):
    """A server that checks its sockets every CHECK seconds."""
    folder = tmp_path_factory.mktemp("socket-sessions")
    copy = sqlite_templates.copy(folder, with_world=True)
    clock, server = _server(folder, copy, CHECK)
    db = Database(copy.url)
    with server:
        yield server.url, clock, db, copy.world
    db.dispose()


@pytest.fixture(scope="module")
def unchecked_site(tmp_path_factory, sqlite_templates):
    """A server whose periodic check never comes in time: only the events' own check acts."""
    folder = tmp_path_factory.mktemp("socket-sessions-unchecked")
    copy = sqlite_templates.copy(folder, with_world=True)
    clock, server = _server(folder, copy, 3600)
    with server:
        yield server.url, clock, copy.world


@pytest.fixture
def clients():
    made = []
    yield made
    for client in made:
        client.close()


def _browser_socket(url, world, clients, email="anna@test.example"):
    http = login_session(url, email, PASSWORD)
    client = BoardClient(url, cookie=cookie_header(http)).connect()
    clients.append(client)
    client.join(world.wonen)
    return client


def _ended(client, timeout=5 * CHECK + 2):
    """The reason of the socket's `session.ended`, once it has also been disconnected."""
    assert client.disconnected.wait(timeout), "the socket is still connected"
    reasons = [data["reason"] for event, data in client.received if event == "session.ended"]
    assert len(reasons) == 1, client.received
    return reasons[0]


def _still_connected(client):
    time.sleep(3 * CHECK)  # several checks have run
    assert client.sio.connected and not client.disconnected.is_set(), client.received
    return True


def test_idle_browser_socket_is_ended(site, clients):
    """Watching a board without a request or event for the idle time ends the socket."""
    url, clock, _db, world = site
    clock.set(0)
    anna = _browser_socket(url, world, clients)
    clock.advance(minutes=IDLE_MINUTES - 1)
    assert _still_connected(anna)
    clock.advance(minutes=2)
    assert _ended(anna) == "expired"


def test_socket_events_keep_the_login_in_use_until_its_absolute_end(site, clients):
    """Events count as use: a socket used every 9 hours stays, until a day after logging in."""
    url, clock, _db, world = site
    clock.set(0)
    anna = _browser_socket(url, world, clients)
    for _ in range(2):  # 18 hours, nearly twice the idle time
        clock.advance(hours=9)
        assert anna.call("join", {"board": world.wonen})["ok"] is True
        assert _still_connected(anna)
    clock.advance(hours=5, minutes=59)
    assert _still_connected(anna)
    clock.advance(minutes=2)  # a day and a minute after logging in
    assert _ended(anna) == "expired"


def test_socket_of_a_disabled_account_is_ended(site, clients):
    """A login ended elsewhere (here: the account disabled straight in the database, as another
    process or a script would) ends the socket at the next check."""
    url, clock, db, world = site
    clock.set(0)
    carla = _browser_socket(url, world, clients, "carla@test.example")
    bert = _browser_socket(url, world, clients, "bert@test.example")
    with unit_of_work(db) as session:
        people.change_active(session, session.get(Person, world.carla), False)
        session.commit()
    assert _ended(carla) == "ended"
    assert _still_connected(bert)


def test_logout_tells_the_login_s_other_sockets(site, clients):
    """Logging out in one tab ends the login's socket in another, saying so."""
    url, clock, _db, world = site
    clock.set(0)
    http = login_session(url, "anna@test.example", PASSWORD)
    other_tab = BoardClient(url, cookie=cookie_header(http)).connect()
    clients.append(other_tab)
    other_tab.join(world.wonen)
    answer = http.post(f"{url}/logout", data={"csrf_token": csrf_token(http, f"{url}/me")},
                       allow_redirects=False)
    assert answer.status_code == 302
    assert _ended(other_tab) == "ended"


def test_token_socket_ends_when_its_token_expires_or_is_revoked(site, clients):
    """A bearer-token socket lasts as long as its token."""
    url, clock, db, world = site
    clock.set(0)
    short = _token(url, expires_days=1)
    lasting, revoked = _token(url), _token(url)
    sockets = {name: BoardClient(url, token=token).connect()
               for name, token in (("short", short), ("lasting", lasting), ("revoked", revoked))}
    clients.extend(sockets.values())
    with unit_of_work(db) as session:
        token = session.exec(select(ApiToken).where(
            ApiToken.token_hash == people.token_hash(revoked))).one()
        people.revoke_token(session, token.person_id, token.id)
    assert _ended(sockets["revoked"]) == "ended"
    clock.advance(hours=23, minutes=59)
    assert _still_connected(sockets["short"])
    clock.advance(minutes=2)
    assert _ended(sockets["short"]) == "expired"
    assert _still_connected(sockets["lasting"])


def _token(url, **extra):
    """A new token of bert's through the API."""
    answer = requests.post(f"{url}/api/v1/tokens", json={
        "email": "bert@test.example", "password": PASSWORD, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def test_event_after_expiry_is_refused(unchecked_site, clients):
    """Between two checks, an event on an expired login is refused, and the socket ended."""
    url, clock, world = unchecked_site
    clock.set(0)
    anna = _browser_socket(url, world, clients)
    clock.advance(minutes=IDLE_MINUTES + 1)
    assert anna.sio.connected
    ack = anna.call("join", {"board": world.wonen})
    assert ack["ok"] is False and ack["error"] == "session_ended", ack
    assert "Log opnieuw in" in ack["message"]
    assert _ended(anna) == "expired"


def test_expired_login_cannot_connect_again(unchecked_site, clients):
    """The ended socket's cookie is refused on connect too (the page must log in again)."""
    url, clock, world = unchecked_site
    clock.set(0)
    http = login_session(url, "anna@test.example", PASSWORD)
    cookie = cookie_header(http)
    clock.advance(minutes=IDLE_MINUTES + 1)
    with pytest.raises(SocketRefused):
        BoardClient(url, cookie=cookie).connect()
