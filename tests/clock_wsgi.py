"""The app for live tests on a clock the test moves: `gunicorn tests.clock_wsgi:app`.

Its time is the real time plus the seconds written in the file TEST_CLOCK_FILE (missing or
empty: none), read on every look at the clock, so a test moves the server's clock by writing
the file (tests/live.py LiveClock).
"""

import os
from datetime import timedelta
from pathlib import Path

from app import create_app
from boards.models import utcnow

if os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet") == "eventlet":
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")  # as in app/wsgi.py

_OFFSET_FILE = Path(os.environ["TEST_CLOCK_FILE"])


def clock():
    """The real time, moved on by the test."""
    try:
        offset = float(_OFFSET_FILE.read_text() or 0)
    except FileNotFoundError:
        offset = 0.0
    return utcnow() + timedelta(seconds=offset)


app = create_app({"CLOCK": clock})

