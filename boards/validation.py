"""Checks for action fields: each returns the clean value or raises Invalid naming the field."""

import unicodedata
from datetime import date

from .access import is_id, is_member
from .errors import N_, Conflict, Invalid
from .models import Ambition, Goal, Person, TeamAmbition
from .numbers import is_int64

TITLE_MAX = 200
NOTES_MAX = 4000
HELP_REASON_MAX = 1000
REPEAT_MAX = 6  # a card repeats every cycle up to every sixth (a quarter of two-week cycles)
# Control characters (line feed, carriage return, tab, NUL, ...) and the line and paragraph
# separators U+2028 and U+2029: none belongs in one line of text.
LINE_BREAKING = {"Cc", "Zl", "Zp"}


def storable(value, field):
    """The text itself, unless it holds what no database stores: lone surrogates, NUL bytes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(N_("This text contains characters that cannot be stored."),
                      field=field) from None
    if "\x00" in value:
        raise Invalid(N_("This text contains characters that cannot be stored."), field=field)
    return value


def one_line(value, field):
    """The text itself, unless it holds a line break or another control character (tab, NUL,
    U+2028...): a name or title goes into e-mail subjects and one-line places."""
    if any(unicodedata.category(char) in LINE_BREAKING for char in value):
        raise Invalid(N_("Use one line, without line breaks or control characters."),
                      field=field)
    return value


def clean_line(value, field, limit=200, *, required=True, missing=None):
    """One line of text (a title, a name): trimmed, storable, without line breaks or control
    characters, at most `limit` characters; `missing` is the message when it is required and
    empty."""
    if value is not None and not isinstance(value, str):
        raise Invalid(N_("This field must be text."), field=field)
    text = one_line(storable(value, field), field).strip() if value is not None else ""
    if required and not text:
        raise Invalid(missing or N_("This field is required."), field=field)
    if len(text) > limit:
        raise Invalid(N_("This text is too long."), field=field)
    return text


def clean_title(value):
    """A trimmed one-line title of 1–200 characters."""
    return clean_line(value, "title", TITLE_MAX, missing=N_("A title is required."))


def clean_text(value, field, limit, *, required=False, missing=None):
    """Text of several lines (notes, a description) up to `limit` characters, trimmed and
    storable; `missing` is the message when it is required and empty."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(N_("This field must be text."), field=field)
    if len(value) > limit:
        raise Invalid(N_("This text is too long."), field=field)
    text = storable(value, field).strip()
    if required and not text:
        raise Invalid(missing or N_("This field is required."), field=field)
    return text


VERSION_MISSING = N_("The version is missing.")
CHANGED_MEANWHILE = N_("Someone else changed this just now. The page shows the current state.")


def check_version(row, version, *, missing=VERSION_MISSING, changed=CHANGED_MEANWHILE):
    """Invalid without a version; Conflict when the row has changed since that version."""
    if not is_int64(version):
        raise Invalid(missing, field="version")
    if version != row.version:
        raise Conflict(changed)


def check_date(value, field, *, required=False):
    """A date, or None when it is not required."""
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise Invalid(N_("Invalid date."), field=field)
    return value


def check_owner(session, owner_id, team):
    """The owner: an active member of the team."""
    if not is_id(owner_id):
        raise Invalid(N_("Choose who owns this action."), field="owner_id")
    owner = session.get(Person, owner_id)
    if owner is None or not owner.active or not is_member(session, owner_id, team.id):
        raise Invalid(N_("The owner must be an active member of the team."), field="owner_id")
    return owner


def check_goal(session, goal_id, team, keep=None):
    """The short-term goal an action serves, or None: an open goal of the team (or of no team)
    under an ambition the team works on. An achieved or retired goal, or one of a retired
    ambition, takes no new actions; a card already under it (`keep`) may stay there."""
    if goal_id is None:
        return None
    if not is_id(goal_id):
        raise Invalid(N_("Unknown goal."), field="goal_id")
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise Invalid(N_("Unknown goal."), field="goal_id")
    if goal.horizon != "short":
        raise Invalid(N_("An action serves a short-term goal."), field="goal_id")
    works_on = session.get(TeamAmbition, (team.id, goal.ambition_id)) is not None
    if not works_on or goal.team_id not in (None, team.id):
        raise Invalid(N_("This goal belongs to an ambition the team does not work on."),
                      field="goal_id")
    retired_ambition = session.get(Ambition, goal.ambition_id).retired
    if (goal.status != "open" or retired_ambition) and goal.id != keep:
        raise Invalid(N_("This goal is achieved or retired; choose an open goal."),
                      field="goal_id")
    return goal


def clean_fields(session, team, fields, current_goal_id=None):
    """The checked values of an edit, by field name (the card's goal may stay even if closed)."""
    values = {}
    if "title" in fields:
        values["title"] = clean_title(fields["title"])
    if "notes" in fields:
        values["notes"] = clean_text(fields["notes"], "notes", NOTES_MAX)
    if "owner_id" in fields:
        values["owner_id"] = check_owner(session, fields["owner_id"], team).id
    if "goal_id" in fields:
        goal = check_goal(session, fields["goal_id"], team, keep=current_goal_id)
        values["goal_id"] = goal.id if goal else None
    if "needs_help" in fields:
        if not isinstance(fields["needs_help"], bool):
            raise Invalid(N_("needs_help must be true or false."), field="needs_help")
        values["needs_help"] = fields["needs_help"]
    if "help_reason" in fields:
        values["help_reason"] = clean_text(fields["help_reason"], "help_reason", HELP_REASON_MAX)
    if "due_date" in fields:
        check_due_date(fields["due_date"])
        values["due_date"] = fields["due_date"]
    if "repeat_every" in fields:
        values["repeat_every"] = check_repeat_every(fields["repeat_every"])
    return values


def check_repeat_every(value):
    """How many cycles until a card comes back: an int from 0 (never) to REPEAT_MAX."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= REPEAT_MAX:
        raise Invalid(N_("Repeat every 0 to 6 cycles (0: not at all)."), field="repeat_every")
    return value


def check_due_date(value):
    """A due date is a date or nothing."""
    return check_date(value, "due_date")
