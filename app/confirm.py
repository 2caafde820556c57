"""The server side of a destructive act's confirmation box (templates/admin/_confirm.html)."""

from flask import flash, request
from flask_babel import gettext as _


def confirmed():
    """True when the confirmation box was ticked; else a message, and nothing should happen."""
    if request.form.get("confirm") == "yes":
        return True
    # The box is `required` in the page; a post without it (no browser check, an old page)
    # still changes nothing.
    flash(_("Tick the box to confirm."), "error")
    return False
