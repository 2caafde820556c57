"""docs/openapi.json describes the whole API, and nothing else; the app serves it."""

import json
import re

from openapi_spec_validator import validate

from app.api import OPENAPI

from .conftest import make_app

METHODS = {"get", "post", "patch", "put", "delete"}
TIME_MEMBERS = {"at", "created", "expires", "last_used", "since", "created_at", "expires_at",
                "last_used_at", "used_at", "ended_at", "closed_at"}


def _document():
    return json.loads(OPENAPI.read_text())


def test_document_is_valid_openapi_3_1():
    """The document validates against the OpenAPI 3.1 specification."""
    document = _document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_is_documented_and_every_documented_route_exists(tmp_path):
    """The app's /api/v1 routes and methods are exactly the document's operations."""
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods if method.lower() in METHODS}
    documented = {(path, method) for path, item in _document()["paths"].items()
                  for method in item if method in METHODS}
    assert routes == documented


def test_every_operation_documents_its_errors():
    """Each protected operation says what 401 looks like; each body-taking one 400 and 422."""
    for path, item in _document()["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if operation.get("security") != []:
                assert "401" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "422"} <= codes, (method, path)


def test_app_serves_the_document(client):
    """GET /api/v1/openapi.json answers the file, without a token, with its version in
    API-Version."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == _document()
    assert response.headers["API-Version"] == _document()["info"]["version"]


def test_errors_and_headers_are_documented():
    """Every error answer is documented as problem details, every answer with API-Version
    (NL GOV API Design Rules), every 401 with its WWW-Authenticate challenge."""
    document = _document()
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["required"])
    for path, item in document["paths"].items():
        assert not path.endswith("/"), path
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                where = (method, path, code)
                assert response["headers"]["API-Version"] == {
                    "$ref": "#/components/headers/API-Version"}, where
                if int(code) >= 400:
                    assert response["content"] == {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}, where
                if code == "401":
                    assert "WWW-Authenticate" in response["headers"], where


def test_version_is_semantic_and_in_the_changelog():
    """info.version is a full semantic version with an entry in docs/api-changelog.md."""
    version = _document()["info"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    changelog = (OPENAPI.parent / "api-changelog.md").read_text()
    assert re.search(rf"^## {re.escape(version)}\b", changelog, re.MULTILINE)


def test_times_are_documented_as_date_time():
    """Every documented time member says `format: date-time` (RFC 3339)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.get("properties", {}).items():
                if name in TIME_MEMBERS:
                    found.append((name, value))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_document())
    assert len(found) >= 7
    for name, schema in found:
        formats = {schema.get("format")} | {s.get("format") for s in schema.get("oneOf", [])}
        assert "date-time" in formats, (name, schema)
