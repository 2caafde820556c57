"""Moving cards without a mouse: Space picks up, arrows move, Space drops, Escape cancels."""

import pytest
from playwright.sync_api import expect

from .conftest import MOHAMED, SANNE
from .helpers import (
    DOING,
    DONE,
    TITLES,
    TODO,
    card,
    column_of,
    expect_in_column,
    expect_saved,
    focused_id,
    keyboard_move,
)

pytestmark = pytest.mark.browser


def test_keyboard_move_to_the_next_column(new_page, api):
    """Space, ArrowRight, Space moves the card, keeps focus on it, announces it, reaches page B."""
    action_id = api.create(top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)

    keyboard_move(page_a, action_id, "ArrowRight")

    expect_in_column(page_a, action_id, DOING)
    expect_saved(page_a, action_id, DOING)
    assert focused_id(page_a) == f"action-{action_id}"
    expect(page_a.locator("#announcer")).to_contain_text(TITLES[DOING])
    expect(page_a.locator("#announcer")).to_contain_text("positie")
    expect_in_column(page_b, action_id, DOING)
    assert api.action(action_id)["status"] == DOING


def test_picking_up_announces_and_arrows_announce_the_place(new_page, api):
    """Space announces the pick-up; an arrow announces the column and position before the drop."""
    action_id = api.create(top=True)
    page = new_page(SANNE)
    card(page, action_id).focus()

    page.keyboard.press("Space")
    expect(page.locator("#announcer")).to_contain_text("opgepakt")
    expect(card(page, action_id)).to_have_attribute("aria-grabbed", "true")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#announcer")).to_contain_text(f"{TITLES[DOING]}, positie")
    assert focused_id(page) == f"action-{action_id}"
    page.keyboard.press("Space")
    expect_saved(page, action_id, DOING)


def test_escape_cancels_a_pick_up(new_page, api):
    """Escape after moving a held card puts it back where it was and saves nothing."""
    action_id = api.create(top=True)
    before = api.action(action_id)
    page = new_page(SANNE)
    follower = page.evaluate("id => document.getElementById(id).nextElementSibling.id",
                             f"action-{action_id}")
    card(page, action_id).focus()

    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect_in_column(page, action_id, DOING)
    page.keyboard.press("Escape")

    expect_in_column(page, action_id, TODO)
    assert page.evaluate("id => document.getElementById(id).nextElementSibling.id",
                         f"action-{action_id}") == follower
    expect(card(page, action_id)).not_to_have_attribute("aria-grabbed", "true")
    expect(page.locator("#announcer")).to_contain_text("geannuleerd")
    assert focused_id(page) == f"action-{action_id}"
    page.wait_for_timeout(300)
    after = api.action(action_id)
    assert (after["status"], after["version"]) == (TODO, before["version"])
    assert column_of(page, action_id) == TODO


def test_escape_after_the_neighbour_changed_elsewhere(new_page, api):
    """Escape still puts a held card back when its old neighbour was moved by someone else."""
    neighbour = api.create(top=True)
    action_id = api.create(top=True)
    page = new_page(SANNE)
    card(page, action_id).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")

    api.move(neighbour, DONE)
    expect_in_column(page, neighbour, DONE)
    page.keyboard.press("Escape")

    expect_in_column(page, action_id, TODO)
    expect(card(page, action_id)).not_to_have_class("picked")
    assert page.errors == []
