"""Password hashing and checking run in the async library's thread pool, never on the loop."""

import threading
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher, profiles

from boards import people
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD

NEW = "vier losse woorden samen"


class WatchedHasher(PasswordHasher):
    """argon2 with the suite's cheap parameters, noting the thread of every hash and check."""

    threads = None

    def hash(self, password, **kwargs):
        self.threads.append(threading.get_ident())
        return super().hash(password, **kwargs)

    def verify(self, hashed, password):
        self.threads.append(threading.get_ident())
        return super().verify(hashed, password)


@pytest.fixture
def hasher(app, monkeypatch):
    """The app's password runner in gevent mode (a real pool of OS threads), argon2 watched.

    Only the runner reads the mode per call, so the rest of the app stays in threading mode.
    """
    pytest.importorskip("gevent")
    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"
    watched = WatchedHasher.from_parameters(profiles.CHEAPEST)
    watched.threads = []
    monkeypatch.setattr(people, "_hasher", watched)
    return watched


def ran_off_this_thread(hasher):
    """True when argon2 ran since the last call, and never on the test's (the loop's) thread."""
    threads, hasher.threads[:] = list(hasher.threads), []
    return bool(threads) and threading.get_ident() not in threads


def test_every_password_path_hashes_off_the_loop(app, client, api_as, hasher, world):
    """Login, the password page, the API's password change and a one-time link."""
    assert login(client, "bert@test.example").status_code == 302
    assert ran_off_this_thread(hasher)
    changed = client.post("/me/password", data={"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert changed.status_code == 302 and ran_off_this_thread(hasher)
    anna = api_as("anna@test.example")
    hasher.threads.clear()
    assert anna.post("/me/password", {"current": PASSWORD, "new": NEW}).status_code == 204
    assert ran_off_this_thread(hasher)
    link = api_as("admin@test.example").post(f"/people/{world.carla}/reset-link").get_json()
    hasher.threads.clear()
    visitor = app.test_client()
    response = visitor.post(urlsplit(link["url"]).path, data={"new": NEW, "repeat": NEW})
    assert response.status_code == 302 and ran_off_this_thread(hasher)
    assert login(visitor, "carla@test.example", NEW).status_code == 302


def test_creating_a_person_with_a_password_takes_the_runner(db, world):
    """The service hashes through the runner it is given (the CLI's is a direct call)."""
    used = []

    def runner(function, *args):
        used.append(function)
        return function(*args)

    with unit_of_work(db) as session:
        person = people.create_person(session, name="Dirk", email="dirk@test.example",
                                      password=NEW, run=runner)
    assert len(used) == 1 and person.password_hash.startswith("$argon2")
