"""Wrong passwords and token requests are limited per account and per address (Flask-Limiter)."""

import time

import pytest

from app.limits import storage_uri

from .conftest import login, make_app
from .factories import PASSWORD

WINDOW = 2  # seconds: short, so the test can wait for the window to pass


@pytest.fixture
def limited_app(db_url, world):
    """The app with small limits: 3 wrong passwords per account, 5 per address."""
    application = make_app(db_url, LOGIN_LIMIT_ACCOUNT=f"3 per {WINDOW} seconds",
                           LOGIN_LIMIT_ADDRESS=f"5 per {WINDOW} seconds",
                           TOKEN_LIMIT_ADDRESS=f"8 per {WINDOW} seconds")
    yield application
    application.extensions["verbeterbord.db"].dispose()


def _wait_out_the_window():
    time.sleep(WINDOW + 0.2)


def test_wrong_passwords_for_one_account_are_limited(limited_app):
    """After 3 wrong passwords the account answers 429 (right password too) until the window
    ends."""
    client = limited_app.test_client()
    for _ in range(3):
        assert login(client, "anna@test.example", "wrong password!").status_code == 401
    refused = login(client, "anna@test.example", PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW + 1
    page = refused.get_data(as_text=True)
    assert "Te veel pogingen" in page and "<form" in page  # Dutch, on the login page
    # Another account from the same address is not locked by anna's wrong passwords.
    assert login(client, "bert@test.example", PASSWORD).status_code == 302
    _wait_out_the_window()
    assert login(limited_app.test_client(), "anna@test.example", PASSWORD).status_code == 302


def test_right_passwords_do_not_count(limited_app):
    """Logging in correctly many times never hits the wrong-password limits."""
    for _ in range(8):
        assert login(limited_app.test_client(), "anna@test.example", PASSWORD).status_code == 302


def test_wrong_passwords_from_one_address_are_limited(limited_app):
    """Wrong passwords for many accounts from one address: 429 after the address limit."""
    client = limited_app.test_client()
    for number in range(5):
        assert login(client, f"nobody{number}@test.example", "wrong password!").status_code == 401
    assert login(client, "carla@test.example", PASSWORD).status_code == 429
    # Another address is not affected.
    other = limited_app.test_client()
    answer = other.post("/login", data={"email": "carla@test.example", "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert answer.status_code == 302


def test_token_endpoint_is_limited(limited_app):
    """Wrong passwords on the API count with the login form's; JSON 429 with Retry-After."""
    client = limited_app.test_client()
    for _ in range(2):
        assert login(client, "anna@test.example", "wrong password!").status_code == 401
    answer = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                 "password": "wrong password!"})
    assert answer.status_code == 401
    refused = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                  "password": PASSWORD})
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "rate_limited" and "Te veel pogingen" in body["message"]
    assert int(refused.headers["Retry-After"]) >= 1
    _wait_out_the_window()
    assert client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                               "password": PASSWORD}).status_code == 201


def test_token_requests_per_address_are_limited(limited_app):
    """Even right passwords: more than 8 token requests in the window from one address → 429."""
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/tokens", json={"email": "bert@test.example",
                                                    "password": PASSWORD}).status_code
                for _ in range(9)]
    assert statuses == [201] * 8 + [429]


def test_english_message(limited_app):
    """The message follows the chosen language."""
    client = limited_app.test_client()
    client.post("/language", data={"lang": "en"})
    for _ in range(3):
        login(client, "anna@test.example", "wrong password!")
    refused = login(client, "anna@test.example", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_storage_follows_the_configuration():
    """Redis when configured (explicitly or via the message queue), memory otherwise."""
    assert storage_uri({}) == "memory://"
    assert storage_uri({"SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0"}) \
        == "redis://127.0.0.1:6379/0"
    assert storage_uri({"RATELIMIT_STORAGE_URI": "redis://q:6379/2",
                        "SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0"}) == "redis://q:6379/2"


def test_limits_shared_in_redis(db_url, world):
    """With Redis storage two app processes (here: two apps) count the same wrong passwords."""
    import redis
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.RedisError:
        pytest.skip("Redis is not running")
    email = f"ghost{time.monotonic_ns()}@test.example"  # a fresh key: no state from other runs
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
              "LOGIN_LIMIT_ACCOUNT": f"2 per {WINDOW} seconds",
              "LOGIN_LIMIT_ADDRESS": "1000 per second"}
    first = make_app(db_url, **config)
    assert login(first.test_client(), email, "wrong password!").status_code == 401
    assert login(first.test_client(), email, "wrong password!").status_code == 401
    second = make_app(db_url, **config)
    assert login(second.test_client(), email, "wrong password!").status_code == 429
    for application in (first, second):
        application.extensions["verbeterbord.db"].dispose()


def test_limits_count_in_memory_while_redis_is_down(db_url, world):
    """Redis unreachable: logging in still works (no error page) and wrong passwords are still
    limited, counted in the process's memory."""
    from app.limits import limiter
    from tests.live import free_port

    application = make_app(db_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                           LOGIN_LIMIT_ACCOUNT=f"3 per {WINDOW} seconds",
                           LOGIN_LIMIT_ADDRESS="1000 per second")
    try:
        client = application.test_client()
        assert login(client, "anna@test.example", PASSWORD).status_code == 302
        for _ in range(3):
            assert login(client, "anna@test.example", "wrong password!").status_code == 401
        assert login(client, "anna@test.example", PASSWORD).status_code == 429
        assert login(client, "bert@test.example", PASSWORD).status_code == 302
    finally:
        application.extensions["verbeterbord.db"].dispose()
        # The limiter is one object for every app of this test run: let the next app start on
        # its own storage again instead of after a back-off.
        limiter._storage_dead = False
