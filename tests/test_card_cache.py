"""Rendered cards are kept per process (app/card_cache.py): a kept card is never stale.

The board page is rendered twice (the second from the cache) and compared with the card partial
rendered fresh; then what a card shows is changed without touching the card's own row (its
owner's name, its goal's title, its team's name) and in the card itself, and the page must show
each change at once.
"""

import re

from app.card_cache import card_key
from boards import actions, queries
from boards.models import Goal, Person, Team
from boards.unit_of_work import unit_of_work

from .conftest import login


def _card(db, world, title="Kaart in de cache"):
    with unit_of_work(db) as session:
        return actions.create_action(session, world.anna, world.wonen, title=title,
                                     goal_id=world.short_goal).action


def _article(html, action_id):
    found = re.search(rf'<article id="action-{action_id}".*?</article>', html, re.S)
    assert found, html
    return found.group(0)


def _board(client, world):
    response = client.get(f"/teams/{world.wonen}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cache(app):
    return app.extensions.get("verbeterbord.cards", {})


def test_kept_card_is_the_card_rendered_fresh(app, client, db, world):
    """The second page comes from the cache and is byte-identical to the first and the partial."""
    action = _card(db, world)
    login(client, "anna@test.example")
    first = _board(client, world)
    assert len(_cache(app)) >= 1
    second = _board(client, world)
    assert _article(second, action.id) == _article(first, action.id)
    with app.test_request_context():
        from app.broadcast import render_card
        with unit_of_work(db) as session:
            card = queries.card_for(session, action.id)
            assert card_key(card)  # every column loaded: the card can be kept
            fresh = render_card(card)
    assert fresh.strip() == _article(first, action.id).strip()


def test_what_a_card_shows_changes_its_key(app, client, db, world):
    """Owner's name, goal title, team name, the card itself, the language: each shows at once."""
    action = _card(db, world)
    login(client, "anna@test.example")
    assert "Anna Ëlsen" in _article(_board(client, world), action.id)
    for model, key, name, value in ((Person, world.anna, "name", "Anna Hernoemd"),
                                    (Goal, world.short_goal, "title", "Een nieuw doel"),
                                    (Team, world.wonen_id, "name", "Wonen en Leven")):
        with unit_of_work(db) as session:  # one at a time: each must show on its own
            setattr(session.get(model, key), name, value)
            session.commit()
        assert value in _article(_board(client, world), action.id), (model, value)
    with unit_of_work(db) as session:
        moved = actions.move_action(session, world.anna, action.id, status="doing",
                                    version=action.version)
    card = _article(_board(client, world), action.id)
    assert 'data-status="doing"' in card and f'data-version="{moved.action.version}"' in card
    assert "Bewerken" in card
    with app.test_request_context():  # what the move broadcast is what the page shows
        from app.broadcast import render_card
        assert render_card(moved.card).strip() == card.strip()
    client.post("/language", data={"lang": "en", "next": "/me"})
    assert "Edit" in _article(_board(client, world), action.id)


def test_cache_is_bounded(app, client, db, world, monkeypatch):
    """Past its bound the cache starts over rather than grow."""
    from app import card_cache

    monkeypatch.setattr(card_cache, "MAX_CARDS", 3)
    for i in range(5):
        _card(db, world, title=f"Kaart {i}")
    login(client, "anna@test.example")
    _board(client, world)
    assert 1 <= len(_cache(app)) <= 3
