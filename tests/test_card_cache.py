"""Rendered cards are kept per process (app/card_cache.py): a kept card is never stale.

The board page is rendered twice (the second from the cache) and compared with the card partial
rendered fresh; then what a card shows is changed without touching the card's own row (its
owner's name, its goal's title, its team's name) and in the card itself, and the page must show
each change at once. The cache's rule, that the card macro reads nothing but its card, its texts
and url_for (so one kept card serves every viewer), is checked on the template's source.
"""

import re

from jinja2 import Environment, meta

from app import card_cache
from app.broadcast import render_card
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
        assert render_card(moved.card).strip() == card.strip()
    client.post("/language", data={"lang": "en", "next": "/me"})
    assert "Edit" in _article(_board(client, world), action.id)


def _parsed_cards(app, change=lambda source: source):
    """templates/boards/_cards.html, parsed by a plain Jinja environment (the app's own hides
    the names its globals provide from jinja2.meta)."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "boards/_cards.html")[0]
    return Environment(extensions=list(app.jinja_env.extensions)).parse(change(source))


def test_the_card_macro_reads_only_its_card_its_texts_and_url_for(app):
    """A kept card is shown to every viewer: the macro may read nothing of the request, the
    session or the person asking (no `request`, `session`, `current_user`, `g`, no include).
    Anything new it reads must first go into the cache key (app/card_cache.py), then here."""
    parsed = _parsed_cards(app)
    assert meta.find_undeclared_variables(parsed) == {"url_for"}
    assert list(meta.find_referenced_templates(parsed)) == []
    [macro] = [node for node in parsed.body if type(node).__name__ == "Macro"]
    assert [arg.name for arg in macro.args] == ["card", "t"]


def test_the_rule_check_sees_a_macro_that_reads_the_viewer(app):
    """The check above fails on a card that shows something of the person asking."""
    parsed = _parsed_cards(app, lambda source: source.replace(
        "{{ a.title }}</a>", "{{ a.title }}{% if current_user.id == a.owner_id %}*{% endif %}</a>"))
    assert "current_user" in meta.find_undeclared_variables(parsed)


def test_kept_links_follow_the_url_prefix(app, client, db, world):
    """The same card kept under one URL prefix is not shown under another with its links."""
    action = _card(db, world)
    login(client, "anna@test.example")
    plain = _article(_board(client, world), action.id)
    assert f'href="/actions/{action.id}"' in plain
    response = client.get(f"/teams/{world.wonen}", base_url="http://localhost/gemeente")
    prefixed = _article(response.get_data(as_text=True), action.id)
    assert f'href="/gemeente/actions/{action.id}"' in prefixed
    assert f'hx-get="/gemeente/actions/{action.id}/edit"' in prefixed


def test_cache_is_bounded(app, client, db, world, monkeypatch):
    """Past its bound the cache starts over rather than grow."""
    monkeypatch.setattr(card_cache, "MAX_CARDS", 3)
    for i in range(5):
        _card(db, world, title=f"Kaart {i}")
    login(client, "anna@test.example")
    _board(client, world)
    assert 1 <= len(_cache(app)) <= 3
