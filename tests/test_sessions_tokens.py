"""Browser logins end after idle and absolute time; API tokens expire, are listed and revoked.

The app's clock is the config's CLOCK: these tests move it instead of sleeping for hours.
"""

from datetime import datetime, timedelta, timezone

import pytest

from .conftest import Api, login, make_app
from .factories import PASSWORD


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def timed_app(db_url, world, clock):
    """The app on the frozen clock with the default session times (8 h idle, 7 days)."""
    application = make_app(db_url, CLOCK=clock)
    yield application
    application.extensions["verbeterbord.db"].dispose()


def _logged_in(client):
    return client.get("/me").status_code == 200


def test_session_ends_after_idle_time(timed_app, clock):
    """A login used within 8 hours stays; 8 hours without a request and it has ended."""
    client = timed_app.test_client()
    assert login(client, "anna@test.example").status_code == 302
    for _ in range(4):  # a working day with pauses under 8 hours
        clock.advance(hours=7, minutes=50)
        assert _logged_in(client)
    clock.advance(hours=8)
    assert client.get("/me").status_code == 302  # to the login page
    assert not _logged_in(client)


def test_session_ends_after_absolute_time(timed_app, clock):
    """Even when used every few hours, a login ends 7 days after it began."""
    client = timed_app.test_client()
    login(client, "anna@test.example")
    for _ in range(6 * 24 // 6):  # six days, a request every six hours
        clock.advance(hours=6)
        assert _logged_in(client)
    clock.advance(days=1)
    assert not _logged_in(client)
    assert login(client, "anna@test.example").status_code == 302  # a new login works
    assert _logged_in(client)


def test_session_times_are_configurable(db_url, world, clock):
    """SESSION_IDLE_MINUTES and SESSION_MAX_DAYS set the times."""
    application = make_app(db_url, CLOCK=clock, SESSION_IDLE_MINUTES=30, SESSION_MAX_DAYS=1)
    client = application.test_client()
    login(client, "anna@test.example")
    clock.advance(minutes=29)
    assert _logged_in(client)
    clock.advance(minutes=31)
    assert not _logged_in(client)
    login(client, "anna@test.example")
    for _ in range(49):  # 49 × 29 min: just under 24 hours
        clock.advance(minutes=29)
        assert _logged_in(client)
    clock.advance(minutes=29)  # past 24 hours since this login
    assert not _logged_in(client)
    application.extensions["verbeterbord.db"].dispose()


def _token(client, email="anna@test.example", **extra):
    answer = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD, **extra})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["token"]


def test_tokens_expire(timed_app, clock):
    """A token works until its expiry (90 days by default, or `expires_days`), not after."""
    client = timed_app.test_client()
    default, short = _token(client), _token(client, name="export script", expires_days=2)
    clock.advance(days=1, hours=23)
    assert Api(client, short).get("/teams").status_code == 200
    clock.advance(hours=1)
    assert Api(client, short).get("/teams").status_code == 401
    assert Api(client, default).get("/teams").status_code == 200
    clock.advance(days=88)
    assert Api(client, default).get("/teams").status_code == 401


def test_token_list_shows_own_tokens(timed_app, clock):
    """GET /tokens: the caller's working tokens with name, created, expires and last_used."""
    client = timed_app.test_client()
    first = _token(client, name="rapportage")
    _token(client, name="kort", expires_days=1)
    _token(client, "bert@test.example", name="van bert")
    clock.advance(hours=2)
    answer = Api(client, first).get("/tokens")
    assert answer.status_code == 200
    tokens = answer.get_json()["tokens"]
    assert [t["name"] for t in tokens] == ["rapportage", "kort"] or \
        sorted(t["name"] for t in tokens) == ["kort", "rapportage"]
    mine = {t["name"]: t for t in tokens}
    assert set(mine["rapportage"]) == {"id", "name", "created", "expires", "last_used"}
    assert mine["rapportage"]["created"] == "2026-11-25T09:00:00Z"
    assert mine["rapportage"]["expires"] == "2027-02-23T09:00:00Z"  # 90 days
    assert mine["rapportage"]["last_used"] == "2026-11-25T11:00:00Z"
    assert mine["kort"]["last_used"] is None
    clock.advance(days=1)  # "kort" has expired: no longer listed
    assert [t["name"] for t in Api(client, first).get("/tokens").get_json()["tokens"]] \
        == ["rapportage"]


