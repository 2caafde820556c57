"""The app's clock: config CLOCK when set (tests freeze time with it), else the real time."""

from flask import current_app

from boards.models import utcnow


def now(app=None):
    """The app's current time, an aware UTC datetime. `app`: for code outside an app context
    (socket event guards, background tasks)."""
    return ((app or current_app).config.get("CLOCK") or utcnow)()
