"""The app's database: one Database per app, one read session per request."""

from contextlib import contextmanager

from flask import current_app, g

from boards.db import Database


def init_app(app, url):
    """Create the app's Database and close each request's session afterwards."""
    app.extensions["verbeterbord.db"] = Database(url)
    app.teardown_appcontext(_close_reader)


def database():
    """The current app's Database."""
    return current_app.extensions["verbeterbord.db"]


def reader():
    """This request's read session."""
    if "db_reader" not in g:
        g.db_reader = database().reader()
    return g.db_reader


@contextmanager
def writer():
    """A write session (context manager); the service in it commits once."""
    try:
        with database().writer() as session:
            yield session
    finally:
        # The request's read transaction began before this write; end it so that
        # later reads see the change (a SQLite snapshot would otherwise hide it).
        if "db_reader" in g:
            g.db_reader.rollback()


def _close_reader(_exc):
    session = g.pop("db_reader", None)
    if session is not None:
        session.close()
