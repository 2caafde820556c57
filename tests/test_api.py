"""JSON API: shapes, and every error path with its status and JSON body (SQLite and PostgreSQL)."""

import pytest


def error_of(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == code and isinstance(body["message"], str) and body["message"]
    return body


def test_token_flow(client):
    """Good credentials → 201 token; bad → 401; malformed → 400."""
    ok = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                             "password": "correct horse battery"})
    assert ok.status_code == 201 and len(ok.get_json()["token"]) > 20
    error_of(client.post("/api/v1/tokens", json={"email": "anna@test.example", "password": "nee"}),
             401, "unauthorized")
    error_of(
        client.post("/api/v1/tokens", data="nope", content_type="text/plain"), 400, "bad_request"
    )


def test_requests_without_valid_token_are_401(client):
    """No token, or a made-up one → 401 JSON."""
    error_of(client.get("/api/v1/teams"), 401, "unauthorized")
    error_of(client.get("/api/v1/teams", headers={"Authorization": "Bearer made-up"}),
             401, "unauthorized")


def test_teams_and_board_shape(api_as, world):
    """Teams list and a board with columns todo, doing, done."""
    api = api_as("carla@test.example")
    teams = api.get("/teams").get_json()["teams"]
    assert {t["slug"] for t in teams} == {"wonen", "zorg"}
    board = api.get("/teams/wonen/board").get_json()
    assert [c["key"] for c in board["columns"]] == ["todo", "doing", "done"]
    assert board["team"]["slug"] == "wonen" and board["cycle"]["number"] == world.cycle
    assert [a["title"] for a in board["ambitions"]] == ["Dienstverlening dichtbij"]
    assert {g["horizon"] for g in board["goals"]} == {"long", "short"}


def test_create_edit_move_and_events(api_as, world):
    """The whole life of an action through the API."""
    api = api_as("anna@test.example")
    created = api.post("/teams/wonen/actions", {"title": "Wachttijden meten",
                                                "goal_id": world.short_goal})
    assert created.status_code == 201
    action = created.get_json()["action"]
    assert action["owner"]["name"] == "Anna Ëlsen" and action["team"] == "wonen"
    assert (action["status"], action["version"], action["cycle"]) == ("todo", 1, world.cycle)
    edited = api.patch(f"/actions/{action['id']}", {"version": 1, "notes": "Ook in Baarle"})
    assert edited.status_code == 200 and edited.get_json()["action"]["version"] == 2
    moved = api.post(f"/actions/{action['id']}/move", {"status": "done", "version": 2,
                                                        "before_id": None, "after_id": None})
    assert moved.get_json()["action"]["status"] == "done"
    board = api.get("/teams/wonen/board").get_json()
    assert [a["id"] for a in board["columns"][2]["actions"]] == [action["id"]]
    events = api.get(f"/actions/{action['id']}/events").get_json()["events"]
    assert [e["kind"] for e in events] == ["created", "edited", "moved"]
    assert events[2]["text"].endswith("van Te doen naar Klaar")


def test_write_errors(api_as, world):
    """403 for another team, 404 unknown, 409 stale, 422 invalid, 400 not JSON."""
    anna, carla = api_as("anna@test.example"), api_as("carla@test.example")
    action = anna.post("/teams/wonen/actions", {"title": "Belscript"}).get_json()["action"]
    path = f"/actions/{action['id']}"
    error_of(carla.post("/teams/wonen/actions", {"title": "Niet mijn team"}), 403, "forbidden")
    error_of(carla.post(f"{path}/move", {"status": "done", "version": 1}), 403, "forbidden")
    error_of(anna.post("/teams/onbekend/actions", {"title": "x"}), 404, "not_found")
    error_of(anna.post("/actions/999999/move", {"status": "done", "version": 1}), 404, "not_found")
    error_of(anna.get("/actions/999999/events"), 404, "not_found")
    error_of(anna.get("/teams/onbekend/board"), 404, "not_found")
    anna.post(f"{path}/move", {"status": "doing", "version": 1})
    error_of(anna.post(f"{path}/move", {"status": "done", "version": 1}), 409, "conflict")
    error_of(anna.patch(path, {"version": 1, "title": "Oud"}), 409, "conflict")
    body = error_of(anna.post("/teams/wonen/actions", {"title": ""}), 422, "invalid")
    assert body["field"] == "title"
    error_of(anna.post(f"{path}/move", {"status": "later", "version": 2}), 422, "invalid")
    error_of(anna.post(f"{path}/move", {"status": "done"}), 422, "invalid")
    error_of(anna.patch(path, {"version": 2, "colour": "red"}), 422, "invalid")
    error_of(anna.patch(path, {"version": 2, "due_date": "morgen"}), 422, "invalid")
    error_of(anna.patch(path, {"version": 2, "needs_help": "ja"}), 422, "invalid")
    error_of(anna.post("/teams/wonen/actions", ["not", "an", "object"]), 422, "invalid")
    raw = anna.client.post("/api/v1/teams/wonen/actions", data="{broken",
                           headers={**anna._headers(), "Content-Type": "application/json"})
    assert raw.status_code in (400, 422) and "error" in raw.get_json()


def test_escalation_through_patch(api_as):
    """needs_help with a reason through PATCH; without a reason it is refused."""
    api = api_as("bert@test.example")
    action = api.post("/teams/wonen/actions", {"title": "Subsidie"}).get_json()["action"]
    error_of(
        api.patch(f"/actions/{action['id']}", {"version": 1, "needs_help": True}), 422, "invalid"
    )
    ok = api.patch(f"/actions/{action['id']}", {"version": 1, "needs_help": True,
                                                 "help_reason": "Budget onduidelijk"})
    assert ok.get_json()["action"]["needs_help"] is True


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/nope"), ("DELETE", "/api/v1/teams")])
def test_unknown_routes_answer_json(client, method, path):
    """Unknown paths and methods under /api are JSON errors too."""
    response = client.open(path, method=method)
    assert response.status_code in (404, 405) and response.is_json
