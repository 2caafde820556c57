"""Against a real gunicorn + eventlet server: revoking a token or changing a password closes the
sockets at once, and password changes (argon2 at production strength) never stall the others."""

import statistics
import threading
import time
import uuid

import pytest
import requests
import socketio
from socketio.exceptions import ConnectionError as SocketRefused

from boards import actions
from boards.db import Database
from boards.models import Action
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD
from .live import LiveServer, api_token, login_session
from .socketclients import BoardClient, api, csrf_token

pytestmark = pytest.mark.live

NEW = "vier losse woorden samen"


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_templates):
    """A server with production argon2 and roomy wrong-password limits (the storm below makes
    wrong guesses on purpose); its database and world."""
    folder = tmp_path_factory.mktemp("recovery-live")
    copy = sqlite_templates.copy(folder, with_world=True)
    db = Database(copy.url)
    # The mover below sends a move every 20 ms, above the socket event budget's default rate
    # (tests/test_flood.py holds that budget): here the budget must not be what refuses a move.
    env = {"LOGIN_LIMIT_ACCOUNT": "1000 per minute", "LOGIN_LIMIT_ADDRESS": "1000 per minute",
           "TOKEN_LIMIT_ADDRESS": "1000 per minute",
           "SOCKET_EVENT_RATE": "1000", "SOCKET_EVENT_BURST": "1000"}
    with LiveServer(copy.url, log_path=folder / "server.log", extra_env=env,
                    fast_hashing=False) as server:
        yield server.url, db, copy.world
    db.dispose()


@pytest.fixture
def clients():
    made = []
    yield made
    for client in made:
        client.close()


def new_card(db, world, actor):
    """A card on the wonen board: (id, version)."""
    with unit_of_work(db) as session:
        change = actions.create_action(session, actor, world.wonen,
                                       title=f"Kaart {uuid.uuid4().hex[:6]}", status="todo")
        return change.action.id, change.action.version


def card_state(db, card):
    with db.reader() as session:
        action = session.get(Action, card)
        return action.status, action.version


def token_id(url, token, caller):
    """The id of `token` among the caller's tokens (the newest one with its name)."""
    rows = api(url, caller).get("/tokens").json()["tokens"]
    return next(row["id"] for row in rows if row["name"] == token)


def test_a_revoked_token_s_socket_is_closed_at_once(site, clients):
    """Within a second of the revocation the socket is told and disconnected; a move sent on it
    straight after the revocation changes nothing; the token cannot connect again."""
    url, db, world = site
    name = f"script {uuid.uuid4().hex[:6]}"
    token = requests.post(f"{url}/api/v1/tokens", json={
        "email": "bert@test.example", "password": PASSWORD, "name": name}).json()["token"]
    other = api_token(url, "bert@test.example", PASSWORD)
    socket = BoardClient(url, token=token).connect()
    clients.append(socket)
    socket.join(world.wonen)
    card, version = new_card(db, world, world.bert)
    assert socket.move(card, "doing", version)["ok"] is True
    revoked_at = time.monotonic()
    answer = api(url, other).delete(f"/tokens/{token_id(url, name, other)}")
    assert answer.status_code == 204
    try:
        ack = socket.move(card, "done", version + 1)
    except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
            socketio.exceptions.DisconnectedError):
        ack = None  # disconnected before the answer: refused all the same
    assert ack is None or ack["ok"] is False, ack
    assert socket.disconnected.wait(max(0.0, revoked_at + 1.0 - time.monotonic())), \
        "the socket of a revoked token is still open a second later"
    assert ("session.ended", {"reason": "ended"}) in socket.received
    assert card_state(db, card) == ("doing", version + 1)
    with pytest.raises(SocketRefused):
        BoardClient(url, token=token).connect()


def test_a_password_change_closes_every_socket_and_ends_every_token(site, clients):
    """A token made before the change answers 401 after it, and its socket closes at once; so
    does the browser login's socket elsewhere. The one who changed stays logged in."""
    url, _db, world = site
    token = api_token(url, "carla@test.example", PASSWORD)
    token_socket = BoardClient(url, token=token).connect()
    browser = login_session(url, "carla@test.example", PASSWORD)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    browser_socket = BoardClient(url, cookie=cookie).connect()
    clients.extend([token_socket, browser_socket])
    here = login_session(url, "carla@test.example", PASSWORD)
    answer = here.post(f"{url}/me/password", allow_redirects=False, data={
        "current": PASSWORD, "new": NEW, "repeat": NEW,
        "csrf_token": csrf_token(here, f"{url}/me/password")})
    changed_at = time.monotonic()  # the answer comes after the commit (argon2 takes a while)
    assert answer.status_code == 302
    for socket in (token_socket, browser_socket):
        assert socket.disconnected.wait(max(0.0, changed_at + 1.0 - time.monotonic()))
    assert api(url, token).get("/me/actions").status_code == 401
    assert browser.get(f"{url}/me", allow_redirects=False).status_code == 302
    assert here.get(f"{url}/me", allow_redirects=False).status_code == 200


