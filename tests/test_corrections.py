"""Correcting cards: delete (kept in the log) and undo, editing from the board and the detail
page, and overdue cards marked in words."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from boards import actions, closing, queries, review
from boards.cycles import cycle_by_number, today_local
from boards.errors import Conflict, Forbidden, NotFound
from boards.models import Action, Event, utcnow
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app


def add(db, world, title="Kaart", actor=None, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, actor or world.anna, world.wonen, title=title,
                                     **fields).action


def delete(db, actor, action_id, version=1):
    with unit_of_work(db) as s:
        return actions.delete_action(s, actor, action_id, version=version)


def restore(db, actor, action_id):
    with unit_of_work(db) as s:
        return actions.restore_action(s, actor, action_id, now=utcnow(), undo_seconds=60)


def kinds(db, action_id):
    with db.reader() as s:
        return [e.kind for e in s.exec(select(Event).where(Event.action_id == action_id)
                                       .order_by(Event.id)).all()]


def board_ids(db, slug):
    with db.reader() as s:
        board = queries.board_view(s, slug)
    return [c.action.id for cards in board.columns.values() for c in cards]


def test_deleted_card_leaves_every_view_and_undo_brings_it_back_as_it_was(db, world):
    """Board, /me and the review lose the card; the log keeps it; restore gives it back whole."""
    first = add(db, world, "Eerste", status="doing")
    card = add(db, world, "Bellen met corporatie", status="doing", notes="Voor vrijdag",
               goal_id=world.short_goal, due_date=today_local() + timedelta(days=3),
               owner_id=world.bert)
    with unit_of_work(db) as s:
        actions.edit_action(s, world.anna, card.id, version=1,
                            fields={"needs_help": True, "help_reason": "Budget nodig"})
    with db.reader() as s:
        before = s.get(Action, card.id)
        s.expunge(before)

    change = delete(db, world.anna, card.id, version=2)
    assert change.kind == "deleted" and change.event.before["title"] == "Bellen met corporatie"
    assert card.id not in board_ids(db, world.wonen)
    with db.reader() as s:
        assert card.id not in [c.action.id for c in queries.my_actions(s, world.bert).cards]
        reviewed = review.cycle_cards(s, cycle_by_number(s, world.cycle))
        assert card.id not in [c.action.id for c in reviewed]
        assert s.get(Action, card.id) is None

    restored = restore(db, world.bert, card.id)
    assert restored.kind == "created" and restored.card.action.id == card.id
    with db.reader() as s:
        again = s.get(Action, card.id)
        for name in ("title", "notes", "owner_id", "goal_id", "cycle_number", "status", "position",
                     "needs_help", "help_reason", "due_date", "carry_count"):
            assert getattr(again, name) == getattr(before, name), name
        assert again.help_since is not None
        assert again.version == before.version + 1
        doing = [c.action.id for c in queries.board_view(s, world.wonen).columns["doing"]]
    assert doing == [first.id, card.id]
    assert kinds(db, card.id) == ["created", "help_requested", "deleted", "restored"]


def test_restore_refuses_what_was_not_deleted_and_non_members(db, world):
    card = add(db, world)
    with pytest.raises(Conflict):
        restore(db, world.anna, card.id)  # never deleted
    with pytest.raises(NotFound):
        restore(db, world.anna, 2**31 - 1)
    delete(db, world.anna, card.id)
    with pytest.raises(Forbidden):
        restore(db, world.carla, card.id)  # not in Wonen
    restore(db, world.anna, card.id)
    with pytest.raises(Conflict):
        restore(db, world.anna, card.id)  # already back
    assert kinds(db, card.id) == ["created", "deleted", "restored"]


def test_restored_card_gets_a_free_place_when_its_key_was_taken(db, world):
    card = add(db, world, "Weg en terug")
    delete(db, world.anna, card.id)
    with unit_of_work(db) as s:  # a new card takes the same key at the bottom of the column
        other = actions.create_action(s, world.anna, world.wonen, title="Nieuw").action
    assert other.position == card.position
    restore(db, world.anna, card.id)
    with db.reader() as s:
        keys = [c.action.position for c in queries.board_view(s, world.wonen).columns["todo"]]
    assert len(set(keys)) == len(keys) == 2


def test_delete_is_for_members_of_an_open_cycle_with_the_current_version(db, world):
    card = add(db, world)
    with pytest.raises(Forbidden):
        delete(db, world.carla, card.id)
    with pytest.raises(Conflict):
        delete(db, world.anna, card.id, version=7)
    with unit_of_work(db) as s:
        closing.close_team_cycle(s, world.anna, world.wonen, world.cycle,
                                 [{"action_id": card.id, "decision": "carry"}])
    with pytest.raises(Conflict):
        delete(db, world.anna, card.id, version=2)
    assert kinds(db, card.id) == ["created", "carried_over"]


def test_api_delete(api_as, world, db):
    anna, carla = api_as("anna@test.example"), api_as("carla@test.example")
    card = anna.post("/teams/wonen/actions", {"title": "Via de API"}).get_json()["action"]
    path = f"/actions/{card['id']}"
    assert carla.delete(path, {"version": 1}).status_code == 403
    assert anna.delete(path, {"version": 5}).status_code == 409
    assert anna.delete(path, {}).status_code == 422
    assert anna.delete(path, {"version": 1, "force": True}).status_code == 422
    assert anna.delete("/actions/2147483647", {"version": 1}).status_code == 404
    response = anna.delete(path, {"version": 1})
    assert response.status_code == 200, response.get_json()
    gone = response.get_json()["action"]
    assert gone["id"] == card["id"] and gone["cycle"] == world.cycle
    assert anna.delete(path, {"version": 1}).status_code == 404
    board = anna.get("/teams/wonen/board").get_json()
    assert card["id"] not in [a["id"] for c in board["columns"] for a in c["actions"]]
    assert kinds(db, card["id"]) == ["created", "deleted"]


def test_delete_and_undo_without_script(client, world, db):
    """The dialog's delete form posts; the board then offers a plain undo form."""
    card = add(db, world, "Zonder script")
    login(client, "anna@test.example")
    response = client.post(f"/actions/{card.id}/delete", data={"version": "1"})
    assert response.status_code == 302
    assert f"deleted={card.id}" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert f'action="/actions/{card.id}/restore"' in page and f'id="action-{card.id}"' not in page
    response = client.post(f"/actions/{card.id}/restore")
    assert response.status_code == 302
    assert f'id="action-{card.id}"' in client.get(response.location).get_data(as_text=True)
    htmx = client.post(f"/actions/{card.id}/delete", data={"version": "2"},
                       headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    back = client.post(f"/actions/{card.id}/restore", headers={"HX-Request": "true"})
    assert back.status_code == 201 and f'id="action-{card.id}"' in back.get_data(as_text=True)
    assert client.post(f"/actions/{card.id}/restore").status_code == 409
    login(client, "carla@test.example")
    assert client.post(f"/actions/{card.id}/delete", data={"version": "3"}).status_code == 403


def test_restore_is_refused_once_the_undo_time_has_passed(db, world):
    """The domain takes the limit and the time: a second too late is a conflict, the card stays
    deleted; within the limit it comes back."""
    card = add(db, world, "Te laat")
    deleted_at = delete(db, world.anna, card.id).event.at
    with pytest.raises(Conflict) as refused, unit_of_work(db) as s:
        actions.restore_action(s, world.anna, card.id, undo_seconds=60,
                               now=deleted_at + timedelta(seconds=61))
    assert refused.value.message == "This action was deleted too long ago to bring back."
    assert kinds(db, card.id) == ["created", "deleted"]
    with unit_of_work(db) as s:
        actions.restore_action(s, world.anna, card.id, undo_seconds=60,
                               now=deleted_at + timedelta(seconds=59))
    assert card.id in board_ids(db, world.wonen)


class MovedClock:
    """The app's clock (config CLOCK), moved ahead of the real one by the test."""

    def __init__(self):
        self.ahead = timedelta()

    def __call__(self):
        return utcnow() + self.ahead


def test_undo_page_keeps_to_the_configured_time(db_url, world, db):
    """POST /actions/<id>/restore after UNDO_SECONDS: 409 with the reason, nothing restored."""
    clock = MovedClock()
    app = make_app(db_url, CLOCK=clock, UNDO_SECONDS=30)
    try:
        client = app.test_client()
        card = add(db, world, "Klok")
        login(client, "anna@test.example")
        assert client.post(f"/actions/{card.id}/delete", data={"version": "1"},
                           headers={"HX-Request": "true"}).status_code == 200
        clock.ahead = timedelta(seconds=31)
        late = client.post(f"/actions/{card.id}/restore", headers={"HX-Request": "true"})
        assert late.status_code == 409
        assert json.loads(late.headers["HX-Trigger"])["vb:error"]["message"] == \
            "Deze actie is te lang geleden verwijderd om terug te zetten."
        assert card.id not in board_ids(db, world.wonen)
        clock.ahead = timedelta(seconds=25)
        back = client.post(f"/actions/{card.id}/restore", headers={"HX-Request": "true"})
        assert back.status_code == 201 and card.id in board_ids(db, world.wonen)
    finally:
        app.extensions["verbeterbord.db"].dispose()


def test_detail_page_shows_the_deadline_and_edits_without_script(client, world, db):
    due = today_local() + timedelta(days=2)
    card = add(db, world, "Detailpagina", due_date=due)
    login(client, "anna@test.example")
    page = client.get(f"/actions/{card.id}").get_data(as_text=True)
    assert f'datetime="{due.isoformat()}"' in page
    assert 'name="title"' in page and 'name="owner_id"' in page and 'name="due_date"' in page
    assert f'method="post" action="/actions/{card.id}"' in page
    later = due + timedelta(days=1)
    response = client.post(f"/actions/{card.id}", data={
        "version": "1", "title": "Detailpagina bijgewerkt", "notes": "n", "owner_id": world.bert,
        "goal_id": world.short_goal, "due_date": later.isoformat(), "next": "detail"})
    assert response.status_code == 302 and response.location.endswith(f"/actions/{card.id}")
    with db.reader() as s:
        saved = s.get(Action, card.id)
    assert (saved.title, saved.owner_id, saved.goal_id, saved.due_date) == (
        "Detailpagina bijgewerkt", world.bert, world.short_goal, later)
    login(client, "carla@test.example")  # not a member: reads, no form
    assert 'name="title"' not in client.get(f"/actions/{card.id}").get_data(as_text=True)


def test_board_edit_dialog_changes_the_owner(client, world, db):
    card = add(db, world, "Andere eigenaar")
    login(client, "anna@test.example")
    form = client.get(f"/actions/{card.id}/edit",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="edit-owner"' in form and "Deze actie verwijderen" in form
    response = client.post(f"/actions/{card.id}", data={
        "version": "1", "title": card.title, "notes": "", "owner_id": world.bert, "goal_id": "",
        "due_date": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    with db.reader() as s:
        assert s.get(Action, card.id).owner_id == world.bert


def test_overdue_cards_say_so_on_the_board_and_on_me(client, world, db):
    """The mark is text ("Te laat"), not only colour; finished cards are never overdue."""
    yesterday = today_local() - timedelta(days=1)
    late = add(db, world, "Te late kaart", due_date=yesterday)
    done = add(db, world, "Klaar op tijd", status="done", due_date=yesterday)
    login(client, "anna@test.example")
    for path in (f"/teams/{world.wonen}", "/me"):
        page = client.get(path).get_data(as_text=True)
        late_html = page.split(f'id="action-{late.id}"')[1].split("</article>")[0]
        done_html = page.split(f'id="action-{done.id}"')[1].split("</article>")[0]
        assert "Te laat" in late_html, path
        assert "Te laat" not in done_html, path
    assert "Te laat" in client.get(f"/actions/{late.id}").get_data(as_text=True)
