"""The card macro's texts, and the cards it rendered, kept per process.

A board page renders every card of the board; a card changes far less often than its board is
opened (a kick-off: hundreds of people open the same boards within a minute). So the card macro's
output is kept, keyed by the values of every column of the card's rows (action, owner, team, goal,
long-term goal, ambition), the page's fixed card texts (language), the URL prefix its links start
with and today's date (for anything that depends on the day). A change to any of them is a new
key, so a kept card is never stale; nothing needs to be invalidated. Old keys simply stop being
asked for; the whole cache is dropped when it holds more than MAX_CARDS (≈ 1.1 KB each).

The macro may read only its card, its texts and `url_for` (whose links vary only by the URL
prefix): a card that showed something about the viewer would need the viewer in the key.
tests/test_card_cache.py fails when the macro reads any other name.
"""

from operator import attrgetter
from types import SimpleNamespace

from flask import current_app, has_request_context, request
from flask_babel import get_locale, gettext
from markupsafe import Markup

from boards.cycles import today_local
from boards.models import Action, Ambition, Goal, Person, Team
from boards.validation import REPEAT_MAX

MAX_CARDS = 20_000


def card_text(closed=False):
    """What every card of a page shows alike, in the UI language: built once per page (or
    broadcast) and passed to the card macro (templates/boards/_cards.html). `closed`: the cards
    belong to a cycle their team has closed (they show their outcome, no tools)."""
    return SimpleNamespace(
        closed=closed, today=today_local(),
        no_goal=gettext("No goal"), needs_help=gettext("Needs help"),
        move_prev=gettext("Move to previous column"), move_next=gettext("Move to next column"),
        edit_label=gettext("Edit"), move_to=gettext("Move to…"),
        overdue=gettext("Overdue"), completed=gettext("Completed"),
        carried=gettext("Carried over to cycle %(n)s"), dropped=gettext("Dropped"),
        split=gettext("Split up; the rest continues in cycle %(n)s"),
        not_decided=gettext("Not decided at the close"), repeats=repeat_words())


def repeat_words():
    """How often a card repeats, in the UI language, indexed by its number of cycles (0: not;
    a tuple: the card cache keys on the texts)."""
    return ("",) + tuple(gettext("Repeats every cycle") if n == 1
                         else gettext("Repeats every %(n)s cycles", n=n)
                         for n in range(1, REPEAT_MAX + 1))


def _row_getter(model, leave_out=()):
    """The values of a row's mapped columns, read through the model's public attributes."""
    return attrgetter(*(name for name in model.__table__.columns.keys() if name not in leave_out))


_ACTION, _PERSON = _row_getter(Action), _row_getter(Person, ("password_hash",))
_TEAM, _GOAL, _AMBITION = _row_getter(Team), _row_getter(Goal), _row_getter(Ambition)


def card_key(card):
    """Every column of every row the card shows."""
    goal, long_goal, ambition = card.goal, card.long_goal, card.ambition
    return (_ACTION(card.action), _PERSON(card.owner), _TEAM(card.team),
            None if goal is None else _GOAL(goal),
            None if long_goal is None else _GOAL(long_goal),
            None if ambition is None else _AMBITION(ambition))


def _page_key(texts):
    """The page's card texts, language, date and URL prefix: the same for every card of a page."""
    return (str(get_locale()), today_local(), request.script_root if has_request_context() else "",
            tuple(sorted(vars(texts).items())))


def cached_cards(macro, cards, texts):
    """`macro(card, texts)` for each of the cards, joined, each from the cache when the card
    looked exactly like this before (one template call for a whole column)."""
    cache = current_app.extensions.setdefault("verbeterbord.cards", {})
    page = _page_key(texts)
    shown = []
    for card in cards:
        try:
            key = (page, card_key(card))
        except AttributeError:  # not a card of model rows: render, do not keep
            shown.append(macro(card, texts))
            continue
        html = cache.get(key)
        if html is None:
            html = macro(card, texts)
            if len(cache) >= MAX_CARDS:
                cache.clear()
            cache[key] = html
        shown.append(html)
    # Each is Markup already: a plain join (Markup's own join escapes every piece again).
    return Markup("".join(shown))


def init_app(app):
    """Make `card_text` and `cached_cards` available to every template."""
    app.jinja_env.globals.update(card_text=card_text, cached_cards=cached_cards)
