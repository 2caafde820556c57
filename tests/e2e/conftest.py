"""Fixtures for browser tests: one seeded demo server and one Chromium for the whole run."""

import os
import uuid
from pathlib import Path

import pytest
import requests

from boards.db import Database
from boards.seed import seed_demo
from boards.unit_of_work import unit_of_work
from tests.live import LiveServer, api_token

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "demo-wachtwoord-2026"
SANNE = "sanne.jansen@abg.example"  # klantcontact
MOHAMED = "mohamed.el.amrani@abg.example"  # klantcontact and informatievoorziening
INGRID = "ingrid.de.vries@abg.example"  # admin, Team van teams
BRAM = "bram.de.groot@abg.example"  # duurzaamheid (its cycle is closed by test_close_cycle)
ANOUK = "anouk.van.leeuwen@abg.example"  # informatievoorziening
BOARD = "/teams/klantcontact"
SLUG = "klantcontact"

# Counts every time the page swaps in a fresh #columns after it was parsed (a resync), so a
# test can tell whether (and how often) a page re-read its board.
TRACK_RESYNCS = """
window.__e2eResyncs = 0;
new MutationObserver((records) => {
  if (document.readyState === "loading") return;
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.id === "columns") window.__e2eResyncs += 1;
    }
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium; skipped without it, except in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required for browser tests in CI")
        pytest.skip(f"{CHROMIUM} is not installed")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path, sqlite_templates):
    """A gunicorn eventlet server on a copy of the migrated SQLite template, demo seeded."""
    folder = tmp_path_factory.mktemp("e2e")
    url = sqlite_templates.copy(folder).url
    database = Database(url)
    with unit_of_work(database) as session:
        assert seed_demo(session, PASSWORD) is not None
    database.dispose()
    with LiveServer(url, log_path=folder / "server.log") as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Api:
    """Arrange test data through the JSON API, as one demo login."""

    def __init__(self, base_url, email):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Connection"] = "close"  # gunicorn drops idle keep-alives after 2 s
        self.http.headers["Authorization"] = f"Bearer {api_token(base_url, email, PASSWORD)}"

    def create(self, title=None, status="todo", top=False, slug=SLUG, **fields):
        """A new card with a unique title (at the top of its column if `top`); returns its id.

        `fields` go into the request as they are (e.g. owner_id, goal_id).
        """
        title = title or f"E2E-kaart {uuid.uuid4().hex[:6]}"
        response = self.http.post(f"{self.base_url}/api/v1/teams/{slug}/actions",
                                  json={"title": title, "status": status, **fields})
        assert response.status_code == 201, response.text
        action = response.json()["action"]
        if top:
            board = self.http.get(f"{self.base_url}/api/v1/teams/{slug}/board").json()
            column = next(c for c in board["columns"] if c["key"] == status)
            first = column["actions"][0]["id"]
            if first != action["id"]:
                moved = self.http.post(f"{self.base_url}/api/v1/actions/{action['id']}/move",
                                       json={"status": status, "version": action["version"],
                                             "after_id": first})
                assert moved.status_code == 200, moved.text
        return action["id"]

    def move(self, action_id, status):
        """Move a card to the bottom of column `status`, as someone else would."""
        version = self.action(action_id)["version"]
        response = self.http.post(f"{self.base_url}/api/v1/actions/{action_id}/move",
                                  json={"status": status, "version": version})
        assert response.status_code == 200, response.text

    def edit(self, action_id, **fields):
        """Change fields of a card, as someone else would (based on its current version)."""
        version = self.action(action_id)["version"]
        response = self.http.patch(f"{self.base_url}/api/v1/actions/{action_id}",
                                   json={"version": version, **fields})
        assert response.status_code == 200, response.text
        return response.json()["action"]

    def moves(self, action_id):
        """How many times the log says this action was moved."""
        events = self.http.get(f"{self.base_url}/api/v1/actions/{action_id}/events").json()
        return sum(1 for event in events["events"] if event["kind"] == "moved")

    def board(self, slug=SLUG):
        """The team's board (current cycle) as the API shows it."""
        response = self.http.get(f"{self.base_url}/api/v1/teams/{slug}/board")
        assert response.status_code == 200, response.text
        return response.json()

    def action(self, action_id, slug=SLUG):
        """The action as the board's JSON shows it (exactly once on the board)."""
        board = self.board(slug)
        found = [
            a for column in board["columns"] for a in column["actions"] if a["id"] == action_id
        ]
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope="session")
def api(live_server):
    """The API as Sanne (member of klantcontact)."""
    return Api(live_server.url, SANNE)


@pytest.fixture(scope="session")
def api_as(live_server):
    """api_as(email) → the API as that demo login (one token per person for the run)."""
    apis = {}

    def for_person(email):
        if email not in apis:
            apis[email] = Api(live_server.url, email)
        return apis[email]

    return for_person


@pytest.fixture(scope="session")
def login_states(live_server, browser):
    """Log in through the form once per person and keep the cookies for later contexts."""
    states = {}

    def state_for(email):
        if email not in states:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            log_in(page, email)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state_for


def log_in(page, email, password=PASSWORD):
    """Fill in the login form; a good login lands on /me."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/me")


@pytest.fixture
def new_page(browser, live_server, login_states):
    """new_page(email, path) → a page in its own context, logged in, its socket joined.

    `live=False` is for pages without live updates (nothing to wait for); other keyword arguments go
    to the browser context (e.g. device_scale_factor).
    """
    contexts = []

    def make(email=None, path=BOARD, viewport=None, live=True, **context_options):
        options = {
            "base_url": live_server.url,
            "viewport": viewport or {"width": 1280, "height": 1200},
            **context_options,
        }
        if email:
            options["storage_state"] = login_states(email)
        context = browser.new_context(**options)
        context.add_init_script(TRACK_RESYNCS)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        if path:
            page.goto(path)
            if email and live:
                wait_live(page)
        return page

    yield make
    for context in contexts:
        context.close()


def wait_live(page, timeout=10_000):
    """Wait until the socket has joined the page's room (from then on every change arrives).

    The page re-reads its board on this first join only when something changed since it was
    rendered; tests arrange their data before opening the page, so no re-read is under way.
    """
    page.wait_for_selector("#connection[data-state=online]", state="attached", timeout=timeout)


def wait_online(page, timeout=10_000):
    """Wait until the socket has joined its room (for pages that re-read no #columns)."""
    wait_live(page, timeout)
