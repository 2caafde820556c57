"""The edit dialog's form: the values it shows, and showing it again after a conflicting save."""

import json

from flask import make_response, render_template, request
from flask_babel import gettext as _

from boards import cycles, queries
from boards.errors import Invalid
from boards.validation import REPEAT_MAX

from . import database
from .inputs import id_or_none, parse_int

# The form's fields in the order it shows them.
FIELDS = ("title", "notes", "owner_id", "goal_id", "due_date", "repeat_every", "needs_help",
          "help_reason")


def field_labels():
    """The fields' names as the form labels them."""
    return {"title": _("Title"), "notes": _("Notes"), "owner_id": _("Owner"), "goal_id": _("Goal"),
            "due_date": _("Due"), "repeat_every": _("Repeat"), "needs_help": _("Needs help"),
            "help_reason": _("What help is needed?")}


def repeat_choices():
    """The repeat select's options: (cycles, words), 0 for not at all."""
    return [(0, _("Not")), (1, _("Every cycle"))] + [
        (n, _("Every %(n)s cycles", n=n)) for n in range(2, REPEAT_MAX + 1)]


def shown_values(action):
    """The form's values for the card as it is."""
    return {"title": action.title, "notes": action.notes, "owner_id": action.owner_id,
            "goal_id": action.goal_id,
            "due_date": action.due_date.isoformat() if action.due_date else "",
            "repeat_every": action.repeat_every,
            "needs_help": action.needs_help, "help_reason": action.help_reason}


def typed_values(form):
    """What the person had in the form, to show it again exactly as typed."""
    return {"title": form.get("title", ""), "notes": form.get("notes", ""),
            "owner_id": id_or_none(form.get("owner_id")),
            "goal_id": id_or_none(form.get("goal_id")),
            "due_date": form.get("due_date", ""),
            "repeat_every": _repeat(form.get("repeat_every")),
            "needs_help": form.get("needs_help") == "on",
            "help_reason": form.get("help_reason", "")}


def saved_values(card):
    """The card's current values in words, shown beside the fields that clash."""
    action = card.action
    return {"title": action.title, "notes": action.notes, "owner_id": card.owner.name,
            "goal_id": card.goal.title if card.goal else _("No goal"),
            "due_date": action.due_date.strftime("%d-%m-%Y") if action.due_date else "—",
            "repeat_every": dict(repeat_choices()).get(action.repeat_every, "?"),
            "needs_help": _("Yes") if action.needs_help else _("No"),
            "help_reason": action.help_reason}


def render_edit_form(card, *, values, status=200, **extra):
    """The form (a partial for htmx, else a page) on the card's board's members and goals."""
    session = database.reader()
    board = queries.board_view(session, card.team.slug,
                               cycles.cycle_by_number(session, card.cycle_number))
    template = "boards/_edit.html" if request.headers.get("HX-Request") else "boards/edit.html"
    html = render_template(template, card=card, board=board, values=values,
                           repeat_choices=repeat_choices(),
                           clashes=extra.pop("clashes", ()), **extra)
    return make_response(html, status)


def conflict_form(action_id, conflict, form):
    """The form again on the card as it is now: the person's changes kept, the clash named.

    Its version is the current one, so saving again writes the person's values over the
    other change; fields the person did not touch show what the other person saved.
    """
    card = queries.card_for(database.reader(), action_id)
    typed = typed_values(form)
    values = {**shown_values(card.action), **{name: typed[name] for name in conflict.changed}}
    labels = field_labels()
    names = ", ".join(f"‘{labels[name]}’" for name in FIELDS if name in conflict.clashes)
    message = _("Someone else changed %(fields)s while you were editing. Your text is still "
                "here: save to keep yours, or cancel to keep theirs.", fields=names)
    response = render_edit_form(card, values=values, status=409, clashes=conflict.clashes,
                                saved=saved_values(card), message=message)
    if request.headers.get("HX-Request"):
        # Into the open dialog instead of the board; the page also re-reads the board.
        response.headers["HX-Retarget"] = "#editor-body"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["HX-Trigger"] = json.dumps(
            {"vb:error": {"code": conflict.code, "message": message}})
    return response


def _repeat(value):
    try:
        return parse_int(value, "repeat_every") or 0
    except Invalid:
        return 0
