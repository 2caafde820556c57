"""A SQLite write waiting for the write lock waits in short steps, yielding in between.

Under eventlet or gevent SQLite's own busy wait runs on the loop's thread and stops every
request of the process; boards/db.py keeps that wait to BUSY_TIMEOUT_MS and does the rest of the
waiting in the `pause` it is given (the async mode's sleep).
"""

import threading
import time
from itertools import pairwise

import pytest
from sqlalchemy import exc, text

from boards import db as db_module
from boards.db import BUSY_TIMEOUT_MS, Database


@pytest.fixture
def url(sqlite_templates, tmp_path):
    """A migrated SQLite file of the test's own."""
    return sqlite_templates.copy(tmp_path, with_world=False).url


class Pauses:
    """A `pause` that notes when it was called, and sleeps for real."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(time.monotonic())
        time.sleep(seconds)


def hold_write_lock(url, seconds, holding):
    """In a thread: take the write lock, keep it `seconds`, then commit."""
    holder = Database(url)

    def run():
        with holder.writer() as session:
            session.execute(text("UPDATE organisation SET name = name"))
            holding.set()
            time.sleep(seconds)
            session.commit()
        holder.dispose()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(5)
    return thread


def test_a_waiting_writer_yields_often_and_gets_the_lock(url):
    """While another writer holds the lock for 0.6 s, the waiting one pauses again and again,
    never longer than a moment apart, and writes once the lock is free."""
    pauses, holding = Pauses(), threading.Event()
    waiting = Database(url, pause=pauses)
    holder = hold_write_lock(url, 0.6, holding)
    started = time.monotonic()
    with waiting.writer() as session:
        session.execute(text("UPDATE organisation SET name = name"))
        session.commit()
    waited = time.monotonic() - started
    holder.join()
    waiting.dispose()
    assert waited >= 0.5, "it did not wait for the holder"
    assert len(pauses.calls) >= 5
    steps = [pauses.calls[0] - started] + [
        later - earlier for earlier, later in pairwise(pauses.calls)]
    # Each step: one try inside SQLite (BUSY_TIMEOUT_MS) plus the previous pause (≤ 50 ms),
    # with room for a busy machine; never the old 10-second wait in C.
    assert max(steps) < BUSY_TIMEOUT_MS / 1000 + 0.05 + 0.15, steps


def test_a_writer_gives_up_after_the_wait(url, monkeypatch):
    """Past WRITE_LOCK_WAIT the writer gets "database is locked", as before."""
    monkeypatch.setattr(db_module, "WRITE_LOCK_WAIT", 0.3)
    pauses, holding = Pauses(), threading.Event()
    waiting = Database(url, pause=pauses)
    holder = hold_write_lock(url, 1.0, holding)
    try:
        with pytest.raises(exc.OperationalError, match="database is locked"):
            with waiting.writer() as session:
                session.execute(text("UPDATE organisation SET name = name"))
        assert pauses.calls
    finally:
        holder.join()
        waiting.dispose()


def test_the_app_waits_with_its_async_mode_s_sleep():
    """The app hands its Database the sleep of its async mode."""
    from app.database import cooperative_sleep
    assert cooperative_sleep("threading") is time.sleep
    eventlet = pytest.importorskip("eventlet")
    assert cooperative_sleep("eventlet") is eventlet.sleep
