"""A team's stand-up schedule: who may set it, what it accepts, its log line, and its form on
the stand-up page (SQLite and PostgreSQL)."""

from datetime import time

import pytest
from sqlmodel import select

from boards import standup
from boards.errors import Forbidden, Invalid, NotFound
from boards.models import Event, Team
from boards.unit_of_work import unit_of_work

from .conftest import login

SCHEDULE_PATH = "/teams/wonen/standup/schedule"


def set_schedule(db, actor, slug, **fields):
    with unit_of_work(db) as s:
        return standup.set_standup_schedule(s, actor, slug, **fields)


def saved(db, world):
    with db.reader() as s:
        return standup.schedule_of(s.get(Team, world.wonen_id))


def logged(db, world):
    with db.reader() as s:
        return [(e.person_id, e.before, e.after) for e in s.exec(
            select(Event).where(Event.kind == "standup_schedule_set",
                                Event.team_id == world.wonen_id).order_by(Event.id)).all()]


def test_member_sets_and_clears_the_schedule_each_logged(db, world):
    """Days come back in week order; saving the same again logs nothing; clearing is logged."""
    set_schedule(db, world.anna, world.wonen, time="09:15", weekdays=["fri", "mon", "wed", "mon"])
    assert saved(db, world) == standup.Schedule(time(9, 15), ("mon", "wed", "fri"))
    set_schedule(db, world.bert, world.wonen, time=time(9, 15), weekdays=("mon", "wed", "fri"))
    set_schedule(db, world.bert, world.wonen, time="", weekdays=[])
    assert saved(db, world) is None
    none = {"time": None, "weekdays": []}
    mwf = {"time": "09:15", "weekdays": ["mon", "wed", "fri"]}
    assert logged(db, world) == [(world.anna, none, mwf), (world.bert, mwf, none)]


def test_non_member_is_refused_and_admin_may(db, world):
    """Carla (other team) may not set Wonen's stand-up; an admin may."""
    with pytest.raises(Forbidden):
        set_schedule(db, world.carla, world.wonen, time="09:15", weekdays=["mon"])
    assert saved(db, world) is None and logged(db, world) == []
    set_schedule(db, world.admin, world.wonen, time="8:30", weekdays=["tue", "sat"])
    assert saved(db, world) == standup.Schedule(time(8, 30), ("tue", "sat"))
    assert [who for who, _before, _after in logged(db, world)] == [world.admin]


def test_unknown_team(db, world):
    """A team that does not exist is NotFound."""
    with pytest.raises(NotFound):
        set_schedule(db, world.admin, "bestaat-niet", time="09:15", weekdays=["mon"])


@pytest.mark.parametrize("fields, field", [
    ({"time": "9.15", "weekdays": ["mon"]}, "time"),
    ({"time": "24:00", "weekdays": ["mon"]}, "time"),
    ({"time": "09:60", "weekdays": ["mon"]}, "time"),
    ({"time": "09:15:00", "weekdays": ["mon"]}, "time"),
    ({"time": 915, "weekdays": ["mon"]}, "time"),
    ({"time": "09:15", "weekdays": ["maandag"]}, "weekdays"),
    ({"time": "09:15", "weekdays": "mon"}, "weekdays"),
    ({"time": "09:15", "weekdays": [1]}, "weekdays"),
    ({"time": "09:15", "weekdays": []}, "weekdays"),
    ({"time": "", "weekdays": ["mon"]}, "time"),
])
def test_bad_schedules_are_refused(db, world, fields, field):
    """Bad input is refused with the field named, and nothing is written."""
    with pytest.raises(Invalid) as error:
        set_schedule(db, world.anna, world.wonen, **fields)
    assert error.value.field == field
    assert saved(db, world) is None and logged(db, world) == []


def test_form_sets_shows_and_clears_the_schedule(client, db, world):
    """A member ticks days and a time; the page says when, the activity tells who; clearing
    works."""
    login(client, "anna@test.example")
    page = client.get("/teams/wonen/standup").get_data(as_text=True)
    assert "Nog geen vaste tijd voor de stand-up." in page
    assert f'action="{SCHEDULE_PATH}"' in page and 'name="csrf_token"' in page
    assert '<label for="standup-time">Tijd (Nederlandse tijd)</label>' in page
    assert 'value="mon" checked' in page and 'value="sat" checked' not in page  # working days
    response = client.post(SCHEDULE_PATH, data={"time": "09:15",
                                               "weekdays": ["mon", "wed", "fri"]})
    assert response.status_code == 302
    page = client.get("/teams/wonen/standup").get_data(as_text=True)
    assert "Stand-up: ma, wo, vr om 09:15" in page
    assert 'value="09:15"' in page and 'value="tue" checked' not in page
    activity = client.get("/teams/wonen/activity").get_data(as_text=True)
    assert "Anna Ëlsen zette de stand-up van Wonen op ma, wo, vr om 09:15" in activity
    client.post("/language", data={"lang": "en"})
    assert "Stand-up: Mon, Wed, Fri at 09:15" in client.get("/teams/wonen/standup").get_data(
        as_text=True)
    client.post("/language", data={"lang": "nl"})
    assert client.post(SCHEDULE_PATH, data={"clear": "1", "time": "09:15"}).status_code == 302
    assert saved(db, world) is None
    assert "Nog geen vaste tijd" in client.get("/teams/wonen/standup").get_data(as_text=True)


def test_form_shows_the_error_next_to_its_field(client, db, world):
    """No time but a day: 422, the message under the time field, the ticked days kept."""
    login(client, "anna@test.example")
    response = client.post(SCHEDULE_PATH, data={"time": "", "weekdays": ["sat"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="field-error" id="time-error">Kies een tijd voor de stand-up.</p>' in page
    assert 'aria-invalid="true" aria-describedby="time-error"' in page
    assert 'value="sat" checked' in page and 'value="mon" checked' not in page
    response = client.post(SCHEDULE_PATH, data={"time": "09:15"})
    assert 'id="weekdays-error">Kies minstens één dag voor de stand-up.' in response.get_data(
        as_text=True)
    assert saved(db, world) is None


def test_others_see_no_form_and_are_refused(client, db, world):
    """Carla reads Wonen's stand-up page without the form; her post is 403."""
    set_schedule(db, world.anna, world.wonen, time="09:15", weekdays=["mon"])
    login(client, "carla@test.example")
    page = client.get("/teams/wonen/standup").get_data(as_text=True)
    assert "Stand-up: ma om 09:15" in page and SCHEDULE_PATH not in page
    assert client.post(SCHEDULE_PATH, data={"clear": "1"}).status_code == 403
    assert saved(db, world) is not None
