"""One unit of work: the transaction every write runs in, committed once, by its opener.

Services take the session, change rows, record Events (events.record) and return what
changed; they never commit. The unit of work adds the outbox messages those Events call for
in the same transaction (so a committed change never lacks its notifications) and commits
once; any error rolls all of it back, however many services ran inside.
"""

from contextlib import contextmanager

from . import events, outbox


@contextmanager
def unit_of_work(database):
    """A write session of `database`: on success its Events' messages are added and it commits."""
    with database.writer() as session:
        yield session
        outbox.add_notifications(session, events.recorded(session))
        session.commit()
