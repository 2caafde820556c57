"""A board page whose login ends says so and links to the login, instead of going quiet."""

import pytest
from playwright.sync_api import expect

from .conftest import ANOUK, BOARD, log_in, wait_live

pytestmark = pytest.mark.browser


def test_logout_in_another_tab_shows_session_expired_with_login_link(new_page):
    """Logging out in one tab: the board open in another tab shows the Dutch message with a
    link back to the login that returns to the board, and does not reconnect."""
    board = new_page(None, path=None)  # a login of its own: logging out must not end others'
    log_in(board, ANOUK)
    board.goto(BOARD)
    wait_live(board)
    other_tab = board.context.new_page()
    other_tab.goto("/me")
    other_tab.get_by_role("button", name="Uitloggen").click()
    message = board.locator("#session-ended")
    expect(message).to_contain_text("Uw sessie is verlopen.")
    link = message.get_by_role("link", name="Log opnieuw in.")
    expect(link).to_have_attribute("href", "/login?next=%2Fteams%2Fklantcontact")
    board.wait_for_timeout(1_000)
    expect(board.locator("#connection")).to_have_attribute("data-state", "offline")
    assert board.evaluate("window.Verbeterbord.socket.connected") is False
    link.click()
    board.wait_for_url("**/login?next=*")
    assert board.errors == []
