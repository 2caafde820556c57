"""/me names the cycle each team works in (a team that closed the current cycle works in the
next one), and a person without a team is told how to get one instead of an empty page."""

import re

from boards import actions, catalog, closing, cycles
from boards.unit_of_work import unit_of_work

from .conftest import login


def page_text(client, path="/me"):
    """The page's main text, tags stripped, whitespace collapsed."""
    html = client.get(path).get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html.split("<main", 1)[1]))


def close_wonen(db, world):
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Oud werk").action
        closing.close_team_cycle(s, world.anna, world.wonen, world.cycle,
                                 [{"action_id": card.id, "decision": "carry"}])


def dates(db, number):
    with db.reader() as s:
        cycle = cycles.cycle_of(cycles.organisation(s), number)
    return f"{cycle.start:%d-%m} – {cycle.end:%d-%m-%Y}"


def test_me_names_the_current_cycle_while_no_team_closed_it(client, db, world):
    login(client, "anna@test.example")
    text = page_text(client)
    assert f"Cyclus {world.cycle} · {dates(db, world.cycle)}" in text


def test_me_names_the_next_cycle_once_the_only_team_closed_the_current(client, db, world):
    close_wonen(db, world)
    login(client, "anna@test.example")
    text = page_text(client)
    assert f"Cyclus {world.cycle + 1} · {dates(db, world.cycle + 1)}" in text
    assert f"Cyclus {world.cycle} ·" not in text
    assert f"Wonen heeft cyclus {world.cycle} afgesloten" in text


def test_me_names_each_teams_cycle_when_they_differ(client, db, world):
    with unit_of_work(db) as s:
        catalog.add_member(s, world.admin, world.zorg_id, world.anna)
    close_wonen(db, world)
    login(client, "anna@test.example")
    text = page_text(client)
    assert f"Zorg: cyclus {world.cycle} · {dates(db, world.cycle)}" in text
    assert f"Wonen: cyclus {world.cycle + 1} · {dates(db, world.cycle + 1)}" in text
    assert text.index("Zorg: cyclus") < text.index("Wonen: cyclus")  # earliest cycle first


def test_me_without_a_team_explains_how_to_get_one(client, world):
    login(client, "admin@test.example")
    html = client.get("/me").get_data(as_text=True)
    assert "U bent nog geen lid van een team" in html
    assert 'href="/teams"' in html and 'href="/admin/teams"' in html
    assert re.search(r'id="columns"[^>]* hidden', html)


def test_me_with_a_team_shows_no_team_hint(client, world):
    login(client, "anna@test.example")
    html = client.get("/me").get_data(as_text=True)
    assert "nog geen lid van een team" not in html
    assert not re.search(r'id="columns"[^>]* hidden', html)
