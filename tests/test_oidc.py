"""Signing in with OpenID Connect, against a real provider (oidc-provider-mock) on loopback."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import func, select

from boards.models import Event, LoginSession, Person, SecurityEvent

from .conftest import PUBLIC_URL, login, make_app
from .live import free_port
from .factories import PASSWORD
from .oidc import (choose_account, local_path, oidc_config, provider_server, set_user, sign_in,
                   with_query)


@pytest.fixture(scope="module")
def issuer():
    """The provider's issuer URL (it runs for the whole module)."""
    with provider_server() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(db_url, world, issuer, request):
    """The app signing in at the provider; a test's marker adds settings."""
    marker = request.node.get_closest_marker("settings")
    application = make_app(db_url, **oidc_config(issuer, **(marker.kwargs if marker else {})))
    yield application
    application.extensions["verbeterbord.db"].dispose()


@pytest.fixture
def browser(oidc_app):
    """A test client of the OIDC app."""
    return oidc_app.test_client()


def subject():
    """A fresh account id at the provider (it keeps its accounts for the whole module)."""
    return f"sub-{uuid.uuid4()}"


def logins_of(db, person_id):
    """The person's login sessions that have not ended."""
    with db.reader() as s:
        return s.exec(select(func.count()).select_from(LoginSession).where(
            LoginSession.person_id == person_id, LoginSession.ended_at.is_(None))).one()


def failed_sign_ins(db):
    """(email, method, detail) of the security log's failed logins."""
    with db.reader() as s:
        found = s.exec(select(SecurityEvent).where(SecurityEvent.kind == "login",
                                                   SecurityEvent.outcome == "failure")
                       .order_by(SecurityEvent.id)).all()
    return [(r.email, r.method, r.detail) for r in found]


def test_login_page_offers_the_provider(browser, issuer):
    """'Inloggen met Microsoft' (Dutch by default) next to the password form."""
    response = browser.get("/login")
    page = response.get_data(as_text=True)
    # Logging out is a form post that ends at the provider: its origin is a form target.
    assert f"form-action 'self' {issuer};" in response.headers["Content-Security-Policy"]
    assert "Inloggen met Microsoft" in page and 'href="/login/oidc' in page
    assert 'name="password"' in page