class Storm:
    """/healthz polled and a card moved over a socket, side by side, optionally with password
    changes: what each saw."""

    def __init__(self, url, mover, card, version):
        self.url, self.mover, self.card, self.version = url, mover, card, version
        self.status = "todo"  # where the card is
        self.stop = threading.Event()
        self.health, self.changes, self.moves, self.errors = [], [], [], []

    def run(self, *, seconds=None, changes=None):
        """For `seconds`, or while `changes` = (email, rounds) of password changes go on."""
        self.stop.clear()
        self.health, self.changes, self.moves = [], [], []
        parts = [self.poll_health, self.move_cards]
        if changes:
            parts.append(lambda: self.change_passwords(*changes))
        else:
            threading.Timer(seconds, self.stop.set).start()
        threads = [threading.Thread(target=part) for part in parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        return self

    def poll_health(self):
        with requests.Session() as http:
            while not self.stop.is_set():
                started = time.monotonic()
                answer = http.get(f"{self.url}/healthz", timeout=30)
                self.health.append((time.monotonic() - started, answer.status_code))
                time.sleep(0.02)

    def change_passwords(self, email, rounds):
        """Right and wrong current passwords in turn, through the page (it keeps its login)."""
        try:
            http = login_session(self.url, email, PASSWORD)
            token = csrf_token(http, f"{self.url}/me/password")
            current, new = PASSWORD, NEW
            for number in range(rounds):
                right = number % 2 == 0
                answer = http.post(f"{self.url}/me/password", allow_redirects=False, data={
                    "current": current if right else f"wrong {number}", "new": new,
                    "repeat": new, "csrf_token": token})
                self.changes.append((right, answer.status_code))
                if right and answer.status_code == 302:
                    current, new = new, current
        except Exception as error:  # noqa: BLE001  (reported by the test)
            self.errors.append(repr(error))
        finally:
            self.stop.set()

    def move_cards(self):
        while not self.stop.is_set():
            to = "doing" if self.status == "todo" else "todo"
            try:
                ack = self.mover.move(self.card, to, self.version)
            except Exception as error:  # noqa: BLE001  (a timed-out move is a failed move)
                ack = {"ok": False, "error": repr(error)}
            self.moves.append(ack)
            if not ack.get("ok"):
                break
            self.status, self.version = to, ack["action"]["version"]

    def p95(self):
        """The 95th percentile of the /healthz durations."""
        return statistics.quantiles(sorted(took for took, _code in self.health), n=20)[-1]


@pytest.mark.serial  # measures /healthz latency: run alone
def test_password_changes_never_stall_the_server(site, clients):
    """While one person changes passwords (right and wrong, argon2 at production strength),
    another moves cards over Socket.IO: /healthz p95 stays under 100 ms and no move fails.

    Before the fix each change held SQLite's write lock through an argon2 check while other
    writers waited inside SQLite on the event loop's thread: /healthz took up to 10 s and moves
    failed with "database is locked". The same polling and moving without password changes
    first shows what the machine manages at all.
    """
    url, db, world = site
    mover = BoardClient(url, token=api_token(url, "anna@test.example", PASSWORD)).connect()
    clients.append(mover)
    mover.join(world.wonen)
    storm = Storm(url, mover, *new_card(db, world, world.anna))
    baseline = storm.run(seconds=5).p95()
    storm.run(changes=("admin@test.example", 12))
    assert not storm.errors, storm.errors
    assert [code for right, code in storm.changes if right] == [302] * 6, storm.changes
    assert [code for right, code in storm.changes if not right] == [403] * 6, storm.changes
    failed = [ack for ack in storm.moves if not ack.get("ok")]
    assert not failed and len(storm.moves) >= 20, (failed, len(storm.moves))
    assert all(code == 200 for _took, code in storm.health)
    slowest = max(took for took, _code in storm.health)
    report = (f"/healthz p95 {storm.p95() * 1000:.0f} ms (slowest {slowest * 1000:.0f} ms) "
              f"during the changes; {baseline * 1000:.0f} ms without them")
    if storm.p95() >= 0.100 and baseline >= 0.100:
        pytest.skip(f"this machine is too busy to judge 100 ms: {report}")
    assert storm.p95() < 0.100, report
