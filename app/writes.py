"""The one write door: every write runs a service in a write transaction, then publishes.

Routes, the API, socket handlers, the admin pages and the CLI never open a write session
themselves (a test holds that): they call `write(service, ...)`. Whatever the service
returns that carries changes (a Change, or a result with `.changes`) is broadcast after
the commit, so a change that is written but not broadcast cannot happen.
"""

from flask import g

from boards.changes import Change, GoalChange, IndicatorChange
from boards.db import end_read

from . import database
from .broadcast import publish


def write(service, *args, **kwargs):
    """Run `service(session, *args, **kwargs)` in one write transaction; publish its changes."""
    try:
        with database.database().writer() as session:
            result = service(session, *args, **kwargs)
            session.commit()  # a no-op when the service committed itself
    finally:
        # The request's read transaction began before this write; end it so that
        # later reads see the change (a SQLite snapshot would otherwise hide it). With a
        # commit: it wrote nothing, and a rollback would drop PostgreSQL's prepared statements.
        if "db_reader" in g:
            end_read(g.db_reader)
    for change in changes_in(result):
        publish(change)
    return result


def changes_in(result):
    """The Changes a service returned: one, or a result's `.changes`."""
    if isinstance(result, (Change, GoalChange, IndicatorChange)):
        return [result]
    return list(getattr(result, "changes", None) or ())