def test_authorization_request_uses_pkce_state_and_nonce(browser, issuer):
    """The browser goes to the provider with a S256 code challenge, a state and a nonce."""
    location = browser.get("/login/oidc").headers["Location"]
    assert location.startswith(f"{issuer}/oauth2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [f"{PUBLIC_URL}/login/oidc/callback"]
    assert set(query["scope"][0].split()) >= {"openid", "email"}


def test_first_login_links_by_verified_email_then_returns_by_subject(browser, issuer, world, db):
    """First login: the verified address links the account once. Later the subject alone counts."""
    sub = subject()
    set_user(issuer, sub, email="Anna@test.example", email_verified=True, name="Anna")
    before = logins_of(db, world.anna)
    response = sign_in(browser, sub)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert browser.get("/me").status_code == 200
    assert logins_of(db, world.anna) == before + 1  # the same server-side login as a password's
    with db.reader() as s:
        anna = s.get(Person, world.anna)
        assert (anna.oidc_issuer, anna.oidc_subject) == (issuer, sub)
        assert s.exec(select(Event).where(Event.kind == "person_linked")).one().person_id == anna.id
    browser.post("/logout")
    assert browser.get("/me").status_code == 302
    # The provider now sends another address: the subject still finds Anna.
    set_user(issuer, sub, email="anna.new@elders.example", email_verified=True)
    assert sign_in(browser, sub).status_code == 302
    page = browser.get("/me")
    assert page.status_code == 200 and "Anna" in page.get_data(as_text=True)


def test_unverified_email_is_not_linked(browser, issuer, world, db):
    """Without email_verified the address links nobody: refused with a clear page."""
    sub = subject()
    set_user(issuer, sub, email="bert@test.example", email_verified=False)
    response = sign_in(browser, sub)
    assert response.status_code == 403
    assert "nog geen account" in response.get_data(as_text=True)
    assert browser.get("/me").status_code == 302
    with db.reader() as s:
        assert s.get(Person, world.bert).oidc_subject is None


def test_unknown_person_is_refused(browser, issuer, db):
    """Someone the app does not know is refused, and no account is made."""
    sub = subject()
    set_user(issuer, sub, email="onbekend@test.example", email_verified=True)
    response = sign_in(browser, sub)
    assert response.status_code == 403 and "beheerder" in response.get_data(as_text=True)
    with db.reader() as s:
        assert s.exec(select(Person).where(Person.email == "onbekend@test.example")).first() is None
    [(email, method, detail)] = failed_sign_ins(db)
    assert (email, method) == ("onbekend@test.example", "oidc")
    assert detail.startswith("You do not have an account here yet") and f"subject={sub}" in detail


@pytest.mark.settings(OIDC_AUTO_CREATE=True)
def test_unknown_person_is_created_when_allowed(browser, issuer, db):
    """With OIDC_AUTO_CREATE=1 a verified newcomer gets an account (no password) and is in."""
    sub = subject()
    set_user(issuer, sub, email="nieuw@test.example", email_verified=True, name="Nina Nieuw")
    assert sign_in(browser, sub).status_code == 302
    assert browser.get("/me").status_code == 200
    with db.reader() as s:
        nina = s.exec(select(Person).where(Person.email == "nieuw@test.example")).one()
        assert nina.name == "Nina Nieuw" and nina.oidc_subject == sub
        assert nina.password_hash is None and not nina.is_admin


def test_an_address_links_only_once(browser, issuer, world):
    """A second provider account with the same address does not get in."""
    first, second = subject(), subject()
    for sub in (first, second):
        set_user(issuer, sub, email="carla@test.example", email_verified=True)
    assert sign_in(browser, first).status_code == 302
    browser.post("/logout")
    assert sign_in(browser, second).status_code == 403
    assert browser.get("/me").status_code == 302


def test_disabled_person_is_refused(browser, issuer, world, app, db):
    """Disabling an account also shuts the provider's door."""
    sub = subject()
    set_user(issuer, sub, email="bert@test.example", email_verified=True)
    assert sign_in(browser, sub).status_code == 302
    admin = app.test_client()
    login(admin, "admin@test.example")
    admin.post(f"/admin/people/{world.bert}/active", data={"active": "0"})
    assert browser.get("/me").status_code == 302
    response = sign_in(browser, sub)
    assert response.status_code == 403 and "uitgeschakeld" in response.get_data(as_text=True)
    [(email, method, detail)] = failed_sign_ins(db)
    assert (email, method) == ("bert@test.example", "oidc") and "disabled" in detail


def test_wrong_state_is_refused(browser, issuer, world, db):
    """A callback whose state is not the one this browser sent is refused; nobody logs in."""
    sub = subject()
    set_user(issuer, sub, email="anna@test.example", email_verified=True)
    start = browser.get("/login/oidc").headers["Location"]
    back = choose_account(start, sub)
    forged = browser.get(local_path(with_query(back, state="niet-de-mijne")))
    assert forged.status_code == 400
    assert browser.get("/me").status_code == 302
    # A callback in a browser that never started a sign-in is refused too.
    other = browser.application.test_client()
    assert other.get(local_path(back)).status_code == 400
    assert failed_sign_ins(db) == [("", "oidc", "MismatchingStateError")] * 2


def test_wrong_nonce_is_refused(browser, issuer, world, db):
    """An ID token carrying another nonce than the one sent (a replayed token) is refused."""
    sub = subject()
    set_user(issuer, sub, email="anna@test.example", email_verified=True)
    start = browser.get("/login/oidc").headers["Location"]
    back = choose_account(with_query(start, nonce="een-andere-nonce"), sub)
    response = browser.get(local_path(back))
    assert response.status_code == 400
    assert browser.get("/me").status_code == 302
    [(email, method, detail)] = failed_sign_ins(db)
    assert (email, method) == ("", "oidc") and detail


def test_logout_ends_the_session_here_and_at_the_provider(browser, issuer, world, db):
    """Logging out ends our login and sends the browser to the provider's end-session page."""
    sub = subject()
    set_user(issuer, sub, email="anna@test.example", email_verified=True)
    sign_in(browser, sub)
    before = logins_of(db, world.anna)
    response = browser.post("/logout")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{issuer}/oauth2/end_session?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == [f"{PUBLIC_URL}/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert logins_of(db, world.anna) == before - 1
    assert browser.get("/me").status_code == 302
    provider_page = requests.get(location, timeout=10)
    assert provider_page.status_code == 200
    confirmed = requests.post(f"{issuer}/oauth2/end_session/confirm", allow_redirects=False,
                              data={"redirect_uri": query["post_logout_redirect_uri"][0]}, timeout=10)
    assert confirmed.headers["Location"] == f"{PUBLIC_URL}/login"


@pytest.mark.settings(LOCAL_LOGIN=False)
def test_password_login_off_except_break_glass_admins(browser, issuer, world, db):
    """LOCAL_LOGIN=0: the page offers the provider; passwords only work for break-glass admins."""
    page = browser.get("/login").get_data(as_text=True)
    assert "Inloggen met Microsoft" in page and 'name="password"' not in page
    assert login(browser, "anna@test.example").status_code == 403
    assert login(browser, "admin@test.example").status_code == 403
    assert browser.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).status_code == 403
    runner = browser.application.test_cli_runner()
    result = runner.invoke(args=["break-glass", "admin@test.example"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["break-glass", "anna@test.example"]).exit_code != 0
    assert login(browser, "admin@test.example").status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert login(browser.application.test_client(), "anna@test.example").status_code == 403


def test_unreachable_provider_gives_a_clear_page(db_url, world):
    """When the provider does not answer, the button leads to an explanation, not an error."""
    application = make_app(db_url, **oidc_config(f"http://127.0.0.1:{free_port()}"))
    try:
        response = application.test_client().get("/login/oidc")
        assert response.status_code == 503
        assert "niet bereikbaar" in response.get_data(as_text=True)
    finally:
        application.extensions["verbeterbord.db"].dispose()
