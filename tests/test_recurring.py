"""Recurring actions: a series' next card comes at the cycle close and from `flask
repeat-actions`, once, with its owner, goal and title; stopping keeps the copies."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from boards import actions, catalog, closing, recurring
from boards.errors import Invalid
from boards.models import Action, Event, Organisation, SeriesCopy, utcnow
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app


def add(db, world, title, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, world.anna, world.wonen, title=title, **fields).action


def repeat(db, world, card, every):
    """Set the card's repeat_every through the edit service; the card as it is then."""
    with unit_of_work(db) as s:
        return actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"repeat_every": every}).action


def next_cycle_begins(db):
    """Time moves on one cycle: the cadence starts one cycle earlier (cards keep their
    numbers, so the next cycle is now today's)."""
    with unit_of_work(db) as s:
        org = s.exec(select(Organisation)).one()
        s.execute(update(Organisation).values(
            first_cycle_start=org.first_cycle_start - timedelta(days=org.cycle_length_days)))
        s.commit()


def close(db, world, number, decisions=()):
    with unit_of_work(db) as s:
        return closing.close_team_cycle(s, world.anna, world.wonen, number, list(decisions))


def run_scheduler(db):
    """What `flask repeat-actions` does: one write, committed."""
    with unit_of_work(db) as s:
        result = recurring.repeat_due_actions(s)
        s.commit()
        return result


def series(db, series_id):
    with unit_of_work(db) as s:
        return s.exec(select(Action).where(Action.series_id == series_id)
                      .order_by(Action.cycle_number)).all()


def events_of(db, kind):
    with unit_of_work(db) as s:
        return s.exec(select(Event).where(Event.kind == kind).order_by(Event.id)).all()


@pytest.fixture
def weekly(db, world):
    """A done card of Anna's under the short-term goal that repeats every cycle."""
    card = add(db, world, "Wachtlijst nalopen", notes="Elke maandag", goal_id=world.short_goal,
               status="done")
    return repeat(db, world, card, 1)


def test_the_first_card_names_the_series(weekly):
    assert weekly.repeat_every == 1
    assert weekly.series_id == weekly.id


def test_closing_the_cycle_makes_the_next_copy(db, world, weekly):
    result = close(db, world, world.cycle)
    assert [c.action.title for c in result.repeated] == ["Wachtlijst nalopen"]
    copy = result.repeated[0].action
    assert (copy.owner_id, copy.goal_id, copy.notes) == (world.anna, world.short_goal,
                                                          "Elke maandag")
    assert (copy.cycle_number, copy.status) == (world.cycle + 1, "todo")
    assert (copy.series_id, copy.repeat_every) == (weekly.id, 1)
    assert result.repeated[0].card is not None  # published like every other write
    logged = events_of(db, "repeated")
    assert [(e.action_id, e.person_id, e.team_id) for e in logged] == [
        (copy.id, world.anna, world.wonen_id)]
    assert logged[0].after["repeated_from_id"] == weekly.id
    assert logged[0].after["series_id"] == weekly.id
    # The scheduler's run afterwards finds the copy made.
    assert run_scheduler(db).changes == []
    assert len(series(db, weekly.id)) == 2


def test_every_second_cycle_skips_one(db, world):
    card = repeat(db, world, add(db, world, "Kwartaalcijfers", status="done"), 2)
    assert close(db, world, world.cycle).repeated == []  # the next cycle is skipped
    next_cycle_begins(db)
    made = close(db, world, world.cycle + 1).repeated
    assert [c.action.cycle_number for c in made] == [world.cycle + 2]
    next_cycle_begins(db)
    assert run_scheduler(db).changes == []  # the close made it already
    assert close(db, world, world.cycle + 2, [{"action_id": made[0].action.id,
                                               "decision": "drop", "reason": "Niet nodig"}]
                 ).repeated == []
    next_cycle_begins(db)  # the team now works in cycle + 3 and no longer closes
    assert run_scheduler(db).changes == []
    next_cycle_begins(db)
    assert [c.action.cycle_number for c in run_scheduler(db).changes] == [world.cycle + 4]
    assert [c.cycle_number for c in series(db, card.id)] == [world.cycle, world.cycle + 2,
                                                             world.cycle + 4]


