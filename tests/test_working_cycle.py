"""The working cycle: once a team closes its cycle, its board, /me and the board API open on
the next one; the closed cycle is read-only and shows each card's outcome; closing is confirmed."""

import pytest
from sqlmodel import select

from boards import actions, closing, cycles, queries
from boards.errors import Invalid
from boards.models import Action, TeamCycle
from boards.unit_of_work import unit_of_work

from .conftest import login


def add(db, world, title, actor=None, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, actor or world.anna, world.wonen, title=title,
                                     **fields).action


def close_wonen(db, world, decisions):
    with unit_of_work(db) as s:
        return closing.close_team_cycle(s, world.anna, world.wonen, world.cycle, decisions)


@pytest.fixture
def closed(db, world):
    """Wonen closes the current cycle: one done, one carried, one dropped, one split."""
    cards = {"done": add(db, world, "Afgerond werk", status="done"),
             "carry": add(db, world, "Doorschuif werk", status="doing", owner_id=world.anna),
             "drop": add(db, world, "Vervallen werk"),
             "split": add(db, world, "Groot werk")}
    result = close_wonen(db, world, [
        {"action_id": cards["carry"].id, "decision": "carry"},
        {"action_id": cards["drop"].id, "decision": "drop", "reason": "Niet meer nodig"},
        {"action_id": cards["split"].id, "decision": "split", "reason": "Rest van het werk"}])
    cards["copies"] = {c.action.title: c.action.id for c in result.carried}
    return cards


def test_working_cycle_is_the_next_once_the_team_closed_the_current(db, world, closed):
    with db.reader() as s:
        assert cycles.team_cycles(s, world.wonen_id).working.number == world.cycle + 1
        # Zorg did not close:
        assert cycles.team_cycles(s, world.zorg_id).working.number == world.cycle
        board = queries.board_view(s, world.wonen)
        old = queries.board_view(s, world.wonen, cycles.cycle_by_number(s, world.cycle))
    assert board.cycle.number == world.cycle + 1 and not board.closed
    assert sorted(c.action.title for cards in board.columns.values() for c in cards) == [
        "Doorschuif werk", "Rest van het werk"]
    assert old.closed


def test_me_shows_each_teams_working_cycle_and_closed_cards_apart(db, world, closed):
    with db.reader() as s:
        mine = queries.my_actions(s, world.anna)
    assert mine.working == {world.wonen: world.cycle + 1}
    assert sorted(c.action.id for c in mine.cards) == sorted(closed["copies"].values())
    assert not mine.next_cards
    assert sorted(c.action.id for c in mine.closed_cards) == sorted(
        closed[k].id for k in ("done", "carry", "drop", "split"))


def test_preview_counts_what_closing_will_do_and_writes_nothing(db, world):
    done = add(db, world, "Klaar", status="done")
    carry, drop = add(db, world, "Door"), add(db, world, "Weg")
    decisions = [{"action_id": carry.id, "decision": "carry"},
                 {"action_id": drop.id, "decision": "drop", "reason": "Overbodig"}]
    with db.reader() as s:
        counts = closing.preview_close(s, world.anna, world.wonen, world.cycle, decisions)
        with pytest.raises(Invalid):
            closing.preview_close(s, world.anna, world.wonen, world.cycle, decisions[:1])
        assert s.get(TeamCycle, (world.wonen_id, world.cycle)) is None
        assert s.get(Action, done.id).outcome is None
    assert counts == {"done": 1, "carried": 1, "dropped": 1, "split": 0}


def test_board_api_returns_the_working_cycle_and_any_other_on_request(api_as, world, db, closed):
    api = api_as("anna@test.example")
    board = api.get("/teams/wonen/board").get_json()
    assert board["cycle"]["number"] == world.cycle + 1 and board["closed"] is False
    titles = [a["title"] for c in board["columns"] for a in c["actions"]]
    assert sorted(titles) == ["Doorschuif werk", "Rest van het werk"]
    old = api.get(f"/teams/wonen/board?cycle={world.cycle}").get_json()
    assert old["cycle"]["number"] == world.cycle and old["closed"] is True
    assert api.get("/teams/zorg/board").get_json()["cycle"]["number"] == world.cycle


def test_closed_board_page_is_read_only_and_shows_outcomes(client, world, closed):
    login(client, "anna@test.example")
    page = client.get(f"/teams/{world.wonen}").get_data(as_text=True)
    assert f'data-cycle="{world.cycle + 1}"' in page and 'data-can-write="true"' in page
    for action_id in closed["copies"].values():
        assert f'id="action-{action_id}"' in page
    old = client.get(f"/teams/{world.wonen}?cycle={world.cycle}").get_data(as_text=True)
    assert 'data-can-write="false"' in old
    assert f"Cyclus {world.cycle} is afgesloten" in old
    assert "alleen de leden" not in old.lower() and 'data-move="' not in old
    assert "Cyclus afsluiten" not in old  # nothing left to close
    assert 'id="move-hint"' not in old and 'id="move-hint"' in page  # no "drag a card" on a record
    outcome = {key: old.split(f'id="action-{closed[key].id}"')[1].split("</article>")[0]
               for key in ("done", "carry", "drop", "split")}
    assert "Afgerond" in outcome["done"]
    assert f"Doorgeschoven naar cyclus {world.cycle + 1}" in outcome["carry"]
    assert "Vervallen: Niet meer nodig" in outcome["drop"]
    assert "Opgesplitst" in outcome["split"]


