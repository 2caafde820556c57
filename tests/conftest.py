"""Fixtures: a real database per test (SQLite file or PostgreSQL schema), the app, clients."""

import os
from dataclasses import replace

# Cheap argon2 for every password the tests make or check. boards.people reads this when it is
# imported, so it is set before anything imports the app (gunicorn servers inherit it).
os.environ["VERBETERBORD_FAST_HASHING"] = "1"

import pytest  # noqa: E402

from app import create_app  # noqa: E402
from boards.db import Database  # noqa: E402

from .databases import PostgresTemplates, SqliteTemplates, require_postgres  # noqa: E402
from .factories import PASSWORD  # noqa: E402


@pytest.hookimpl(wrapper=True)  # around the others: marked before `-m` selects
def pytest_collection_modifyitems(items):
    """Mark every test that runs on PostgreSQL `postgres`, so `-m "not postgres"` leaves SQLite.

    A test runs on PostgreSQL when one of its fixtures is parametrised with "postgres" (as
    `database_copy` is) or when it uses the PostgreSQL templates directly.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgres" in callspec.params.values()
        if on_postgres or "postgres_templates" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    return (yield)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    """Migrated SQLite files (with and without the world), made once per session."""
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_templates():
    """Migrated PostgreSQL template schemas for this session, dropped at its end."""
    require_postgres()
    with PostgresTemplates() as templates:
        yield templates


@pytest.fixture(params=["sqlite", "postgres"])
def database_copy(request, tmp_path):
    """Each test using this runs on SQLite and on PostgreSQL, on a copy of a migrated template.

    When the test uses `world`, the copy comes from a template with the world already built.
    """
    with_world = "world" in request.fixturenames
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_templates").copy(tmp_path, with_world=with_world)
    else:
        with request.getfixturevalue("postgres_templates").copy(with_world=with_world) as copy:
            yield copy


@pytest.fixture
def db_url(database_copy):
    """The URL of the test's own database."""
    return database_copy.url


@pytest.fixture
def db(db_url):
    """The Database on the test's URL."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def world(database_copy):
    """Two teams, four people, goals and the current cycle (copied in with the database)."""
    assert database_copy.world is not None, "ask for `world` as a fixture argument"
    return replace(database_copy.world)  # a test may change its copy, not the next test's


PUBLIC_URL = "https://verbeterbord.test"


# What webhook host names resolve to in tests: nothing is ever looked up or sent there (the
# tests that deliver use a receiver on 127.0.0.1 and WEBHOOK_ALLOW_PRIVATE_TARGETS).
TEST_HOSTS = {"localhost": ["127.0.0.1", "::1"]}
TEST_PUBLIC_ADDRESS = "145.100.1.1"


def test_resolver(host, _port):
    """Names under example (hooks.example.nl, hooks.test.example) are public; others unknown."""
    if host in TEST_HOSTS:
        return TEST_HOSTS[host]
    labels = host.lower().split(".")
    return [TEST_PUBLIC_ADDRESS] if "example" in labels else []


def make_app(db_url, **overrides):
    """An app on the test database (threading mode: no server runs in-process)."""
    config = {"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
              "SOCKETIO_ASYNC_MODE": "threading", "WTF_CSRF_ENABLED": False,
              "PUBLIC_URL": PUBLIC_URL, "WEBHOOK_RESOLVER": test_resolver}
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(db_url, world):
    """The app, with the test world in its database."""
    application = make_app(db_url)
    yield application
    application.extensions["verbeterbord.db"].dispose()


@pytest.fixture
def client(app):
    """A browser-like client (CSRF checks off; tested separately)."""
    return app.test_client()


def login(client, email, password=PASSWORD):
    """Log a test client in through the login form."""
    return client.post("/login", data={"email": email, "password": password})


class Api:
    """A JSON API caller with a bearer token."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path):
        return self.client.get(f"/api/v1{path}", headers=self._headers())

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", json=body, headers=self._headers())

    def patch(self, path, body=None):
        return self.client.patch(f"/api/v1{path}", json=body, headers=self._headers())

    def delete(self, path, body=None):
        return self.client.delete(f"/api/v1{path}", json=body, headers=self._headers())


@pytest.fixture
def api_as(client):
    """api_as("anna@test.example") → an Api with that person's token."""

    def make(email):
        response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        return Api(client, response.get_json()["token"])

    return make
