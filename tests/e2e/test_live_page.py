"""A live page reads its data once, catches what changed before its socket joined, and comes
back at once when the network does."""

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, INGRID, MOHAMED, SANNE, wait_live
from .helpers import DOING, TODO, expect_in_column

pytestmark = pytest.mark.browser

SETTLE_MS = 1_000  # long enough for a re-read after the join to have started


@pytest.mark.parametrize("email, path, data_paths", [
    (SANNE, BOARD, {BOARD, f"{BOARD}/columns"}),
    (SANNE, f"{BOARD}/standup", {f"{BOARD}/standup", f"{BOARD}/columns"}),
    (MOHAMED, "/me", {"/me"}),
    (INGRID, "/overview", {"/overview", "/overview/live"}),
], ids=["board", "standup", "me", "overview"])
def test_the_page_reads_its_data_once(new_page, email, path, data_paths):
    """Loading and connecting asks the server for the page's cards or figures exactly once."""
    page = new_page(email, path=None)
    asked = []
    page.on("request", lambda request: asked.append(urlparse(request.url).path))

    page.goto(path)
    wait_live(page)
    page.wait_for_timeout(SETTLE_MS)

    assert [p for p in asked if p in data_paths] == [path]
    assert page.evaluate("window.__e2eResyncs") == 0
    assert page.errors == []


def test_a_change_before_the_socket_joins_is_not_missed(new_page, api):
    """A move made after the page was rendered, before its socket joined, still shows."""
    action_id = api.create(top=True)
    page = new_page(SANNE, path=None)

    def move_then_load(route):
        # The page is rendered already (its scripts are being fetched); nobody has joined yet.
        api.move(action_id, DOING)
        route.continue_()

    page.route("**/static/js/socket-bridge.js", move_then_load)
    rendered = page.goto(BOARD).text()
    assert re.search(rf'id="action-{action_id}"[^>]*data-status="{TODO}"', rendered)
    wait_live(page)

    expect_in_column(page, action_id, DOING, timeout=3_000)
    assert page.evaluate("window.__e2eResyncs") == 1


def reconnect_failures(page):
    return page.evaluate("window.__e2eReconnectFailures")


def test_back_online_reconnects_at_once(new_page):
    """Right after the third failed retry (socket.io's next one is then 4–5 s away) the network
    returns: the page is online again well within 1.5 s, and says so."""
    page = new_page(MOHAMED)
    page.evaluate("""() => {
        window.__e2eReconnectFailures = 0;
        window.Verbeterbord.socket.io.on("reconnect_error", () => { window.__e2eReconnectFailures += 1; });
    }""")
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")
    page.wait_for_function("() => window.__e2eReconnectFailures >= 3", timeout=15_000)

    started = time.monotonic()
    page.context.set_offline(False)
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=8_000)
    elapsed = time.monotonic() - started

    assert elapsed < 1.5, f"back online after {elapsed:.1f} s"
    assert reconnect_failures(page) == 3
    expect(page.locator("#connection")).to_be_hidden()
    expect(page.locator("#announcer")).to_contain_text("Verbinding hersteld")
