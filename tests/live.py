"""Real server processes for tests: gunicorn with the eventlet or gevent worker, as in
production."""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    """A TCP port nobody listens on right now (another process may take it before you do)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reserve_port(port=0):
    """A loopback socket bound (not listening) to `port`, or to a free one: the port stays ours.

    Test processes start servers side by side (pytest-xdist): a port that is only looked up can
    be taken by another process before the server binds it, and a health check would then reach
    someone else's server. gunicorn takes the bound socket over instead (`--bind fd://N`).
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    return sock


# Async modes whose gunicorn worker has the same name (`-k eventlet`, `-k gevent`).
ASYNC_MODES = ("eventlet", "gevent")


class LiveServer:
    """One `gunicorn -k <async_mode> -w 1` process on a free port, stopped on exit.

    `fast_hashing` gives the server the test suite's cheap argon2 parameters (benchmarks, which
    want production behaviour, turn it off). Every test client connects from 127.0.0.1 as one of
    a few people, so the socket limits per address and per person are generous here unless
    `socket_limits` keeps the production defaults (the tests of those limits).
    """

    def __init__(self, db_url=None, *, message_queue=None, log_path=None, extra_env=None,
                 wsgi="app.wsgi:app", async_mode="eventlet", fast_hashing=True,
                 socket_limits=False):
        self._socket = reserve_port()
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.wsgi = wsgi
        if async_mode not in ASYNC_MODES:
            raise ValueError(f"async_mode must be one of {ASYNC_MODES}")
        self.async_mode = async_mode
        # Plain http on loopback: cookies without `Secure` (http clients would not send them).
        env = dict(os.environ, SECRET_KEY="live-test-secret", SECURE_COOKIES="0",
                   SOCKETIO_ASYNC_MODE=async_mode, PYTHONUNBUFFERED="1",
                   PUBLIC_URL=self.url)
        env.pop("VERBETERBORD_DEMO", None)
        if fast_hashing:
            env["VERBETERBORD_FAST_HASHING"] = "1"
        else:
            env.pop("VERBETERBORD_FAST_HASHING", None)
        if not socket_limits:
            env.update(SOCKET_CONNECT_LIMIT_ADDRESS="100000 per minute",
                       SOCKETS_PER_PERSON="100000", SOCKETS_PER_TOKEN="100000")
        if db_url:
            env["DATABASE_URL"] = db_url
        if message_queue:
            env["SOCKETIO_MESSAGE_QUEUE"] = message_queue
        env.update(extra_env or {})
        self.env = env
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        bound = self._socket or reserve_port(self.port)  # a second start: the same port again
        self._socket = None
        with bound:  # the server has its own copy; ours goes, so a stopped server refuses
            self.process = subprocess.Popen(
                [str(GUNICORN), "-k", self.async_mode, "-w", "1", "--no-control-socket",
                 "--bind", f"fd://{bound.fileno()}", "--graceful-timeout", "2", self.wsgi],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, pass_fds=(bound.fileno(),))
        if log is not subprocess.DEVNULL:
            log.close()  # the server writes to its own copy
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.wsgi} did not answer /healthz within 60 s")

    def stop(self):
        """Terminate the process (and wait for it)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *_exc):
        self.stop()


def login_session(base_url, email, password):
    """A requests.Session logged in through the form (CSRF token included)."""
    import re

    http = requests.Session()
    page = http.get(f"{base_url}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = http.post(f"{base_url}/login", data={"email": email, "password": password,
                                                    "csrf_token": token.group(1)},
                         allow_redirects=False)
    assert response.status_code == 302, response.status_code
    return http


def api_token(base_url, email, password):
    """A bearer token from the API."""
    response = requests.post(
        f"{base_url}/api/v1/tokens", json={"email": email, "password": password}
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


class LiveClock:
    """Moves the clock of a live server started with `wsgi="tests.clock_wsgi:app"` and
    TEST_CLOCK_FILE=`path` in its environment."""

    def __init__(self, path):
        self.path, self.offset = Path(path), 0.0
        self.set(0)

    def set(self, seconds):
        """Put the server's clock `seconds` ahead of the real time."""
        self.offset = float(seconds)
        scratch = self.path.with_suffix(".new")  # replaced whole: never read half-written
        scratch.write_text(str(self.offset))
        os.replace(scratch, self.path)

    def advance(self, **delta):
        """Move the server's clock on by a timedelta's worth."""
        self.set(self.offset + timedelta(**delta).total_seconds())
