"""SCIM 2.0 provisioning at /scim/v2: checked by scim2-tester and by hand."""

import pytest
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

from .conftest import make_app

SECRET = "directory-secret-for-tests"
AUTH = {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def scim_app(db_url, world):
    """The app with SCIM switched on."""
    application = make_app(db_url, SCIM_TOKEN=SECRET)
    yield application
    application.extensions["verbeterbord.db"].dispose()


def test_scim2_tester_finds_no_failure(scim_app):
    """scim2-tester runs its discovery, CRUD and PATCH checks against the app: none fails."""
    client = WSGISCIMClient(scim_app, base_url="http://localhost/scim/v2", headers=AUTH)
    results = check_server(client)
    failures = [f"{r.resource_type} {r.title}: {r.reason}" for r in results
                if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert not failures, "\n".join(failures)
    assert sum(r.status == Status.SUCCESS for r in results) > 20

