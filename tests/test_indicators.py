"""Indicators of goals, their values, pasted columns and baselines: services, API and exports,
on SQLite and PostgreSQL."""

import csv
import io
from decimal import Decimal

import pytest
from sqlmodel import select

from boards import goals, indicator_reads, indicators, people
from boards.errors import Conflict, Forbidden, Invalid
from boards.models import Event, IndicatorValue
from boards.periods import parse_period
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD


@pytest.fixture
def team_goal(db, world):
    """A short-term goal of team Wonen (set by Anna)."""
    with unit_of_work(db) as s:
        return goals.create_team_goal(s, world.anna, world.wonen, title="Sneller terugbellen",
                                      horizon="short", parent_id=world.long_goal).goal.id


def _new(api, goal_id, **body):
    body = {"name": "Wachttijd", "unit": "dagen", "direction": "down", "period": "month",
            **body}
    response = api.post(f"/goals/{goal_id}/indicators", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["indicator"]


def _put(api, indicator_id, period, value):
    return api.client.put(f"/api/v1/indicators/{indicator_id}/values/{period}",
                          json={"value": value}, headers=api._headers())


def _values(api, indicator_id):
    body = api.get(f"/indicators/{indicator_id}").get_json()["indicator"]
    return {v["period"]: v["value"] for v in body["values"]}


def _events(db, kind):
    with db.reader() as s:
        return s.exec(select(Event).where(Event.kind == kind).order_by(Event.id)).all()


def test_member_adds_an_indicator_to_the_teams_goal(api_as, db, world, team_goal):
    """201 with the indicator; it is listed under its goal and its creation is logged."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal, target=2, decimals=0)
    assert (made["goal_id"], made["name"], made["unit"], made["direction"], made["period"],
            made["target"], made["decimals"], made["version"], made["retired"]) == \
        (team_goal, "Wachttijd", "dagen", "down", "month", 2.0, 0, 1, False)
    listed = anna.get(f"/goals/{team_goal}/indicators").get_json()
    assert [i["id"] for i in listed["indicators"]] == [made["id"]]
    logged = _events(db, "indicator_created")
    assert len(logged) == 1 and logged[0].goal_id == team_goal
    assert logged[0].after["indicator_id"] == made["id"] and logged[0].person_id == world.anna
    detail = anna.get(f"/indicators/{made['id']}").get_json()["indicator"]
    assert (detail["values"], detail["limits"], detail["signals"], detail["baseline"]) == \
        ([], [], [], None)
    assert parse_period("month", detail["current_period"]).key == detail["current_period"]


def test_indicator_input_is_checked(api_as, team_goal):
    """Direction, period, decimals and target are checked (422 naming the field); unknown
    fields are refused."""
    anna = api_as("anna@test.example")
    for body, field in (({"direction": "sideways"}, "direction"), ({"period": "year"}, "period"),
                        ({"decimals": 7}, "decimals"), ({"target": "veel"}, "target"),
                        ({"name": ""}, "name"), ({"colour": "red"}, "colour")):
        full = {"name": "Wachttijd", "direction": "down", "period": "week", **body}
        response = anna.post(f"/goals/{team_goal}/indicators", full)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["field"] == field, body


def test_outsiders_may_read_but_not_manage_or_measure(api_as, world, team_goal):
    """Carla (team Zorg) gets 403 for adding, editing, entering and baselines; reading is open."""
    anna, carla = api_as("anna@test.example"), api_as("carla@test.example")
    made = _new(anna, team_goal)
    assert carla.post(f"/goals/{team_goal}/indicators", {
        "name": "X", "direction": "up", "period": "week"}).status_code == 403
    assert carla.patch(f"/indicators/{made['id']}", {"version": 1, "name": "Y"}).status_code \
        == 403
    assert _put(carla, made["id"], "2025-02", 3).status_code == 403
    assert carla.post(f"/indicators/{made['id']}/baseline", {"from": "2025-02"}).status_code \
        == 403
    assert carla.get(f"/indicators/{made['id']}").status_code == 200
    assert _put(api_as("bert@test.example"), made["id"], "2025-02", 3).status_code == 201


def test_long_term_goal_indicators(db, world):
    """Long-term goals: admins (and the Team van teams) manage the indicators; members of the
    teams working on the ambition enter values; someone in no such team may not."""
    with unit_of_work(db) as s:
        loner = people.create_person(s, name="Dirk Dijk", email="dirk@test.example",
                                     password=PASSWORD)
        with pytest.raises(Forbidden):
            indicators.create_indicator(s, world.anna, world.long_goal, name="Cijfer",
                                        direction="up", period="month")
        made = indicators.create_indicator(s, world.admin, world.long_goal, name="Cijfer",
                                           direction="up", period="month")
        assert made.team_slugs == ("wonen", "zorg")
        indicators.set_value(s, world.carla, made.indicator.id, "2025-03", "7,9")
        with pytest.raises(Forbidden):
            indicators.set_value(s, loner.id, made.indicator.id, "2025-04", "8")
        s.commit()


def test_values_for_weeks_months_and_cycles(db, world, team_goal):
    """Each period kind takes its own keys, written canonically; a period that has not started,
    or a week that does not exist, is refused."""
    with unit_of_work(db) as s:
        week = indicators.create_indicator(s, world.anna, team_goal, name="Telefoon",
                                           direction="up", period="week").indicator
        month = indicators.create_indicator(s, world.anna, team_goal, name="Klachten",
                                            direction="down", period="month").indicator
        cycle = indicators.create_indicator(s, world.anna, team_goal, name="Klaar",
                                            direction="up", period="cycle").indicator
        assert indicators.set_value(s, world.anna, week.id, "2025-w7", 12).value[0] == "2025-W07"
        assert indicators.set_value(s, world.anna, week.id, "2020-W53", 1).created
        assert indicators.set_value(s, world.anna, month.id, "2025-2", "0,1").value[0] == \
            "2025-02"
        assert indicators.set_value(s, world.anna, cycle.id, str(world.cycle), 4).value[0] == \
            str(world.cycle)
        for indicator, bad in ((week, "2025-W53"), (week, "9999-W01"), (week, "2025-02"),
                               (month, "2025-13"), (month, "9999-01"), (month, "2025-W07"),
                               (cycle, str(world.cycle + 1)), (cycle, "0"), (cycle, "2025-02"),
                               (month, "٢٠٢٥-٠٢"), (week, "２０２５-W07"), (cycle, "١"),
                               (week, "2025-W0٧")):
            with pytest.raises(Invalid) as caught:
                indicators.set_value(s, world.anna, indicator.id, bad, 1)
            assert caught.value.field == "period", bad
        s.commit()
    with db.reader() as s:
        stored = s.exec(select(IndicatorValue).order_by(IndicatorValue.id)).all()
        assert [(v.period, v.value) for v in stored] == [
            ("2025-W07", Decimal(12)), ("2020-W53", Decimal(1)), ("2025-02", Decimal("0.1")),
            (str(world.cycle), Decimal(4))]
        assert stored[0].ordinal > stored[1].ordinal  # ordered in time, not by text


def test_values_are_exact_on_both_databases(api_as, team_goal):
    """Decimals read back as entered: 0,1 is 0.1 and the largest value keeps all its digits."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    for period, value in (("2025-01", "0,1"), ("2025-02", "999.999.999,999999"),
                          ("2025-03", -3.25)):
        assert _put(anna, made["id"], period, value).status_code == 201
    assert _values(anna, made["id"]) == {"2025-01": 0.1, "2025-02": 999999999.999999,
                                         "2025-03": -3.25}
    for value in ("1.000.000.000", "0,1234567", True, None, "NaN", "7,9 dagen"):
        response = _put(anna, made["id"], "2025-04", value)
        assert response.status_code == 422 and response.get_json()["field"] == "value", value


