"""The API driven from its own OpenAPI document: thousands of generated requests, not one 500.

schemathesis generates requests for every operation in docs/openapi.json (valid and invalid
data), with a member's token, an admin's, a bogus one and none, against the real app on a real
database. Every answer must be documented (status, content type, body schema) and none may be
a server error; every answer follows the NL GOV API Design Rules (API-Version, problem details,
times in UTC). Some generated ids, slugs and versions are steered onto real ones, so that the
requests reach the services and really create, edit, move and close, not only the validators.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import OPENAPI
from boards import actions, ideas, indicators
from boards.access import is_id
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .conftest import make_app
from .factories import PASSWORD
from .test_api_rules import VERSION, assert_utc_times


def follows_the_api_rules(ctx, response, case):
    """The exact API-Version, a problem's status equal to the answer's, times UTC with Z."""
    assert response.headers.get("api-version") == [VERSION], response.headers
    if not response.content:
        return
    body = response.json()
    if response.status_code >= 400:
        assert body["status"] == response.status_code, body
    assert_utc_times(body)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, follows_the_api_rules]
CARDS = 12
IDEAS = 6


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_site(request, sqlite_templates, tmp_path_factory):
    """The app on a copy of the world with a dozen cards, and tokens of anna and the admin."""
    if request.param == "sqlite":
        copy = sqlite_templates.copy(tmp_path_factory.mktemp("fuzz"), with_world=True)
        yield from _site(copy)
    else:
        with request.getfixturevalue("postgres_templates").copy(with_world=True) as copy:
            yield from _site(copy)


def _site(copy):
    db = Database(copy.url)
    with unit_of_work(db) as session:
        for n in range(CARDS):
            actions.create_action(session, copy.world.anna, copy.world.wonen, title=f"Kaart {n}",
                                  goal_id=copy.world.short_goal if n % 2 else None)
        # Indicator 1, monthly, with a few values: steered ids and periods reach it.
        indicators.create_indicator(session, copy.world.admin, copy.world.short_goal,
                                    name="Wachttijd", direction="down", period="month")
        indicators.paste_values(session, copy.world.admin, 1, "2025-01;7,9\n2025-02;8")
        for n in range(IDEAS):
            ideas.post_idea(session, copy.world.carla, copy.world.wonen, title=f"Idee {n}")
        session.commit()
    app = make_app(copy.url)
    client = app.test_client()
    tokens = {who: client.post("/api/v1/tokens", json={
        "email": f"{who}@test.example", "password": PASSWORD}).get_json()["token"]
        for who in ("anna", "admin")}
    # The generated DELETE /tokens/{token_id} must not revoke the tokens the fuzzing uses.
    app.config["FUZZ_TOKEN_IDS"] = {
        t["id"] for token in tokens.values() for t in client.get(
            "/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).get_json()["tokens"]}
    yield app, db, tokens
    app.extensions["verbeterbord.db"].dispose()
    db.dispose()


# The document as it is in the repository; a test in test_openapi.py checks that the app
# serves exactly this file.
schema = schemathesis.openapi.from_path(str(OPENAPI))


def _steer(case, db, keep=()):
    """Point about half of the generated ids, slugs and versions at real ones (never at the
    tokens in `keep`)."""
    params = case.path_parameters or {}
    if params.get("token_id") in keep:
        params["token_id"] += 1000
    if isinstance(params.get("slug"), str) and len(params["slug"]) % 2 == 0:
        params["slug"] = "wonen"
    action_id = params.get("action_id")
    if isinstance(action_id, int) and action_id % 2 == 0:
        params["action_id"] = action_id % CARDS + 1
    goal_id = params.get("goal_id")
    if isinstance(goal_id, int) and goal_id % 2 == 0:
        params["goal_id"] = goal_id % 2 + 1  # the world's long- and short-term goal
    indicator_id = params.get("indicator_id")
    if isinstance(indicator_id, int) and indicator_id % 2 == 0:
        params["indicator_id"] = 1
    if isinstance(params.get("period"), str) and len(params["period"]) % 2 == 0:
        params["period"] = "2025-03"
    idea_id = params.get("idea_id")
    if isinstance(idea_id, int) and idea_id % 2 == 0:
        params["idea_id"] = idea_id % IDEAS + 1
    if isinstance(params.get("number"), int) and params["number"] % 2 == 0:
        params["number"] = 1 + params["number"] % 3
    body = case.body if isinstance(case.body, dict) else None
    if body is not None and is_id(params.get("action_id")) and "version" in body:
        with db.reader() as session:
            from boards.models import Action
            card = session.get(Action, params["action_id"])
        if card is not None and body["version"] != card.version and hash(str(body)) % 2 == 0:
            body["version"] = card.version
    if body is not None and is_id(params.get("goal_id")) and "version" in body:
        with db.reader() as session:
            from boards.models import Goal
            goal = session.get(Goal, params["goal_id"])
        if goal is not None and body["version"] != goal.version and hash(str(body)) % 2 == 0:
            body["version"] = goal.version
    if body is not None and is_id(params.get("idea_id")) and "version" in body:
        with db.reader() as session:
            from boards.models import Idea
            idea = session.get(Idea, params["idea_id"])
        if idea is not None and body["version"] != idea.version and hash(str(body)) % 2 == 0:
            body["version"] = idea.version


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request(case, fuzz_site):
    """No 500, every status and body as documented, whoever asks: a member, an admin, a forged
    token, no token."""
    app, db, tokens = fuzz_site
    _steer(case, db, app.config["FUZZ_TOKEN_IDS"])
    for headers in ({"Authorization": f"Bearer {tokens['anna']}"},
                    {"Authorization": f"Bearer {tokens['admin']}"},
                    {"Authorization": "Bearer not-a-real-token"}, {}):
        # Uncompressed: the schema describes the JSON, not brotli bytes (tests/test_wire.py
        # checks compression).
        case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS,
                               app=app)
