"""A page refused a socket (too many open) says so politely and tries again after the time the
server names, without hammering; it goes live once a socket is free."""

import pytest
from playwright.sync_api import expect

from boards.db import Database
from boards.seed import seed_demo
from boards.unit_of_work import unit_of_work
from tests.live import LiveServer

from .conftest import BOARD, PASSWORD, SANNE, log_in, wait_live

pytestmark = pytest.mark.browser

RETRY = 2  # SOCKET_LIMIT_RETRY_SECONDS here


@pytest.fixture(scope="module")
def one_socket_server(tmp_path_factory, chromium_path, sqlite_templates):
    """A demo server that lets each person hold one socket."""
    folder = tmp_path_factory.mktemp("e2e-socket-limits")
    url = sqlite_templates.copy(folder).url
    database = Database(url)
    with unit_of_work(database) as session:
        assert seed_demo(session, PASSWORD) is not None
    database.dispose()
    env = {"SOCKETS_PER_PERSON": "1", "SOCKET_LIMIT_RETRY_SECONDS": str(RETRY),
           "SOCKET_CONNECT_LIMIT_ADDRESS": "1000 per minute"}
    with LiveServer(url, log_path=folder / "server.log", socket_limits=True,
                    extra_env=env) as server:
        yield server


def test_a_refused_socket_is_shown_and_retried_after_retry_after(browser, one_socket_server):
    """Sanne's second tab is refused: its connection badge shows the Dutch message; it tries
    again every RETRY seconds, not more; once the first tab closes it goes live."""
    context = browser.new_context(base_url=one_socket_server.url)
    try:
        first = context.new_page()
        log_in(first, SANNE)
        first.goto(BOARD)
        wait_live(first)
        second = context.new_page()
        errors = []
        second.on("pageerror", lambda error: errors.append(str(error)))
        second.goto(BOARD)
        badge = second.locator("#connection")
        expect(badge).to_be_visible()
        expect(badge).to_contain_text("te veel verbindingen open")
        expect(badge).to_have_attribute("data-state", "offline")
        expect(badge).to_have_attribute("data-refused", "too_many_sockets")
        second.evaluate("""() => { window.__refusals = 0;
            window.Verbeterbord.socket.on("connect_error", () => { window.__refusals += 1; }); }""")
        second.wait_for_timeout(3 * RETRY * 1000 + 500)
        refusals = second.evaluate("window.__refusals")
        assert 2 <= refusals <= 4, refusals  # one try per RETRY seconds, no hammering
        expect(badge).to_contain_text("te veel verbindingen open")
        first.close()
        wait_live(second, timeout=(RETRY + 5) * 1000)
        expect(badge).to_be_hidden()
        assert not second.locator("#connection[data-refused]").count()
        assert errors == []
    finally:
        context.close()