def test_a_correction_keeps_the_old_value_in_the_log(api_as, db, world, team_goal):
    """201 for a new period, 200 for a correction (logged with before and after), and the same
    value again changes nothing and logs nothing."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    first = _put(anna, made["id"], "2025-06", 7.9)
    assert first.status_code == 201
    assert first.get_json()["value"] == {"period": "2025-06", "value": 7.9}
    again = _put(anna, made["id"], "2025-06", "8,1")
    assert again.status_code == 200 and again.get_json()["value"]["value"] == 8.1
    assert _put(anna, made["id"], "2025-06", "8.10").status_code == 200
    corrected = _events(db, "indicator_value_corrected")
    assert len(corrected) == 1 and len(_events(db, "indicator_value_entered")) == 1
    assert (corrected[0].before["value"], corrected[0].after["value"]) == ("7.9", "8.1")
    assert corrected[0].after["period"] == "2025-06" and corrected[0].goal_id == team_goal
    assert _values(anna, made["id"]) == {"2025-06": 8.1}


PASTED = "Periode\tWachttijd\n2025-01\t7,9\n2025-02\t1.234,5\n\n2025-03;8\n2024-12\t6\n"


def test_pasted_columns_with_dutch_decimal_commas(api_as, db, team_goal):
    """A header, tabs or semicolons, decimal commas and history before the indicator: stored
    in period order, one Event holding them all."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    response = anna.post(f"/indicators/{made['id']}/values", {"text": PASTED})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["changed"] == ["2025-01", "2025-02", "2025-03", "2024-12"]
    assert [(v["period"], v["value"]) for v in body["indicator"]["values"]] == [
        ("2024-12", 6), ("2025-01", 7.9), ("2025-02", 1234.5), ("2025-03", 8)]
    logged = _events(db, "indicator_values_pasted")
    assert len(logged) == 1 and logged[0].after["values"]["2025-02"] == "1234.5"
    assert logged[0].before["values"] == {}


