"""Under eventlet a PostgreSQL query must not stall the server process's other sockets; the pool.

psycopg waits for the server in C unless told otherwise; app/wsgi.py chooses its select-based
wait, which eventlet makes green. Checked in a fresh process set up as gunicorn's eventlet worker
does it (monkey patching, then importing app.wsgi): while one green thread waits 0.3 s for
`pg_sleep`, another must keep running.
"""

import subprocess
import sys
import textwrap

import pytest

from .databases import PG_URL, require_postgres
from .live import ROOT

PROBE = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import os, time
    from sqlalchemy import text
    from app.wsgi import app
    from psycopg import waiting
    engine = app.extensions["verbeterbord.db"].read_engine
    ticks = []
    def ticker():
        for _ in range(60):
            ticks.append(time.perf_counter())
            eventlet.sleep(0.01)
    def query():
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(0.3)"))
    started = time.perf_counter()
    ticking = eventlet.spawn(ticker)
    eventlet.spawn(query).wait()
    ended = time.perf_counter()
    ticking.kill()
    print(waiting.wait.__name__, sum(1 for t in ticks if started < t < ended))
""")


@pytest.mark.postgres
@pytest.mark.serial  # counts a green thread's ticks in 0.3 s: run apart from the parallel pass
def test_a_query_does_not_stall_the_eventlet_server():
    require_postgres()
    env = {"SOCKETIO_ASYNC_MODE": "eventlet", "SECRET_KEY": "probe", "DATABASE_URL": PG_URL,
           "PUBLIC_URL": "http://127.0.0.1:8000",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    wait, ticks = done.stdout.split()[-2:]
    assert wait == "wait_select"
    assert int(ticks) >= 10, "the process stood still while PostgreSQL answered"


def test_pool_size_is_configurable(db_url):
    """DATABASE_POOL_SIZE sets the connections a process keeps (and as many more in a burst)."""
    from .conftest import make_app

    app = make_app(db_url, DATABASE_POOL_SIZE=7)
    try:
        pool = app.extensions["verbeterbord.db"].read_engine.pool
        assert pool.size() == 7 and pool._max_overflow == 7
    finally:
        app.extensions["verbeterbord.db"].dispose()
    default = make_app(db_url)
    try:
        assert default.extensions["verbeterbord.db"].read_engine.pool.size() == 5
    finally:
        default.extensions["verbeterbord.db"].dispose()
