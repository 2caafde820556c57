"""A live page reads its data once, catches what changed before its socket joined, and comes
back at once when the network does."""

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, INGRID, MOHAMED, SANNE, SLUG, wait_live
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
    asked, console_errors = [], []
    page.on("request", lambda request: asked.append(urlparse(request.url).path))
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    page.goto(path)
    wait_live(page)
    page.wait_for_timeout(SETTLE_MS)

    assert [p for p in asked if p in data_paths] == [path]
    assert page.evaluate("window.__e2eResyncs") == 0
    assert page.errors == [] and console_errors == []  # e.g. a CSP refusal would show here


def test_a_change_before_the_socket_joins_is_not_missed(new_page, api):
    """A move made after the page was rendered, before its socket joined, still shows."""
    action_id = api.create(top=True)
    page = new_page(SANNE, path=None)

    def move_then_load(route):
        # The page is rendered already (its scripts are being fetched); nobody has joined yet.
        api.move(action_id, DOING)
        route.continue_()

    page.route("**/static/js/socket-bridge.js?v=*", move_then_load)  # static URLs carry ?v=<hash>
    rendered = page.goto(BOARD).text()
    assert re.search(rf'id="action-{action_id}"[^>]*data-status="{TODO}"', rendered)
    wait_live(page)

    expect_in_column(page, action_id, DOING, timeout=3_000)
    assert page.evaluate("window.__e2eResyncs") == 1


def display_link(new_page, slug):
    """A new wall-screen link for the team's board, made by an admin through the form."""
    admin = new_page(INGRID, path="/admin/displays", live=False)
    admin.fill("input[name=label]", f"Scherm {slug}")
    admin.select_option("select[name=team]", slug)
    admin.click("form.inline-form button.primary")
    return urlparse(admin.input_value("input.wide")).path


def test_the_wall_screen_reads_once_follows_moves_and_recovers(new_page, api):
    """A wall screen (no login) reads its board once, shows a move live, and re-reads after
    being offline."""
    first, second = api.create(top=True), api.create(top=True)
    path = display_link(new_page, SLUG)
    screen = new_page(None, path=None)
    asked = []
    screen.on("request", lambda request: asked.append(urlparse(request.url).path))
    screen.goto(path)
    wait_live(screen)

    api.move(first, DOING)
    expect_in_column(screen, first, DOING, timeout=3_000)
    screen.context.set_offline(True)
    expect(screen.locator("#connection")).to_have_attribute("data-state", "offline")
    api.move(second, DOING)
    screen.context.set_offline(False)
    expect_in_column(screen, second, DOING, timeout=5_000)

    assert [p for p in asked if p in (path, f"{path}/columns")] == [path, f"{path}/columns"]
    assert screen.evaluate("window.__e2eResyncs") == 1
    assert screen.errors == []


def reconnect_failures(page):
    return page.evaluate("window.__e2eReconnectFailures")


def test_back_online_reconnects_at_once(new_page):
    """Right after the third failed retry (socket.io's next one is then 4–5 s away) the network
    returns: the page is online again well within 1.5 s, and says so."""
    page = new_page(MOHAMED)
    page.evaluate("""() => {
        window.__e2eReconnectFailures = 0;
        window.Verbeterbord.socket.io.on("reconnect_error", () => {
            window.__e2eReconnectFailures += 1;
        });
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


def test_online_only_once_the_room_is_joined(new_page):
    """The health check can answer before the join does: the page still says offline until the
    join is acknowledged (before that, changes do not reach it; a test, or a person, relying on
    "online" would miss them, and a reconnect would not be told apart from the first join)."""
    page = new_page(SANNE, path=None)
    sockets, held = [], []

    def hold_join_acks(ws):
        server = ws.connect_to_server()
        sockets.append(ws)
        ws.on_message(server.send)
        # Socket.IO ack packets are "43<id>[...]": keep them back, pass everything else.
        server.on_message(lambda message: held.append(message)
                          if str(message).startswith("43") else ws.send(message))

    page.route_web_socket(re.compile(r".*/socket\.io/.*"), hold_join_acks)
    with page.expect_response(lambda response: response.url.endswith("/healthz")):
        page.goto(BOARD)
    page.wait_for_timeout(300)
    assert held, "the join's ack was not seen"
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")

    for message in held:
        sockets[-1].send(message)
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")
    expect(page.locator("#connection")).to_be_hidden()
