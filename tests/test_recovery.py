"""Recovery cuts every key: a new password or an admin's reset ends every other login, every API
token and the calendar link; a calendar link can also be stopped on its own."""

from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from boards import password_links
from boards.errors import Forbidden
from boards.models import SecurityEvent
from boards.password_policy import password_context
from boards.unit_of_work import unit_of_work

from .conftest import Api, login, make_app
from .factories import PASSWORD

NEW = "vier losse woorden samen"


def keys_of(app, api_as, email):
    """A browser login elsewhere, an API token and a calendar feed path of one person."""
    browser = app.test_client()
    assert login(browser, email).status_code == 302
    token = api_as(email)
    feed = urlsplit(token.post("/me/calendar").get_json()["url"]).path
    assert token.get("/me/actions").status_code == 200
    assert browser.get("/me").status_code == 200
    assert browser.get(feed).status_code == 200
    return browser, token, feed


def assert_all_ended(app, browser, token, feed):
    """The other login is back at the login page, the token 401, the feed 404."""
    assert browser.get("/me").status_code == 302
    assert token.get("/me/actions").status_code == 401
    assert app.test_client().get(feed).status_code == 404


def test_own_password_change_on_the_page_ends_every_other_key(app, api_as, world):
    """Only the browser that changed the password stays logged in."""
    browser, token, feed = keys_of(app, api_as, "bert@test.example")
    here = app.test_client()
    login(here, "bert@test.example")
    changed = here.post("/me/password", data={"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert changed.status_code == 302
    assert here.get("/me").status_code == 200
    assert_all_ended(app, browser, token, feed)


def test_password_change_through_the_api_ends_its_own_token_too(app, api_as, world):
    """Every token ends, the one that asked as well; a new one needs the new password."""
    browser, token, feed = keys_of(app, api_as, "anna@test.example")
    caller = api_as("anna@test.example")
    assert caller.post("/me/password", {"current": PASSWORD, "new": NEW}).status_code == 204
    assert caller.get("/me/actions").status_code == 401
    assert_all_ended(app, browser, token, feed)
    fresh = app.test_client().post("/api/v1/tokens", json={"email": "anna@test.example",
                                                           "password": NEW})
    assert fresh.status_code == 201


def test_a_wrong_current_password_ends_nothing(app, api_as, world):
    """A refused change keeps every key."""
    browser, token, feed = keys_of(app, api_as, "anna@test.example")
    assert token.post("/me/password", {"current": "not it at all", "new": NEW}).status_code == 403
    assert token.get("/me/actions").status_code == 200
    assert browser.get("/me").status_code == 200
    assert app.test_client().get(feed).status_code == 200


def test_reset_link_ends_every_key_when_made_and_when_used(app, api_as, world):
    """An admin's reset link ends what the person had at once; keys made before the link is
    used end when it is used."""
    browser, token, feed = keys_of(app, api_as, "bert@test.example")
    link = api_as("admin@test.example").post(f"/people/{world.bert}/reset-link").get_json()
    assert_all_ended(app, browser, token, feed)
    browser, token, feed = keys_of(app, api_as, "bert@test.example")  # old password, still set
    visitor = app.test_client()
    used = visitor.post(urlsplit(link["url"]).path, data={"new": NEW, "repeat": NEW})
    assert used.status_code == 302
    assert_all_ended(app, browser, token, feed)


def test_admin_page_reset_ends_every_key(app, api_as, world):
    """The admin list's Password link button does the same."""
    browser, token, feed = keys_of(app, api_as, "carla@test.example")
    admin = app.test_client()
    login(admin, "admin@test.example")
    assert admin.post(f"/admin/people/{world.carla}/password-link").status_code == 200
    assert_all_ended(app, browser, token, feed)


def test_invite_link_leaves_keys_alone(app, api_as, world):
    """An invite (a first password, e.g. for someone who signs in with Microsoft) ends nothing
    until it is used."""
    browser, token, feed = keys_of(app, api_as, "carla@test.example")
    answer = api_as("admin@test.example").post(f"/people/{world.carla}/reset-link",
                                               {"purpose": "invite"})
    assert answer.status_code == 201
    assert token.get("/me/actions").status_code == 200
    assert browser.get("/me").status_code == 200


def test_a_change_checked_against_an_older_password_is_refused(db, world):
    """The current password is checked before the write; if the password changed in between,
    the write refuses what was checked."""
    with db.reader() as session:
        context = password_context(session, world.anna)
        first = password_links.prepare_password_change(session, world.anna, PASSWORD, NEW,
                                                       context=context)
        second = password_links.prepare_password_change(session, world.anna, PASSWORD,
                                                        "Nog een heel ander wachtwoord 7",
                                                        context=context)
    with unit_of_work(db) as session:
        password_links.change_password(session, first)
    with pytest.raises(Forbidden), unit_of_work(db) as session:
        password_links.change_password(session, second)


def test_calendar_link_can_be_stopped_on_the_page(app, world, db):
    """The button shows where the link is, stops it (404 afterwards) and is logged."""
    client = app.test_client()
    login(client, "anna@test.example")
    assert 'id="stop-calendar"' not in client.get("/me").get_data(as_text=True)
    made = client.post("/me/calendar").get_data(as_text=True)
    assert 'id="stop-calendar"' in made
    feed = urlsplit(made.split('id="calendar-url"', 1)[1].split('value="', 1)[1]
                    .split('"', 1)[0]).path
    assert client.get(feed).status_code == 200
    assert 'id="stop-calendar"' in client.get("/me").get_data(as_text=True)
    stopped = client.post("/me/calendar/revoke", follow_redirects=True)
    assert stopped.status_code == 200
    assert "Uw agendalink is gestopt" in stopped.get_data(as_text=True)
    assert 'id="stop-calendar"' not in stopped.get_data(as_text=True)
    assert app.test_client().get(feed).status_code == 404
    with db.reader() as session:
        rows = session.exec(select(SecurityEvent).where(
            SecurityEvent.kind == "calendar_revoked")).all()
    assert [(row.person_id, row.outcome) for row in rows] == [(world.anna, "success")]


def test_calendar_link_can_be_stopped_through_the_api(app, api_as, world, db):
    """DELETE /api/v1/me/calendar: 204, then 404 (none left); the feed answers 404."""
    anna = api_as("anna@test.example")
    feed = urlsplit(anna.post("/me/calendar").get_json()["url"]).path
    assert anna.delete("/me/calendar").status_code == 204
    assert app.test_client().get(feed).status_code == 404
    again = anna.delete("/me/calendar")
    assert again.status_code == 404 and again.get_json()["error"] == "not_found"
    assert Api(app.test_client()).delete("/me/calendar").status_code == 401
    with db.reader() as session:
        rows = session.exec(select(SecurityEvent).where(
            SecurityEvent.kind == "calendar_revoked")).all()
    assert [row.person_id for row in rows] == [world.anna]


@pytest.fixture
def limited_app(db_url, world):
    """Wrong passwords limited as in production: 10 per account, 50 per address."""
    application = make_app(db_url, LOGIN_LIMIT_ACCOUNT="10 per 15 minutes",
                           LOGIN_LIMIT_ADDRESS="50 per 15 minutes")
    yield application
    application.extensions["verbeterbord.db"].dispose()


def test_wrong_current_passwords_on_the_page_are_limited(limited_app, db):
    """25 wrong current passwords: 403s, then 429s with Retry-After (the right one too)."""
    client = limited_app.test_client()
    login(client, "bert@test.example")
    answers = [client.post("/me/password", data={"current": f"wrong guess {n}", "new": NEW,
                                                 "repeat": NEW}) for n in range(25)]
    codes = [answer.status_code for answer in answers]
    assert codes == [403] * 10 + [429] * 15, codes
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert "Te veel pogingen" in answers[-1].get_data(as_text=True)
    right = client.post("/me/password", data={"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert right.status_code == 429
    # They count with wrong logins: the account's login is limited as well.
    assert login(limited_app.test_client(), "bert@test.example").status_code == 429
    with db.reader() as session:
        details = session.exec(select(SecurityEvent.detail).where(
            SecurityEvent.kind == "login_limited")).all()
    assert len(details) == 17 and "endpoint=passwords.change" in details[0]


def test_wrong_current_passwords_through_the_api_are_limited(limited_app):
    """The API's password change counts the same way: JSON 429."""
    client = limited_app.test_client()
    token = client.post("/api/v1/tokens", json={"email": "carla@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    api = Api(client, token)
    codes = [api.post("/me/password", {"current": f"wrong guess {n}", "new": NEW}).status_code
             for n in range(25)]
    assert codes == [403] * 10 + [429] * 15, codes
    refused = api.post("/me/password", {"current": PASSWORD, "new": NEW})
    assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"
    # Another person's change is not limited by carla's guesses from elsewhere.
    other = Api(client, client.post("/api/v1/tokens", json={
        "email": "anna@test.example", "password": PASSWORD}).get_json()["token"])
    assert other.post("/me/password", {"current": PASSWORD, "new": NEW}).status_code == 204
