"""/api/v1 follows the NL GOV API Design Rules: problem details for every error, API-Version on
every answer, a public OpenAPI document with CORS, no redirects, times in RFC 3339 UTC."""

import json
import re
from urllib.parse import quote

import pytest
from werkzeug.http import HTTP_STATUS_CODES

from app.api import OPENAPI

from .conftest import make_app
from .factories import PASSWORD

VERSION = json.loads(OPENAPI.read_text())["info"]["version"]
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "error", "message"}
RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
# Every member that holds a time in some answer of the API (/me/export included).
TIME_KEYS = {"at", "created", "expires", "last_used", "since", "created_at", "help_since",
             "expires_at", "last_used_at", "used_at", "ended_at", "closed_at"}


def assert_problem(response, status, code):
    """An RFC 9457 problem with the 1.0 members, the version header and nothing cached."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.headers["API-Version"] == VERSION
    body = json.loads(response.get_data(as_text=True))
    assert PROBLEM_MEMBERS <= set(body), body
    assert body["type"] == "about:blank" and body["title"] == HTTP_STATUS_CODES[status]
    assert body["status"] == status and body["error"] == code
    assert isinstance(body["detail"], str) and body["detail"] and body["message"] == body["detail"]
    assert body["instance"] == quote(response.request.path, safe="/:@")
    return body


def times_in(value, key=None):
    """Every (member, text) under a time member anywhere in a JSON value."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in times_in(v, k)]
    if isinstance(value, list):
        return [found for item in value for found in times_in(item, key)]
    return [(key, value)] if key in TIME_KEYS and isinstance(value, str) else []


def assert_utc_times(body):
    """Each time in a body is RFC 3339 in UTC, written with Z."""
    for key, text in times_in(body):
        assert RFC3339_UTC.fullmatch(text), (key, text)


def _new_card(api, title="Kaart"):
    made = api.post("/teams/wonen/actions", {"title": title})
    assert made.status_code == 201, made.get_json()
    return made.get_json()["action"]


