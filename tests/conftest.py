"""Fixtures: a real database per test (SQLite file or PostgreSQL schema), the app, clients."""

import pytest

from app import create_app
from boards.db import Database

from .databases import PostgresSchema, require_postgres, sqlite_url
from .factories import PASSWORD, build_world


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        require_postgres()
        with PostgresSchema() as schema:
            yield schema.url


@pytest.fixture
def db(db_url):
    """The Database on the test's URL."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def world(db):
    """Two teams, four people, goals and the current cycle."""
    return build_world(db)


def make_app(db_url, **overrides):
    """An app on the test database (threading mode: no server runs in-process)."""
    config = {"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
              "SOCKETIO_ASYNC_MODE": "threading", "WTF_CSRF_ENABLED": False}
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


@pytest.fixture
def api_as(client):
    """api_as("anna@test.example") → an Api with that person's token."""

    def make(email):
        response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        return Api(client, response.get_json()["token"])

    return make