def test_a_bad_pasted_line_stores_nothing_and_is_named(api_as, db, team_goal):
    """Line 3 is wrong: 422 naming line 3 (in Dutch by default), and neither the correction on
    line 2 nor the new value on line 4 is stored."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    anna.post(f"/indicators/{made['id']}/values", {"text": "2025-01;7,9"})
    before = len(_events(db, "indicator_values_pasted"))
    for text, line in (("Periode;Waarde\n2025-01;8\n2025-02;7,9,1\n2025-04;3", 3),
                       ("2025-01;8\n\n2025-14;3", 3), ("2025-01;8\n2025-02;1\n2025-01;2", 3),
                       ("2025-01;8\n2025-02\n", 2), ("2025-01;8\n9999-01;2", 2),
                       ("2025-01;8\n٢٠٢٥-٠٢;2", 2), ("2025-01;8\n2025-02;٧", 2)):
        response = anna.post(f"/indicators/{made['id']}/values", {"text": text})
        problem = response.get_json()
        assert response.status_code == 422, text
        assert (problem["field"], problem["item"]) == ("text", line), text
        assert f"Regel {line}:" in problem["detail"], problem["detail"]
    assert _values(anna, made["id"]) == {"2025-01": 7.9}
    assert len(_events(db, "indicator_values_pasted")) == before
    assert anna.post(f"/indicators/{made['id']}/values", {"text": " \n"}).status_code == 422


def test_a_new_baseline_from_a_chosen_period(api_as, db, team_goal):
    """201 and logged with the baseline it replaces; the same one again is 200 and not logged;
    a period that has not started is refused."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    anna.post(f"/indicators/{made['id']}/values", {"text": PASTED})
    first = anna.post(f"/indicators/{made['id']}/baseline", {"from": "2025-01"})
    assert first.status_code == 201 and first.get_json()["indicator"]["baseline"] == "2025-01"
    second = anna.post(f"/indicators/{made['id']}/baseline", {"from": "2025-2"})
    assert second.status_code == 201
    assert [b["from"] for b in second.get_json()["indicator"]["baselines"]] == \
        ["2025-01", "2025-02"]
    assert anna.post(f"/indicators/{made['id']}/baseline", {"from": "2025-02"}).status_code \
        == 200
    logged = _events(db, "indicator_baseline_started")
    assert [(e.before["from"], e.after["from"]) for e in logged] == \
        [(None, "2025-01"), ("2025-01", "2025-02")]
    with db.reader() as s:
        view = indicator_reads.indicator_view(s, made["id"])
        assert [v.period for v in view.since_baseline] == ["2025-02", "2025-03"]
    refused = anna.post(f"/indicators/{made['id']}/baseline", {"from": "9999-01"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "from"


def test_edit_and_retire_keep_the_history(api_as, db, world, team_goal):
    """An edit carries its version (409 when stale); the period cannot change; a retired
    indicator keeps its values and refuses new ones (409)."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    _put(anna, made["id"], "2025-01", 5)
    edited = anna.patch(f"/indicators/{made['id']}", {"version": 1, "name": "Doorlooptijd",
                                                      "target": "1,5", "direction": "down"})
    assert edited.status_code == 200
    assert (edited.get_json()["indicator"]["name"], edited.get_json()["indicator"]["target"],
            edited.get_json()["indicator"]["version"]) == ("Doorlooptijd", 1.5, 2)
    assert anna.patch(f"/indicators/{made['id']}", {"version": 1, "name": "Z"}).status_code \
        == 409
    period = anna.patch(f"/indicators/{made['id']}", {"version": 2, "period": "week"})
    assert period.status_code == 422 and period.get_json()["field"] == "period"
    retired = anna.post(f"/indicators/{made['id']}/retire", {"version": 2})
    assert retired.status_code == 200 and retired.get_json()["indicator"]["retired"] is True
    assert _put(anna, made["id"], "2025-02", 6).status_code == 409
    assert _values(anna, made["id"]) == {"2025-01": 5}
    listed = anna.get(f"/goals/{team_goal}/indicators").get_json()["indicators"]
    assert [(i["id"], i["retired"]) for i in listed] == [(made["id"], True)]
    assert [e.kind for e in _events(db, "indicator_retired")] == ["indicator_retired"]
    with unit_of_work(db) as s, pytest.raises(Conflict):
        indicators.start_baseline(s, world.anna, made["id"], "2025-01")


def test_exports_are_formula_safe_and_paste_back(api_as, client, team_goal):
    """CSV: period and value (decimal comma in Dutch), the name cell neutralised, a negative
    value kept as a number; pasting the CSV into another indicator gives the same values.
    JSON in the API's shape."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal, name="=HYPERLINK(\"http://x\")", unit="")
    for period, value in (("2025-01", "7,9"), ("2025-02", "-3,5"), ("2024-11", 12)):
        _put(anna, made["id"], period, value)
    response = client.get(f"/indicators/{made['id']}/values.csv", headers=anna._headers())
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["Periode", "'=HYPERLINK(\"http://x\")"], ["2024-11", "12"],
                    ["2025-01", "7,9"], ["2025-02", "-3,5"]]
    other = _new(anna, team_goal, name="Kopie")
    assert anna.post(f"/indicators/{other['id']}/values", {"text": text}).status_code == 200
    assert _values(anna, other["id"]) == _values(anna, made["id"])
    exported = client.get(f"/indicators/{made['id']}/values.json", headers=anna._headers())
    assert exported.status_code == 200 and "attachment" in exported.headers[
        "Content-Disposition"]
    assert exported.get_json()["indicator"]["values"][0] == {
        **exported.get_json()["indicator"]["values"][0], "period": "2024-11", "value": 12}
    assert client.get(f"/indicators/{made['id']}/values.csv").status_code == 401


def test_english_export_and_errors(api_as, client, world, team_goal):
    """In English the CSV has a decimal point and a pasted error says 'Line'."""
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    _put(anna, made["id"], "2025-01", "7,9")
    login(client, "anna@test.example")
    client.post("/language", data={"lang": "en"})
    text = client.get(f"/indicators/{made['id']}/values.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines() == ["Period;Wachttijd (dagen)", "2025-01;7.9"]


def test_changes_are_published_to_the_goals_boards(app, api_as, monkeypatch, team_goal):
    """A value entered through the write door is sent as indicator.changed to team Wonen's
    board with the log's sequence number; a value that did not change is not sent."""
    from app import broadcast
    sent = []
    monkeypatch.setattr(broadcast.socketio, "emit",
                        lambda event, payload, to: sent.append((event, payload, to)))
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    _put(anna, made["id"], "2025-01", 3)
    _put(anna, made["id"], "2025-01", 3)
    assert [(e, to) for e, _p, to in sent] == [("indicator.created", ["board:wonen"]),
                                               ("indicator.changed", ["board:wonen"])]
    payload = sent[1][1]
    assert payload["periods"] == ["2025-01"] and payload["indicator"]["id"] == made["id"]
    assert type(payload["seq"]) is int


def test_the_log_tells_values_in_the_readers_language(app, api_as, db, team_goal):
    """A correction reads 'corrigeerde ... van 7,9 naar 8,1' in Dutch, '7.9 to 8.1' in English;
    a paste says how many values."""
    from flask_babel import force_locale

    from app.history import described
    anna = api_as("anna@test.example")
    made = _new(anna, team_goal)
    _put(anna, made["id"], "2025-06", 7.9)
    _put(anna, made["id"], "2025-06", "8,1")
    anna.post(f"/indicators/{made['id']}/values", {"text": "2025-07;1\n2025-08;2"})
    with db.reader() as s, app.test_request_context():
        logged = s.exec(select(Event).where(Event.kind.like("indicator_%"))
                        .order_by(Event.id)).all()
        with force_locale("nl"):
            dutch = [text for _event, text in described(s, logged)]
        with force_locale("en"):
            english = [text for _event, text in described(s, logged)]
    assert dutch == [
        "Anna Ëlsen voegde de indicator 'Wachttijd' toe",
        "Anna Ëlsen vulde 7,9 in voor 2025-06 van 'Wachttijd'",
        "Anna Ëlsen corrigeerde 2025-06 van 'Wachttijd' van 7,9 naar 8,1",
        "Anna Ëlsen vulde 2 waarden van 'Wachttijd' in"]
    assert english[2] == "Anna Ëlsen corrected 2025-06 of 'Wachttijd' from 7.9 to 8.1"


def test_two_people_entering_the_same_new_period_at_once(db, world, team_goal):
    """The second write waits for the first (the indicator's row is locked) and becomes a
    correction: no duplicate period, no error, both logged."""
    import threading
    import time
    with unit_of_work(db) as s:
        indicator_id = indicators.create_indicator(s, world.anna, team_goal, name="Bellen",
                                                   direction="up", period="month").indicator.id
        s.commit()
    first_wrote, outcome = threading.Event(), {}

    def first():
        with unit_of_work(db) as s:
            outcome["first"] = indicators.set_value(s, world.anna, indicator_id, "2025-05", 4)
            first_wrote.set()
            time.sleep(0.5)  # the second writer is waiting for the lock meanwhile
            s.commit()

    def second():
        first_wrote.wait(5)
        with unit_of_work(db) as s:
            outcome["second"] = indicators.set_value(s, world.bert, indicator_id, "2025-05", 5)
            s.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome["first"].created and not outcome["second"].created
    with db.reader() as s:
        stored = s.exec(select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator_id)).all()
        assert [(v.period, v.value, v.person_id) for v in stored] == [
            ("2025-05", Decimal(5), world.bert)]
    assert [e.kind for e in _events(db, "indicator_value_corrected")] == \
        ["indicator_value_corrected"]


def test_a_goals_panel_reads_indicators_and_latest_values_at_once(db, world, team_goal):
    """Indicators of several goals and each one's latest value, retired ones left out unless
    asked for."""
    with unit_of_work(db) as s:
        first = indicators.create_indicator(s, world.anna, team_goal, name="A", direction="up",
                                            period="month").indicator
        second = indicators.create_indicator(s, world.admin, world.long_goal, name="B",
                                             direction="down", period="week").indicator
        gone = indicators.create_indicator(s, world.anna, team_goal, name="C", direction="up",
                                           period="cycle").indicator
        indicators.paste_values(s, world.anna, first.id, "2025-03;3\n2024-11;1\n2025-01;2")
        indicators.set_value(s, world.anna, second.id, "2025-W02", 9)
        indicators.retire_indicator(s, world.anna, gone.id, version=1)
        s.commit()
    with db.reader() as s:
        shown = indicator_reads.indicators_of_goals(s, [team_goal, world.long_goal])
        assert {goal: [i.name for i in rows] for goal, rows in shown.items()} == {
            team_goal: ["A"], world.long_goal: ["B"]}
        every = indicator_reads.indicators_of_goals(s, [team_goal], retired=True)
        assert [i.name for i in every[team_goal]] == ["A", "C"]
        latest = indicator_reads.latest_values(s, [first.id, second.id, gone.id])
        assert {k: (v.period, v.value) for k, v in latest.items()} == {
            first.id: ("2025-03", Decimal(3)), second.id: ("2025-W02", Decimal(9))}
        assert indicator_reads.latest_values(s, []) == {}