def test_the_command_twice_makes_one_copy(db_url, db, world, weekly):
    next_cycle_begins(db)  # the team did not close; today's cycle is its working cycle
    runner = make_app(db_url).test_cli_runner()
    first = runner.invoke(args=["repeat-actions"])
    second = runner.invoke(args=["repeat-actions"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "1 recurring actions copied."
    assert second.output.strip() == "0 recurring actions copied."
    cards = series(db, weekly.id)
    assert [(c.cycle_number, c.owner_id) for c in cards] == [(world.cycle, world.anna),
                                                             (world.cycle + 1, world.anna)]
    assert [e.person_id for e in events_of(db, "repeated")] == [None]  # the scheduler did it


def test_two_runs_at_once_make_one_copy(db, world, weekly):
    next_cycle_begins(db)
    start = threading.Barrier(2)
    made, errors = [], []

    def run():
        try:
            with unit_of_work(db) as s:
                start.wait(timeout=10)
                made.append(len(recurring.repeat_due_actions(s).changes))
                s.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(made) == [0, 1]
    assert len(series(db, weekly.id)) == 2
    with unit_of_work(db) as s:
        assert len(s.exec(select(SeriesCopy).where(SeriesCopy.series_id == weekly.id)).all()) == 2


def test_undoing_a_delete_keeps_the_card_in_its_series(db, world, weekly):
    """A series card deleted and brought back by undo repeats as before, in the same series."""
    with unit_of_work(db) as s:
        actions.delete_action(s, world.anna, weekly.id, version=weekly.version)
    with unit_of_work(db) as s:
        restored = actions.restore_action(s, world.anna, weekly.id, now=utcnow(),
                                          undo_seconds=60).action
    assert (restored.repeat_every, restored.series_id) == (1, weekly.id)


def test_stopping_keeps_the_copies(db, world, weekly):
    copy = close(db, world, world.cycle).repeated[0].action
    with unit_of_work(db) as s:
        result = recurring.stop_series(s, world.anna, copy.id, copy.version)
        s.commit()
    assert sorted(c.action.id for c in result.changes) == sorted([weekly.id, copy.id])
    cards = series(db, weekly.id)
    assert [(c.id, c.repeat_every) for c in cards] == [(weekly.id, 0), (copy.id, 0)]
    assert len(events_of(db, "repeat_stopped")) == 2
    next_cycle_begins(db)
    assert run_scheduler(db).changes == []
    assert len(series(db, weekly.id)) == 2


def test_repeat_every_zero_on_the_newest_card_stops_the_series(db, world, weekly):
    copy = close(db, world, world.cycle).repeated[0].action
    repeat(db, world, copy, 0)
    next_cycle_begins(db)
    assert run_scheduler(db).changes == []


def test_a_deleted_copy_is_not_made_again(db, world, weekly):
    copy = close(db, world, world.cycle).repeated[0].action
    with unit_of_work(db) as s:
        actions.delete_action(s, world.anna, copy.id, version=copy.version)
    assert run_scheduler(db).changes == []
    assert [c.id for c in series(db, weekly.id)] == [weekly.id]


def test_when_the_owner_left_the_delegate_gets_the_copy(db, world, weekly):
    with unit_of_work(db) as s:
        catalog.add_member(s, world.admin, world.wonen_id, world.bert, delegate=True)
        catalog.remove_member(s, world.admin, world.wonen_id, world.anna)
    copy = close_as_bert(db, world).repeated[0].action
    assert copy.owner_id == world.bert


def test_when_the_owner_left_and_no_delegate_the_cycle_is_skipped_once(db, world, weekly):
    with unit_of_work(db) as s:
        catalog.remove_member(s, world.admin, world.wonen_id, world.anna)
    assert close_as_bert(db, world).repeated == []
    assert run_scheduler(db).changes == []
    skipped = events_of(db, "repeat_skipped")
    assert [(e.action_id, e.after["cycle"]) for e in skipped] == [(weekly.id, world.cycle + 1)]


def close_as_bert(db, world):
    with unit_of_work(db) as s:
        return closing.close_team_cycle(s, world.bert, world.wonen, world.cycle, [])


@pytest.mark.parametrize("value", [7, -1, "2", "２", 2.0, True, None, 2**70])
def test_repeat_every_is_a_whole_number_from_0_to_6(db, world, value):
    card = add(db, world, "Controle")
    with unit_of_work(db) as s, pytest.raises(Invalid) as refused:
        actions.edit_action(s, world.anna, card.id, version=card.version,
                            fields={"repeat_every": value})
    assert refused.value.field == "repeat_every"


def test_patch_sets_repeat_every(app, api_as, db, world):
    api = api_as("anna@test.example")
    card = add(db, world, "Controle")
    response = api.patch(f"/actions/{card.id}", {"version": card.version, "repeat_every": 3})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()["action"]
    assert (body["repeat_every"], body["series_id"]) == (3, card.id)
    assert series(db, card.id)[0].repeat_every == 3


@pytest.mark.parametrize("value", [7, -1, "3", "٣", 1.5, False, None])
def test_patch_refuses_other_repeats(app, api_as, db, world, value):
    api = api_as("anna@test.example")
    card = add(db, world, "Controle")
    response = api.patch(f"/actions/{card.id}", {"version": card.version, "repeat_every": value})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "API-Version" in response.headers


HX = {"HX-Request": "true"}


def edit_form(world, version, repeat_every):
    """What the edit dialog posts, with the repeat select's value."""
    return {"version": str(version), "title": "Controle", "notes": "",
            "owner_id": str(world.anna), "goal_id": "", "due_date": "", "help_reason": "",
            "repeat_every": repeat_every}


def test_the_edit_form_offers_the_repeats_in_dutch(client, db, world):
    card = add(db, world, "Controle")
    login(client, "anna@test.example")
    html = client.get(f"/actions/{card.id}/edit", headers=HX).get_data(as_text=True)
    assert '<label for="edit-repeat">Herhalen</label>' in html
    options = re.findall(r'<option value="(\d)" ?(selected)?>([^<]+)</option>',
                         html[html.index('id="edit-repeat"'):])
    assert [(value, words) for value, _selected, words in options][:3] == [
        ("0", "Niet"), ("1", "Elke cyclus"), ("2", "Elke 2 cycli")]
    assert [value for value, selected, _words in options if selected] == ["0"]


def test_the_form_sets_the_repeat_and_the_card_shows_it(client, db, world):
    card = add(db, world, "Controle")
    login(client, "anna@test.example")
    saved = client.post(f"/actions/{card.id}", headers=HX, data=edit_form(world, 1, "2"))
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200, html
    assert 'data-repeat="2"' in html
    assert '<span class="visually-hidden" data-i18n="repeats_2">Herhaalt elke 2 cycli</span>' \
        in html
    assert series(db, card.id)[0].repeat_every == 2


@pytest.mark.parametrize("value", ["２", "7", "-1", "1.0", "een"])
def test_the_form_refuses_other_repeats(client, db, world, value):
    card = add(db, world, "Controle")
    login(client, "anna@test.example")
    refused = client.post(f"/actions/{card.id}", headers=HX, data=edit_form(world, 1, value))
    assert refused.status_code == 422
    with unit_of_work(db) as s:
        assert s.get(Action, card.id).repeat_every == 0
    assert events_of(db, "edited") == []


def test_the_board_shows_the_repeat_mark(client, db, world, weekly):
    login(client, "anna@test.example")
    html = client.get("/teams/wonen").get_data(as_text=True)
    card = html[html.index(f'id="action-{weekly.id}"'):]
    card = card[:card.index("</article>")]
    assert 'data-repeat="1"' in card
    assert '<span class="visually-hidden" data-i18n="repeats_1">Herhaalt elke cyclus</span>' in card


def test_the_api_stops_the_series_from_any_card(app, api_as, db, world, weekly):
    copy = close(db, world, world.cycle).repeated[0].action
    api = api_as("anna@test.example")
    stale = api.post(f"/actions/{copy.id}/stop-repeating", {"version": copy.version + 1})
    assert stale.status_code == 409
    stopped = api.post(f"/actions/{copy.id}/stop-repeating", {"version": copy.version})
    assert stopped.status_code == 200, stopped.get_json()
    body = stopped.get_json()["actions"]
    assert sorted((a["id"], a["repeat_every"], a["series_id"]) for a in body) == sorted(
        [(weekly.id, 0, weekly.id), (copy.id, 0, weekly.id)])
    assert [c.repeat_every for c in series(db, weekly.id)] == [0, 0]


@pytest.mark.parametrize("body", [{}, {"version": "1"}, {"version": True}, {"version": 1, "x": 1}])
def test_the_api_refuses_a_stop_without_a_version(app, api_as, db, world, weekly, body):
    refused = api_as("anna@test.example").post(f"/actions/{weekly.id}/stop-repeating", body)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert series(db, weekly.id)[0].repeat_every == 1


def test_only_members_stop_a_series(app, api_as, db, world, weekly):
    refused = api_as("carla@test.example").post(f"/actions/{weekly.id}/stop-repeating",
                                                {"version": weekly.version})
    assert refused.status_code == 403
    assert series(db, weekly.id)[0].repeat_every == 1


def test_the_edit_form_stops_the_series(client, db, world, weekly):
    login(client, "anna@test.example")
    html = client.get(f"/actions/{weekly.id}/edit", headers=HX).get_data(as_text=True)
    assert "Stop met herhalen (de kopieën blijven staan)" in html
    stopped = client.post(f"/actions/{weekly.id}/stop-repeating", headers=HX,
                          data={"version": str(weekly.version)})
    assert stopped.status_code == 200
    assert f'id="action-{weekly.id}"' in stopped.get_data(as_text=True)
    assert 'data-repeat=' not in stopped.get_data(as_text=True)
    assert series(db, weekly.id)[0].repeat_every == 0
