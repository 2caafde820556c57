"""docs/openapi.json describes the whole API, and nothing else; the app serves it."""

import json
import re

from openapi_spec_validator import validate

from app.api import OPENAPI

from .conftest import make_app

METHODS = {"get", "post", "patch", "put", "delete"}


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
    """GET /api/v1/openapi.json answers the file, without a token."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == _document()
