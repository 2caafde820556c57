"""Rendered cards, kept per process and keyed by everything a card shows.

A board page renders every card of the board; a card changes far less often than its board is
opened (a kick-off: hundreds of people open the same boards within a minute). So the card macro's
output is kept, keyed by the values of every column of the card's rows (action, owner, team, goal,
long-term goal, ambition), the page's fixed card texts and links (language, URL prefix) and
today's date (for anything that depends on the day). A change to any of them is a new key, so a
kept card is never stale; nothing needs to be invalidated. Old keys simply stop being asked for;
the whole cache is dropped when it holds more than MAX_CARDS (≈ 1.1 KB each).

The macro may read only its card and its texts (and globals that do not vary per request): a
card that showed something about the viewer would need the viewer in the key.
"""

from operator import itemgetter

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from boards.cycles import today_local
from boards.models import Action, Ambition, Goal, Person, Team

MAX_CARDS = 20_000


def _row_getter(model, leave_out=()):
    """The values of a row's columns, straight from the instance's loaded state (C speed)."""
    return itemgetter(*(name for name in model.__table__.columns.keys() if name not in leave_out))


_ACTION, _TEAM = _row_getter(Action), _row_getter(Team)
_PERSON = _row_getter(Person, ('password_hash',))
_GOAL, _AMBITION = _row_getter(Goal), _row_getter(Ambition)


def card_key(card):
    """Every column of every row the card shows (KeyError if one is not loaded)."""
    goal, long_goal, ambition = card.goal, card.long_goal, card.ambition
    return (_ACTION(card.action.__dict__), _PERSON(card.owner.__dict__),
            _TEAM(card.team.__dict__), None if goal is None else _GOAL(goal.__dict__),
            None if long_goal is None else _GOAL(long_goal.__dict__),
            None if ambition is None else _AMBITION(ambition.__dict__))


def _texts_key(texts):
    """The page's card texts, language and date: the same for every card of one page."""
    key = getattr(texts, "_cache_key", None)
    if key is None:
        key = (str(get_locale()), today_local(),
               tuple((name, value) for name, value in sorted(vars(texts).items())))
        texts._cache_key = key
    return key


def cached_cards(macro, cards, texts):
    """`macro(card, texts)` for each of the cards, joined, each from the cache when the card
    looked exactly like this before (one template call for a whole column)."""
    cache = current_app.extensions.setdefault("verbeterbord.cards", {})
    page = _texts_key(texts)
    shown = []
    for card in cards:
        try:
            key = (page, card_key(card))
        except (KeyError, AttributeError):  # a row not fully loaded: render, do not keep
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


def cached_card(macro, card, texts):
    """`macro(card, texts)`, from the cache when this card looked exactly like this before."""
    return cached_cards(macro, (card,), texts)


def init_app(app):
    """Make `cached_card` and `cached_cards` available to every template."""
    app.jinja_env.globals.update(cached_card=cached_card, cached_cards=cached_cards)
