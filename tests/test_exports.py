"""Exports round-trip (CSV for Dutch Excel, JSON) and who may fetch them."""

import csv
import io

from boards import actions
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD

TITLES = ["Overleg met de wethouder over ruimte", "Café-avond in Ulvenhout", "Reünie vrijwilligers",
          "Naïeve aanname toetsen"]


def seed_titles(db, world):
    with unit_of_work(db) as s:
        for i, title in enumerate(TITLES):
            actions.create_action(s, world.anna, "wonen", title=title, goal_id=world.short_goal,
                                  status=("todo", "doing", "done")[i % 3])


def read_csv(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def bearer(client, email):
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_board_csv_round_trip_with_dutch_characters(client, db, world):
    """Titles with é, ë, ï survive; one row per card; goal path included."""
    seed_titles(db, world)
    login(client, "carla@test.example")
    response = client.get("/teams/wonen/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert sorted(r["title"] for r in rows) == sorted(TITLES)
    assert {r["short_goal"] for r in rows} == {"Terugbellen binnen een dag"}
    assert {r["owner"] for r in rows} == {"Anna Ëlsen"}


def test_board_json_export_with_token(client, db, world):
    """The JSON export has the board shape and the same titles."""
    seed_titles(db, world)
    data = client.get(
        "/teams/wonen/export.json", headers=bearer(client, "bert@test.example")
    ).get_json()
    titles = [a["title"] for column in data["columns"] for a in column["actions"]]
    assert sorted(titles) == sorted(TITLES) and len(data["columns"]) == 3


def test_cycle_and_overview_csv(client, db, world):
    """Cycle export lists every action; overview export counts per team."""
    seed_titles(db, world)
    headers = bearer(client, "carla@test.example")
    rows = read_csv(client.get(f"/cycles/{world.cycle}/export.csv", headers=headers))
    assert len(rows) == len(TITLES) and {r["outcome"] for r in rows} <= {"Klaar", "Nog open"}
    assert {r["status"] for r in rows} == {"Te doen", "Mee bezig", "Klaar"}
    overview = {r["team"]: r for r in read_csv(client.get("/overview/export.csv", headers=headers))}
    assert (overview["Wonen"]["todo"], overview["Wonen"]["doing"], overview["Wonen"]["done"]) == (
        "2", "1", "1")


def test_event_log_export_is_for_admins(client, db, world):
    """The full log: anonymous 401, member 403, admin gets every event."""
    seed_titles(db, world)
    assert client.get("/admin/events/export.csv").status_code == 401
    member = client.get("/admin/events/export.csv", headers=bearer(client, "anna@test.example"))
    assert member.status_code == 403
    rows = read_csv(
        client.get("/admin/events/export.csv", headers=bearer(client, "admin@test.example"))
    )
    assert sum(r["kind"] == "created" for r in rows) == len(TITLES)
    assert any("Café-avond" in r["after"] for r in rows)


def test_exports_need_a_login_or_token(client, world):
    """No session, no token: 401; a bad token too."""
    for path in ("/teams/wonen/export.csv", "/teams/wonen/export.json", "/overview/export.csv",
                 f"/cycles/{world.cycle}/export.csv", "/teams/wonen/print"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
