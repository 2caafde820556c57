"""Losing and regaining the connection: the offline badge, refused moves, re-reading the board."""

import pytest
from playwright.sync_api import expect

from .conftest import MOHAMED, SANNE
from .helpers import DOING, DONE, TODO, click_move, drag_card, expect_in_column, expect_saved, keyboard_move

pytestmark = pytest.mark.browser

# The socket.io client retries with a growing delay (at most 5 s, randomised up to ×1.5).
RECONNECT_MS = 12_000


def go_offline(page):
    """Cut the page's network; the badge must say offline at once."""
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")
    expect(page.locator("#connection")).to_be_visible()
    expect(page.locator("body")).to_have_class("offline")


def go_online(page):
    """Restore the network and wait for the socket to rejoin (badge hidden again)."""
    page.context.set_offline(False)
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=RECONNECT_MS)
    expect(page.locator("#connection")).to_be_hidden()


def test_reconnect_shows_the_true_board(new_page, api):
    """Page B misses two moves while offline and shows both once it is back online."""
    first, second = api.create(top=True), api.create(top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)
    go_offline(page_b)

    click_move(page_a, first, 1)
    expect_saved(page_a, first, DOING)
    click_move(page_a, second, 1)
    expect_saved(page_a, second, DOING)
    click_move(page_a, second, 1)
    expect_saved(page_a, second, DONE)
    page_b.wait_for_timeout(300)
    expect_in_column(page_b, first, TODO)  # offline: nothing arrived
    expect_in_column(page_b, second, TODO)

    go_online(page_b)

    expect_in_column(page_b, first, DOING, timeout=3_000)
    expect_in_column(page_b, second, DONE, timeout=3_000)
    expect(page_b.locator("#announcer")).to_contain_text("Verbinding hersteld")


def test_offline_move_is_refused_with_a_message(new_page, api):
    """A move while offline shows a message in #messages, is not saved, and the board heals."""
    action_id = api.create(top=True)
    page = new_page(MOHAMED)
    go_offline(page)

    click_move(page, action_id, 1)

    expect(page.locator("#messages .flash-error")).to_contain_text("offline")
    expect(page.locator("#messages")).to_be_visible()
    assert api.action(action_id)["status"] == TODO
    go_online(page)
    expect_in_column(page, action_id, TODO, timeout=3_000)


@pytest.mark.parametrize("how", ["button", "keyboard", "drag"])
def test_offline_move_puts_the_card_back_at_once(new_page, api, how):
    """While still offline, a refused move returns the card to its true column and place."""
    action_id = api.create(top=True)
    page = new_page(MOHAMED)
    follower = page.evaluate("id => document.getElementById(id).nextElementSibling.id",
                             f"action-{action_id}")
    go_offline(page)

    if how == "button":
        click_move(page, action_id, 1)
    elif how == "keyboard":
        keyboard_move(page, action_id, "ArrowRight")
    else:
        drag_card(page, action_id, DOING)

    expect(page.locator("#messages .flash-error")).to_contain_text("offline")
    expect_in_column(page, action_id, TODO, timeout=1_000)
    assert page.evaluate("id => document.getElementById(id).nextElementSibling.id",
                         f"action-{action_id}") == follower
    page.context.set_offline(False)
