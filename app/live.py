"""Live pages and their socket: the activity log's newest id tells a page whether it missed a
change.

A live page remembers the newest log id from before it read its data; joining its room answers
with the newest id after the join. Equal ids mean nothing changed in between, so the page need
not read its data a second time when its socket first connects.

Ids are handed out when a row is inserted, not when it commits: on PostgreSQL two writes in
flight at once may commit out of id order, and a page rendered in that instant could miss the
earlier one. That needs two concurrent writes within the page's own few milliseconds; the next
reconnect (or change to that card) heals it.
"""

from flask import g, request

from boards.events import latest_id

from . import database

# The pages that include _live_scripts.html. A live page missing here has no id to compare, and
# its script then re-reads once on connect: slower, never stale.
LIVE_PAGES = {"pages.board", "pages.standup", "pages.my_actions", "overview.overview",
              "displays.show"}


def init_app(app):
    """Remember the newest log id before a live page reads anything."""

    @app.before_request
    def remember_log_position():
        if request.endpoint in LIVE_PAGES:
            g.live_seq = latest_id(database.reader())


def log_position_now():
    """The newest log id now (outside the snapshot this request's reader may hold)."""
    reader = database.reader()
    reader.rollback()
    return latest_id(reader)
