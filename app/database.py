"""The app's database: one Database per app, one read session per request (writes: writes.py)."""

import time

from flask import current_app, g

from boards.db import Database, end_read


def init_app(app, url):
    """Create the app's Database and close each request's session afterwards."""
    app.extensions["verbeterbord.db"] = Database(
        url, pool_size=app.config.get("DATABASE_POOL_SIZE"),
        pause=cooperative_sleep(app.config.get("SOCKETIO_ASYNC_MODE")))
    app.teardown_appcontext(_close_reader)


def cooperative_sleep(async_mode):
    """The async mode's sleep: a write waiting for SQLite's write lock lets other greenlets run
    (and so the writer that holds the lock finish) instead of stalling the whole process."""
    if async_mode == "eventlet":
        import eventlet
        return eventlet.sleep
    if async_mode == "gevent":
        import gevent
        return gevent.sleep
    return time.sleep


def database():
    """The current app's Database."""
    return current_app.extensions["verbeterbord.db"]


def reader():
    """This request's read session."""
    if "db_reader" not in g:
        g.db_reader = database().reader()
    return g.db_reader


def _close_reader(_exc):
    session = g.pop("db_reader", None)
    if session is not None:
        try:
            end_read(session)
        finally:
            session.close()
