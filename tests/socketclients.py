"""Real Socket.IO clients for tests: they record every event and every disconnect."""

import re
import threading
import time

import requests
import socketio

CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class BoardClient:
    """A `socketio.Client` over websocket that keeps what the server sends it."""

    def __init__(self, base_url, *, token=None, cookie=None, origin=None):
        extra = {"origin": origin} if origin else None
        self.sio = socketio.Client(reconnection=False, handle_sigint=False,
                                   websocket_extra_options=extra)
        self.base_url, self.token, self.cookie = base_url, token, cookie
        self.received = []
        self.changed = threading.Condition()
        self.disconnected = threading.Event()
        self.refusal = None  # what the server said when it refused to connect
        self.sio.on("*", self._record)
        self.sio.on("disconnect", lambda *_reason: self.disconnected.set())
        self.sio.on("connect_error", self._refused)

    def _record(self, event, data=None):
        with self.changed:
            self.received.append((event, data))
            self.changed.notify_all()

    def _refused(self, data=None):
        self.refusal = data

    def connect(self):
        """Connect (websocket only); raises socketio.exceptions.ConnectionError when refused."""
        self.sio.connect(self.base_url, transports=["websocket"], wait_timeout=5,
                         auth={"token": self.token} if self.token else None,
                         headers={"Cookie": self.cookie} if self.cookie else {})
        return self

    def call(self, event, *data):
        """Emit and wait for the ack."""
        return self.sio.call(event, data[0] if data else None, timeout=5)

    def join(self, slug):
        """Join a board's room; the ack must be ok."""
        ack = self.call("join", {"board": slug})
        assert ack["ok"] is True and type(ack["seq"]) is int, ack
        return ack

    def move(self, action_id, status, version, **extra):
        """Send `move` and return the ack."""
        return self.call("move", {"action_id": action_id, "status": status, "version": version,
                                  "before_id": None, "after_id": None, **extra})

    def about(self, action_id, kind=None):
        """Events received so far about one action (optionally of one kind)."""
        with self.changed:
            return [(event, data) for event, data in self.received
                    if isinstance(data, dict) and (data.get("action") or {}).get("id") == action_id
                    and (kind is None or event == kind)]

    def wait_for(self, action_id, kind, timeout=5.0, **fields):
        """The first `kind` event about the action whose action fields match, or AssertionError."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for _event, data in self.about(action_id, kind):
                    if all(data["action"].get(k) == v for k, v in fields.items()):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no {kind} {fields} for action {action_id}; got {self.received}"
                    )
                self.changed.wait(left)

    def close(self):
        """Disconnect if still connected."""
        if self.sio.connected:
            self.sio.disconnect()


def cookie_header(http):
    """A requests.Session's cookies as one Cookie header."""
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def csrf_token(http, url):
    """The CSRF token of a form on the page at `url`."""
    page = http.get(url)
    assert page.status_code == 200, page.status_code
    return CSRF_RE.search(page.text).group(1)


def api(base_url, token):
    """A requests.Session sending the bearer token, with paths relative to /api/v1."""

    class Api(requests.Session):
        def request(self, method, path, *args, **kwargs):
            return super().request(method, f"{base_url}/api/v1{path}", *args, **kwargs)

    session = Api()
    session.headers["Authorization"] = f"Bearer {token}"
    return session