def test_last_used_is_kept_to_the_hour(timed_app, clock):
    """Reads within the hour do not move last_used; after an hour it moves."""
    client = timed_app.test_client()
    token = _token(client)
    api = Api(client, token)
    api.get("/teams")
    clock.advance(minutes=59)
    assert api.get("/tokens").get_json()["tokens"][0]["last_used"] == "2026-11-25T09:00:00Z"
    clock.advance(minutes=1)
    assert api.get("/tokens").get_json()["tokens"][0]["last_used"] == "2026-11-25T10:00:00Z"


def test_revoke_own_token_only(timed_app):
    """DELETE /tokens/<id>: one's own token ends at once; anyone else's, or none, is 404."""
    client = timed_app.test_client()
    anna, spare = _token(client, name="a"), _token(client, name="b")
    bert = _token(client, "bert@test.example")
    anna_api, bert_api = Api(client, anna), Api(client, bert)
    ids = {t["name"]: t["id"] for t in anna_api.get("/tokens").get_json()["tokens"]}
    bert_id = bert_api.get("/tokens").get_json()["tokens"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{bert_id}",
                         headers={"Authorization": f"Bearer {anna}"}).status_code == 404
    assert bert_api.get("/teams").status_code == 200
    assert client.delete("/api/v1/tokens/999999",
                         headers={"Authorization": f"Bearer {anna}"}).status_code == 404
    assert client.delete(f"/api/v1/tokens/{ids['b']}",
                         headers={"Authorization": f"Bearer {anna}"}).status_code == 204
    assert Api(client, spare).get("/teams").status_code == 401
    assert [t["name"] for t in anna_api.get("/tokens").get_json()["tokens"]] == ["a"]
    assert client.delete(f"/api/v1/tokens/{ids['b']}",
                         headers={"Authorization": f"Bearer {anna}"}).status_code == 404


@pytest.mark.parametrize("extra, field", [({"expires_days": 0}, "expires_days"),
                                          ({"expires_days": 367}, "expires_days"),
                                          ({"expires_days": "7"}, "expires_days"),
                                          ({"expires_days": True}, "expires_days"),
                                          ({"name": "x" * 101}, "name"),
                                          ({"name": 5}, "name")])
def test_token_request_checks_name_and_days(timed_app, extra, field):
    """Out-of-range lifetimes and bad names are 422 with the field named."""
    answer = timed_app.test_client().post("/api/v1/tokens", json={
        "email": "anna@test.example", "password": PASSWORD, **extra})
    assert answer.status_code == 422
    assert answer.get_json()["field"] == field


def test_token_page_lists_creates_and_revokes(timed_app):
    """/me/tokens: a person sees their tokens, makes one (shown once) and revokes it."""
    client = timed_app.test_client()
    _token(client, "bert@test.example", name="van bert")
    login(client, "anna@test.example")
    page = client.get("/me/tokens")
    assert page.status_code == 200 and "U hebt geen tokens." in page.get_data(as_text=True)
    made = client.post("/me/tokens", data={"name": "mijn script", "expires_days": "30"})
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and "mijn script" in text and "van bert" not in text
    assert 'id="new-token"' in text and 'data-copy="new-token"' in text  # shown once: copy it
    assert "Token kopiëren" in text
    token = text.split("aria-label=\"Nieuw token\"")[0].rsplit('value="', 1)[1].split('"')[0]
    api = Api(client, token)
    [listed] = api.get("/tokens").get_json()["tokens"]
    assert listed["name"] == "mijn script"
    revoked = client.post(f"/me/tokens/{listed['id']}/revoke")
    assert revoked.status_code == 302
    assert api.get("/teams").status_code == 401
    after = client.get("/me/tokens").get_data(as_text=True)
    assert "Token “mijn script” is ingetrokken." in after and "U hebt geen tokens." in after


def test_secure_cookies_and_hsts_outside_demo_mode(db_url, world):
    """Not in demo mode: Secure session cookie and HSTS, unless SECURE_COOKIES=0 says otherwise."""
    application = make_app(db_url)
    answer = login(application.test_client(), "anna@test.example")
    assert "Secure" in answer.headers["Set-Cookie"]
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    application.extensions["verbeterbord.db"].dispose()
    for overrides in ({"SECURE_COOKIES": "0"}, {"DEMO": True}):
        application = make_app(db_url, **overrides)
        answer = login(application.test_client(), "anna@test.example")
        assert "Secure" not in answer.headers["Set-Cookie"]
        assert "Strict-Transport-Security" not in answer.headers
        application.extensions["verbeterbord.db"].dispose()
    application = make_app(db_url, DEMO=True, SECURE_COOKIES="1")
    assert "Secure" in login(application.test_client(), "anna@test.example").headers["Set-Cookie"]
    application.extensions["verbeterbord.db"].dispose()
