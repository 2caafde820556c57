"""Edits based on an older version of a card: keep both people's changes unless they collide.

The edit dialog stays open while others move or edit the card, so its save may carry an older
version. The activity log tells what that version held. A save that changes only fields nobody
else changed since is applied to the card as it is now (a move changes none of the editable
fields); a save that changes a field someone else also changed is refused, naming the fields.
"""

from datetime import date

from sqlmodel import select

from . import events
from .errors import N_, Conflict
from .models import Event

STALE = N_("Someone else changed this card just now. The board shows the current state.")


class EditConflict(Conflict):
    """Someone else changed fields this edit changes too (409); nothing was saved."""

    def __init__(self, clashes, changed):
        super().__init__(N_("Someone else changed this card while you were editing it."),
                         field=clashes[0])
        self.clashes = clashes  # fields both changed, to different values
        self.changed = changed  # every field this edit changes


def logged_state(session, action_id, version):
    """The action's fields at `version` as the log recorded them, or None if it cannot tell."""
    befores = session.exec(select(Event.before).where(Event.action_id == action_id)
                           .order_by(Event.id)).all()
    # Every write that bumps the version logs the state it started from.
    return next((b for b in befores if isinstance(b, dict) and b.get("version") == version), None)


def merge_stale_edit(session, action, version, values):
    """The checked `values` that this edit changes since `version`, to apply to `action` now.

    Raises EditConflict when one of them was changed to something else by someone else since,
    and Conflict when the log does not hold that version's state.
    """
    base = logged_state(session, action.id, version)
    if base is None:
        raise Conflict(STALE)
    now = events.snapshot(action)
    # .get: a field added later (repeat_every) is missing from older entries.
    changed = sorted(name for name, value in values.items()
                     if _logged(value) != base.get(name))
    clashes = [name for name in changed
               if now[name] != base.get(name) and now[name] != _logged(values[name])]
    if clashes:
        raise EditConflict(clashes, changed)
    return {name: values[name] for name in changed}


def _logged(value):
    """A value as the log's snapshots hold it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value
