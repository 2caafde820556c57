"""Local accounts: the password policy, changing one's own password, one-time password links."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from boards import password_links
from boards.errors import Invalid
from boards.models import PasswordLink, utcnow
from boards.password_policy import PasswordContext, check_password
from boards.people import authenticate
from boards.unit_of_work import unit_of_work

from .conftest import PUBLIC_URL, Api, login, make_app
from .factories import PASSWORD

NEW = "vier losse woorden samen"
NOWHERE = PasswordContext()  # no person, no organisation: only the word lists


@pytest.mark.parametrize("password", ["kort1234", "elf tekens!", "qwerty123456", "1q2w3e4r5t6y",
                                      "passwordpassword", "aaaaaaaaaaaaaaa", "Leave me alone"])
def test_policy_refuses_short_common_and_guessable_passwords(password):
    """Under 12 characters, on zxcvbn's list of leaked passwords, or easily guessed: refused."""
    with pytest.raises(Invalid):
        check_password(password, NOWHERE)


def test_policy_accepts_a_long_uncommon_password():
    """A few unrelated words pass."""
    check_password(NEW, NOWHERE)
    check_password(PASSWORD, NOWHERE)


def test_policy_judges_long_passwords_without_crashing():
    """Up to the 500-character limit a password is judged (zxcvbn itself stops at 72)."""
    check_password(" ".join([NEW] * 20)[:500], NOWHERE)
    with pytest.raises(Invalid):
        check_password("0" * 100, NOWHERE)


def test_change_own_password_through_the_api(api_as, client, world):
    """204 on success; 403 for a wrong current password; 422 for a weak one or unknown fields."""
    api = api_as("anna@test.example")
    wrong = api.post("/me/password", {"current": "not my password", "new": NEW})
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "forbidden"
    weak = api.post("/me/password", {"current": PASSWORD, "new": "qwerty123456"})
    assert weak.status_code == 422 and weak.get_json()["field"] == "password"
    short = api.post("/me/password", {"current": PASSWORD, "new": "kort"})
    assert short.status_code == 422
    assert api.post("/me/password", {"current": PASSWORD, "new": NEW, "x": 1}).status_code == 422
    assert Api(client).post("/me/password", {"current": PASSWORD, "new": NEW}).status_code == 401
    done = api.post("/me/password", {"current": PASSWORD, "new": NEW})
    assert done.status_code == 204 and done.data == b""
    assert login(client, "anna@test.example").status_code == 401
    assert login(client, "anna@test.example", NEW).status_code == 302


