"""The one write door: every write runs a service in one unit of work, then publishes.

Routes, the API, socket handlers, the admin pages and the CLI never open a write session
themselves (a test holds that): they call `write(service, ...)`. The unit of work commits
once, with the outbox messages of the Events the service recorded; then whatever the service
returned that carries changes (a Change, or a result with `.changes`) is broadcast, so a
change that is written but not broadcast cannot happen.
"""

from flask import g

from boards.changes import Change, GoalChange, IndicatorChange
from boards.db import end_read
from boards.unit_of_work import unit_of_work

from . import database
from .broadcast import publish


def write(service, *args, **kwargs):
    """Run `service(session, *args, **kwargs)` in one unit of work; publish its changes."""
    try:
        with unit_of_work(database.database()) as session:
            result = service(session, *args, **kwargs)
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
