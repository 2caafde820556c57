"""A person signs in through a real OpenID provider in Chromium, and logs out there again."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.live import LiveServer
from tests.oidc import oidc_config, provider_server, set_user

pytestmark = pytest.mark.browser
LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def issuer():
    """The OpenID provider, on loopback for this module."""
    with provider_server() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory, sqlite_templates, issuer, chromium_path):
    """The app (gunicorn, eventlet) on a copy of the test world, signing in at the provider."""
    folder = tmp_path_factory.mktemp("oidc-e2e")
    copy = sqlite_templates.copy(folder, with_world=True)
    env = {key: str(value) for key, value in oidc_config(issuer).items()}
    env.update(AUTHLIB_INSECURE_TRANSPORT="1", LOCAL_LOGIN="0")
    with LiveServer(copy.url, log_path=folder / "server.log", extra_env=env) as server:
        yield server


@pytest.fixture
def page(browser):
    """A fresh browser context that only ever talks to loopback (the provider's page links a
    CDN)."""
    context = browser.new_context(locale="nl-NL")

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    yield context.new_page()
    context.close()


def test_sign_in_and_out_through_the_provider(page, oidc_server, issuer):
    """Login page → 'Inloggen met Microsoft' → provider → own actions; logout ends both sessions."""
    set_user(issuer, "anna-e2e", email="anna@test.example", email_verified=True, name="Anna")
    page.goto(f"{oidc_server.url}/teams")
    expect(page.locator("#password")).to_have_count(0)  # LOCAL_LOGIN=0: no password form
    page.get_by_role("link", name="Inloggen met Microsoft").click()
    page.wait_for_url(f"{issuer}/oauth2/authorize*")
    page.locator("input[name=sub]").fill("anna-e2e")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{oidc_server.url}/teams")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{issuer}/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_server.url}/login*")
    expect(page.get_by_role("link", name="Inloggen met Microsoft")).to_be_visible()
    page.goto(f"{oidc_server.url}/me")
    page.wait_for_url(f"{oidc_server.url}/login*")