def test_change_own_password_page_ends_other_logins(app, world):
    """The page needs the current password; afterwards other browsers are logged out."""
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "bert@test.example")
    login(elsewhere, "bert@test.example")
    assert here.get("/me/password").status_code == 200
    refused = here.post("/me/password", data={"current": "wrong", "new": NEW, "repeat": NEW})
    assert refused.status_code == 403
    changed = here.post("/me/password", data={"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert changed.status_code == 302
    assert here.get("/me").status_code == 200
    assert elsewhere.get("/me").status_code == 302  # back to the login page


def test_reset_link_is_for_admins_only(api_as, world):
    """A member asking for a link gets 403; unknown people 404."""
    anna = api_as("anna@test.example")
    assert anna.post(f"/people/{world.bert}/reset-link").status_code == 403
    admin = api_as("admin@test.example")
    assert admin.post("/people/999999/reset-link").status_code == 404
    assert admin.post(f"/people/{world.bert}/reset-link", {"purpose": "x"}).status_code == 422


def test_reset_link_works_once(app, api_as, client, world, db):
    """The link sets a password once; the old password stops working; the link then is gone."""
    response = api_as("admin@test.example").post(f"/people/{world.bert}/reset-link")
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"].startswith(f"{PUBLIC_URL}/password/")
    path = urlsplit(body["url"]).path
    token = path.rsplit("/", 1)[1]
    with db.reader() as s:
        stored = s.exec(select(PasswordLink).where(PasswordLink.person_id == world.bert)).one()
        assert stored.token_hash != token and token not in stored.token_hash
        assert stored.expires_at.replace(tzinfo=None) > (utcnow() + timedelta(hours=23)).replace(
            tzinfo=None)
    page = client.get(path)
    assert page.status_code == 200 and "Bert Bakker" in page.get_data(as_text=True)
    weak = client.post(path, data={"new": "qwerty123456", "repeat": "qwerty123456"})
    assert weak.status_code == 422  # the link survives a refused password
    assert client.post(path, data={"new": NEW, "repeat": NEW}).status_code == 302
    with db.reader() as s:
        assert authenticate(s, "bert@test.example", NEW) is not None
        assert authenticate(s, "bert@test.example", PASSWORD) is None
    assert client.get(path).status_code == 404
    again = client.post(path, data={"new": "nog een ander wachtwoord", "repeat":
                                     "nog een ander wachtwoord"})
    assert again.status_code == 404
    with db.reader() as s:
        assert authenticate(s, "bert@test.example", "nog een ander wachtwoord") is None


def test_reset_link_expires_after_a_day(client, world, db):
    """A link made 24 hours ago no longer works, on the page or in the service."""
    with unit_of_work(db) as s:
        token, expires, _purpose = password_links.create_password_link(
            s, world.admin, world.carla, now=utcnow() - timedelta(hours=24, seconds=1))
    assert client.get(f"/password/{token}").status_code == 404
    assert client.post(f"/password/{token}", data={"new": NEW, "repeat": NEW}).status_code == 404
    with pytest.raises(Invalid), unit_of_work(db) as s:
        password_links.use_password_link(s, token, NEW, context=NOWHERE)
    with unit_of_work(db) as s:
        fresh, expires, _purpose = password_links.create_password_link(s, world.admin, world.carla)
    with db.reader() as s:
        assert password_links.person_for_link(s, fresh, now=expires - timedelta(seconds=1))
        assert password_links.person_for_link(s, fresh, now=expires) is None


def test_a_new_link_voids_the_older_one(world, db):
    """Only the newest link of a person works."""
    with unit_of_work(db) as s:
        first = password_links.create_password_link(s, world.admin, world.anna).token
        second = password_links.create_password_link(s, world.admin, world.anna).token
    with db.reader() as s:
        assert password_links.person_for_link(s, first) is None
        assert password_links.person_for_link(s, second) is not None


def test_link_urls_use_public_url(db_url, world):
    """With PUBLIC_URL set, links point there, not at the host the request came in on."""
    application = make_app(db_url, PUBLIC_URL="https://bord.example.nl/")
    try:
        client = application.test_client()
        token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                    "password": PASSWORD}).get_json()["token"]
        body = Api(client, token).post(f"/people/{world.anna}/reset-link").get_json()
        assert body["url"].startswith("https://bord.example.nl/password/")
    finally:
        application.extensions["verbeterbord.db"].dispose()


def test_admin_adds_a_person_without_typing_a_password(client, world, db):
    """The add-person form has no password field; the admin gets an invite link to pass on."""
    login(client, "admin@test.example")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'name="password"' not in page
    response = client.post("/admin/people", data={"name": "Dirk Nieuw",
                                                   "email": "dirk@test.example"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{PUBLIC_URL}/password/" in text
    token = text.split(f"{PUBLIC_URL}/password/")[1].split('"')[0]
    assert client.post("/logout").status_code == 302
    assert client.post(f"/password/{token}", data={"new": NEW, "repeat": NEW}).status_code == 302
    assert login(client, "dirk@test.example", NEW).status_code == 302


def test_admin_page_makes_a_reset_link_only_for_admins(client, world):
    """The admin list's button gives a link; a member posting to it gets 403."""
    login(client, "anna@test.example")
    assert client.post(f"/admin/people/{world.bert}/password-link").status_code == 403
    client.post("/logout")
    login(client, "admin@test.example")
    response = client.post(f"/admin/people/{world.bert}/password-link")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "/password/" in text
    # Shown once: a copy button names the link's field (static/js/layout.js copies it).
    assert '<input id="link"' in text and 'data-copy="link"' in text and "Link kopiëren" in text
