"""The calendar feed: my open actions this cycle and the next, the cycle boundaries, my teams'
stand-ups; a revoked or unknown link is 404 (on SQLite and PostgreSQL)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from boards import actions, calendar_feed, standup
from boards.cycles import current_cycle
from boards.unit_of_work import unit_of_work

from .conftest import Api, login, make_app
from .factories import PASSWORD


@pytest.fixture
def make_public_app(db_url, world):
    """Apps on the test database whose links start at https://bord.example.nl."""
    made = []

    def make(**overrides):
        made.append(make_app(db_url, PUBLIC_URL="https://bord.example.nl", **overrides))
        return made[-1]
    yield make
    for application in made:
        application.extensions["verbeterbord.db"].dispose()


def _feed_url(api):
    response = api.post("/me/calendar")
    assert response.status_code == 201, response.get_json()
    url = response.get_json()["url"]
    assert url.startswith("https://bord.example.nl/calendar/") and url.endswith(".ics")
    return url.removeprefix("https://bord.example.nl")


def test_feed_holds_exactly_my_open_actions(make_public_app, db, world):
    """Open actions of mine this cycle and next (due date, else cycle end); nobody else's,
    nothing done, nothing older; cycle starts and ends as all-day events."""
    app = make_public_app()
    client = app.test_client()
    with unit_of_work(db) as s:
        cycle = current_cycle(s)
        due = cycle.start + timedelta(days=3)
        mine = actions.create_action(
            s, world.anna, "wonen", title="Mijn actie", due_date=due
        ).action
        later = actions.create_action(s, world.anna, "wonen", title="Volgende cyclus",
                                      cycle_number=cycle.number + 1).action
        actions.create_action(s, world.anna, "wonen", title="Al klaar", status="done")
        old = actions.create_action(s, world.anna, "wonen", title="Oud").action
        old.cycle_number = cycle.number - 1  # as if made a cycle ago (services plan no past)
        s.commit()
        actions.create_action(s, world.bert, "wonen", title="Van Bert")
    api = Api(client, client.post("/api/v1/tokens", json={
        "email": "anna@test.example", "password": PASSWORD}).get_json()["token"])
    path = _feed_url(api)
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    items = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert items["Mijn actie"].decoded("dtstart") == due
    assert items["Volgende cyclus"].decoded("dtstart") == cycle.end + timedelta(
        days=(cycle.end - cycle.start).days + 1)
    assert items["Mijn actie"]["url"] == f"https://bord.example.nl/actions/{mine.id}"
    action_titles = {t for t in items if not t.startswith(("Start van", "Einde van"))}
    assert action_titles == {"Mijn actie", "Volgende cyclus"}
    assert {t for t in items if t.startswith(("Start van", "Einde van"))} == {
        f"Start van cyclus {cycle.number}", f"Einde van cyclus {cycle.number}",
        f"Start van cyclus {cycle.number + 1}", f"Einde van cyclus {cycle.number + 1}"}
    assert later.id  # created in the next cycle
    # A new link: the old one is 404 from then on, the new one works.
    newer = _feed_url(api)
    assert client.get(path).status_code == 404
    assert client.get(newer).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_me_page_makes_a_link(make_public_app, world):
    """/me offers the link; the form answers with the new link to copy."""
    client = make_public_app().test_client()
    login(client, "anna@test.example")
    page = client.get("/me").get_data(as_text=True)
    assert "/me/calendar" in page
    shown = client.post("/me/calendar").get_data(as_text=True)
    assert 'data-copy="calendar-url"' in shown
    assert "https://bord.example.nl/calendar/" in shown


def test_api_refuses_unknown_fields_and_anonymous(make_public_app, world):
    """No token: 401; a body with fields: 422."""
    client = make_public_app().test_client()
    assert client.post("/api/v1/me/calendar").status_code == 401
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    response = client.post("/api/v1/me/calendar", json={"x": 1},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422


def _standups(client, path):
    calendar = Calendar.from_ical(client.get(path).data)
    return calendar, [e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Stand")]


def test_feed_holds_my_teams_stand_ups(make_public_app, db, world):
    """A schedule of my team: one 15-minute event at 09:15 Amsterdam time on each of its days this
    cycle and next, with stable UIDs and a VTIMEZONE; another team's is not in it; none once
    cleared."""
    client = make_public_app().test_client()
    amsterdam = ZoneInfo("Europe/Amsterdam")
    with unit_of_work(db) as s:
        standup.set_standup_schedule(s, world.anna, "wonen", time="09:15",
                                     weekdays=["mon", "wed", "fri"])
        standup.set_standup_schedule(s, world.carla, "zorg", time="10:00", weekdays=["tue"])
        cycle = current_cycle(s)
        token = calendar_feed.new_calendar_token(s, world.anna)
    path = f"/calendar/{token}.ics"
    length = (cycle.end - cycle.start).days + 1
    days = [cycle.start + timedelta(days=n) for n in range(2 * length)]
    expected = {datetime.combine(day, time(9, 15), tzinfo=amsterdam)
                for day in days if day.weekday() in (0, 2, 4)}
    calendar, items = _standups(client, path)
    assert {str(e["summary"]) for e in items} == {"Stand-up Wonen"}
    assert len(items) == len(expected)
    assert {e.decoded("dtstart") for e in items} == expected
    for item in items:
        assert item["dtstart"].params["TZID"] == "Europe/Amsterdam"
        assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(minutes=15)
        assert item["url"] == "https://bord.example.nl/teams/wonen/standup"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    uids = sorted(str(e["uid"]) for e in items)
    assert len(set(uids)) == len(uids)
    assert sorted(str(e["uid"]) for e in _standups(client, path)[1]) == uids
    with unit_of_work(db) as s:
        standup.set_standup_schedule(s, world.bert, "wonen", time=None, weekdays=None)
    calendar, items = _standups(client, path)
    assert items == [] and calendar.walk("VTIMEZONE") == []