ERRORS = {
    "400 malformed body": lambda c, api: (
        c.post("/api/v1/tokens", data="nope", content_type="application/json"), 400, "bad_request"),
    "401 no token": lambda c, api: (c.get("/api/v1/teams"), 401, "unauthorized"),
    "401 wrong password": lambda c, api: (c.post("/api/v1/tokens", json={
        "email": "anna@test.example", "password": "not the password"}), 401, "unauthorized"),
    "403 admins only": lambda c, api: (api("anna").get("/people"), 403, "forbidden"),
    "403 not a member": lambda c, api: (
        api("carla").post("/teams/wonen/actions", {"title": "Niet mijn team"}), 403, "forbidden"),
    "404 unknown path": lambda c, api: (api("anna").get("/no-such-thing"), 404, "not_found"),
    "404 unknown team": lambda c, api: (api("anna").get("/teams/w%C3%B3nen%20x/board"), 404,
                                        "not_found"),
    "404 unknown action": lambda c, api: (api("anna").get("/actions/999999/events"), 404,
                                          "not_found"),
    "405 wrong method": lambda c, api: (c.put("/api/v1/teams"), 405, "method_not_allowed"),
    "409 stale version": lambda c, api: (api("anna").post(
        f"/actions/{_new_card(api('anna'))['id']}/move", {"status": "done", "version": 99}),
        409, "conflict"),
    "413 too large": lambda c, api: (c.post("/api/v1/tokens", data="x" * (1024 * 1024 + 1),
                                            content_type="application/json"), 413, "too_large"),
    "422 unknown field": lambda c, api: (
        api("anna").post("/teams/wonen/actions", {"title": "x", "colour": "rood"}), 422, "invalid"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_are_problem_details(client, api_as, case):
    """Each error status under /api/v1 answers application/problem+json with type, title,
    status, detail and instance, and still error and message."""
    response, status, code = ERRORS[case](client, lambda who: api_as(f"{who}@test.example"))
    body = assert_problem(response, status, code)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    if case == "422 unknown field":
        assert body["field"] == "colour"


def test_domain_error_keeps_field_and_item(api_as, world):
    """A refused cycle close names the field and the action it concerns as in 1.0."""
    anna = api_as("anna@test.example")
    card = _new_card(anna)
    response = anna.post(f"/teams/wonen/cycles/{world.cycle}/close",
                         {"decisions": [{"action_id": card["id"], "decision": "drop"}]})
    body = assert_problem(response, 422, "invalid")
    assert (body["field"], body["item"]) == ("reason", card["id"])


def test_rate_limit_is_a_problem(db_url, world):
    """The limiter's 429 is problem details with Retry-After and the version header."""
    app = make_app(db_url, TOKEN_LIMIT_ADDRESS="2 per minute")
    client = app.test_client()
    for _ in range(2):
        client.post("/api/v1/tokens", json={"email": "anna@test.example", "password": PASSWORD})
    refused = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                  "password": PASSWORD})
    assert_problem(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    app.extensions["verbeterbord.db"].dispose()


def test_server_error_is_a_problem(db_url, world):
    """An unexpected exception in an API view is a 500 problem, not a page or a traceback."""
    app = make_app(db_url, PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/broken", "broken", broken)
    body = assert_problem(app.test_client().get("/api/v1/broken"), 500, "server_error")
    assert "a bug" not in json.dumps(body)
    app.extensions["verbeterbord.db"].dispose()


def test_api_version_on_every_answer(client, api_as):
    """API-Version equals info.version (a full semantic version) on data, 204, errors and the
    document itself."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    anna = api_as("anna@test.example")
    token_id = anna.get("/tokens").get_json()["tokens"][0]["id"]
    answers = [anna.get("/teams"), client.get("/api/v1/openapi.json"),
               client.get("/api/v1/teams"), anna.get("/nothing/here"),
               api_as("bert@test.example").delete(f"/tokens/{token_id}"),
               anna.delete(f"/tokens/{token_id}")]
    assert [a.status_code for a in answers] == [200, 200, 401, 404, 404, 204]
    assert all(a.headers["API-Version"] == VERSION for a in answers)
    # Not on pages: the header is the API's.
    assert "API-Version" not in client.get("/login").headers


def test_openapi_document_is_public_and_open_to_every_origin(client):
    """The document: no token, CORS open; the credentialed API never answers with that header."""
    origin = {"Origin": "https://elders.example"}
    document = client.get("/api/v1/openapi.json", headers=origin)
    assert document.status_code == 200 and document.get_json()["info"]["version"] == VERSION
    assert document.headers["Access-Control-Allow-Origin"] == "*"
    assert "API-Version" in document.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/openapi.json", headers=origin)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    for path in ("/api/v1/teams", "/api/v1/me/export", "/api/v1/tokens", "/api/v1/nope"):
        assert "Access-Control-Allow-Origin" not in client.get(path, headers=origin).headers
    login = client.post("/api/v1/tokens", headers=origin,
                        json={"email": "anna@test.example", "password": PASSWORD})
    assert login.status_code == 201 and "Access-Control-Allow-Origin" not in login.headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/actions/1/",
        "/api/v1/teams/",
        "/api/v1/teams/wonen/board/",
        "/api/v1/openapi.json/",
        "/api/v1/",
        "/api/v1//teams",
        "/api/v1/teams//wonen/board",
    ],
)
def test_no_redirect_under_the_api(api_as, path):
    """A trailing or doubled slash is a 404 problem, never a redirect to another path."""
    anna = api_as("anna@test.example")
    response = anna.client.get(path, headers=anna._headers())
    assert "Location" not in response.headers
    assert_problem(response, 404, "not_found")


def test_no_api_route_ends_in_a_slash(app):
    """No rule under /api/v1 ends in `/` (werkzeug would redirect the path without it)."""
    rules = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert rules and not [r for r in rules if r.endswith("/")]


def test_times_are_rfc3339_utc(client, api_as, world):
    """Every time the API answers is UTC with Z: tokens, events (also a deleted card's record),
    escalations, webhooks, password links and the personal data download."""
    anna, admin = api_as("anna@test.example"), api_as("admin@test.example")
    card = _new_card(anna)
    helped = anna.patch(f"/actions/{card['id']}", {"version": card["version"], "needs_help": True,
                                                   "help_reason": "Vast"}).get_json()["action"]
    assert anna.delete(f"/actions/{card['id']}", {"version": helped["version"]}).status_code == 200
    assert admin.post("/webhooks", {"url": "https://hooks.example.org/in", "secret": "s" * 20,
                                    "events": ["*"]}).status_code == 201
    _new_card(anna, "Hulp nodig")
    other = _new_card(anna, "Nog een")
    anna.patch(f"/actions/{other['id']}", {"version": 1, "needs_help": True, "help_reason": "Hulp"})
    answers = [anna.get("/tokens"), anna.get(f"/actions/{card['id']}/events"),
               anna.get("/overview"), admin.get("/webhooks"), anna.get("/me/export"),
               admin.post(f"/people/{world.bert}/reset-link")]
    assert all(a.status_code in (200, 201) for a in answers), [a.get_json() for a in answers]
    found = [t for a in answers for t in times_in(a.get_json())]
    for answer in answers:
        assert_utc_times(answer.get_json())
    assert {"at", "created", "expires", "since", "created_at", "help_since",
            "expires_at"} <= {key for key, _ in found}


def test_time_format():
    """timestamp(): UTC with Z, other offsets converted, stored times without offset read as UTC."""
    from datetime import datetime, timedelta, timezone

    from app.serializers import logged_state, timestamp
    amsterdam = timezone(timedelta(hours=1))
    assert timestamp(datetime(2026, 12, 7, 11, 0, tzinfo=amsterdam)) == "2026-12-07T10:00:00Z"
    assert timestamp(datetime(2026, 12, 7, 10, 0)) == "2026-12-07T10:00:00Z"
    assert timestamp(datetime(2026, 12, 7, 10, 0, 0, 250000, tzinfo=timezone.utc)) == \
        "2026-12-07T10:00:00.250000Z"
    assert timestamp(None) is None
    assert logged_state({"created_at": "2026-12-07T10:00:00", "help_since": None,
                         "title": "2026-12-07T10:00:00"}) == {
        "created_at": "2026-12-07T10:00:00Z", "help_since": None, "title": "2026-12-07T10:00:00"}