def test_me_page_offers_no_action_on_closed_cards(client, world, closed):
    login(client, "anna@test.example")
    page = client.get("/me").get_data(as_text=True)
    columns, _sep, rest = page.partition('class="panel closed-cards"')
    for key in ("done", "carry", "drop", "split"):
        assert f'id="action-{closed[key].id}"' not in columns
        card = rest.split(f'id="action-{closed[key].id}"')[1].split("</article>")[0]
        assert "data-move" not in card and "hx-get" not in card
    for action_id in closed["copies"].values():
        card = columns.split(f'id="action-{action_id}"')[1].split("</article>")[0]
        assert "data-move" in card


def test_closing_asks_for_confirmation_then_lands_on_the_next_cycle(client, world, db):
    carry, drop = add(db, world, "Meenemen"), add(db, world, "Laten gaan")
    done = add(db, world, "Gedaan", status="done")
    login(client, "anna@test.example")
    url = f"/teams/{world.wonen}/cycles/{world.cycle}/close"
    form = {f"decision-{carry.id}": "carry", f"decision-{drop.id}": "drop",
            f"reason-{drop.id}": "Vervalt", "went_well": "Goed overleg"}
    page = client.post(url, data=form)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Doorgeschoven naar cyclus" in text and 'name="confirm" value="yes"' in text
    assert 'data-count-of="carried">' in text and ": 1</li>" in text
    with db.reader() as s:
        assert not cycles.team_cycle_closed(s, world.wonen_id, world.cycle)  # not yet
    back = client.post(url, data={**form, "back": "1"}).get_data(as_text=True)
    assert 'name="confirm"' not in back and 'value="drop" checked' in back
    response = client.post(url, data={**form, "confirm": "yes"})
    assert response.status_code == 302 and response.location.endswith(f"/teams/{world.wonen}")
    with db.reader() as s:
        assert cycles.team_cycle_closed(s, world.wonen_id, world.cycle)
        copy = s.exec(select(Action).where(Action.carried_from_id == carry.id)).one()
        assert s.get(Action, done.id).outcome is None
    board = client.get(response.location).get_data(as_text=True)
    assert f'id="action-{copy.id}"' in board and f"cyclus {world.cycle + 1}" in board.lower()


def test_a_drop_without_reason_is_refused_beside_that_cards_reason(client, world, db):
    keep, drop = add(db, world, "Meenemen"), add(db, world, "Laten gaan")
    login(client, "anna@test.example")
    url = f"/teams/{world.wonen}/cycles/{world.cycle}/close"
    form = {f"decision-{keep.id}": "carry", f"decision-{drop.id}": "drop", f"reason-{drop.id}": " "}
    page = client.post(url, data=form)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    field = text.split(f'id="reason-{drop.id}"')[1].split(">")[0]
    assert 'aria-invalid="true"' in field and f'aria-describedby="reason-{drop.id}-error"' in field
    error = text.split(f'id="reason-{drop.id}-error">')[1].split("</p>")[0]
    assert error == "Geef aan waarom u een actie laat vallen."
    assert 'aria-invalid' not in text.split(f'id="reason-{keep.id}"')[1].split(">")[0]
    assert 'name="confirm"' not in text  # no confirmation for a refused set of decisions
    with db.reader() as s:
        assert not cycles.team_cycle_closed(s, world.wonen_id, world.cycle)


def test_review_offers_closing_only_to_who_can_close(client, world, db):
    """The review links "Close" for the viewer's own teams; other teams say "Nog niet"."""
    with unit_of_work(db) as s:  # the review lists the teams with actions in the cycle
        actions.create_action(s, world.carla, world.zorg, title="Zorgwerk")
    close_wonen(db, world, [])
    login(client, "carla@test.example")  # in Zorg only
    page = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert f"/teams/{world.zorg}/cycles/{world.cycle}/close" in page
    assert f"/teams/{world.wonen}/cycles/" not in page  # closed already
    login(client, "anna@test.example")  # in Wonen, which has closed
    page = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert "/close" not in page and "Nog niet" in page
    login(client, "admin@test.example")
    page = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert f"/teams/{world.zorg}/cycles/{world.cycle}/close" in page
    upcoming = client.get(f"/cycles/{world.cycle + 1}").get_data(as_text=True)
    assert "/close" not in upcoming  # a cycle that has not started cannot be closed


def test_close_screen_says_a_carried_card_leaves_its_due_date_behind(client, world, db):
    """The copy in the next cycle has no due date (the old one lies in the closed cycle): the
    close screen shows each card's due date and says so before anyone decides."""
    login(client, "anna@test.example")
    url = f"/teams/{world.wonen}/cycles/{world.cycle}/close"
    plain = add(db, world, "Zonder deadline")
    assert "zonder deadline: stel" not in client.get(url).get_data(as_text=True)
    with db.reader() as s:
        day = cycles.current_cycle(s).end
    dated = add(db, world, "Met deadline", due_date=day)
    page = client.get(url).get_data(as_text=True)
    assert "Een meegenomen actie begint de volgende cyclus zonder deadline" in page
    assert f"Met deadline</b> — Anna Ëlsen · deadline {day.strftime('%d-%m')}" in page
    client.post(url, data={f"decision-{plain.id}": "carry", f"decision-{dated.id}": "carry",
                           "confirm": "yes"})
    with db.reader() as s:
        assert (
            s.exec(select(Action).where(Action.carried_from_id == dated.id)).one().due_date is None
        )
