"""The board in a browser: create a card, move it by button and by drag, see it on another page."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, MOHAMED, SANNE, log_in, wait_live
from .helpers import (
    DOING,
    DONE,
    TITLES,
    TODO,
    card,
    click_move,
    drag_card,
    expect_in_column,
    expect_saved,
)

pytestmark = pytest.mark.browser


def test_create_an_action_and_move_it_to_done(new_page, api):
    """Log in, add a card with the form, move it twice with ▶, and it is still done after a
    reload."""
    page = new_page(None, path="/login")
    log_in(page, SANNE)
    page.goto(BOARD)
    wait_live(page)
    page.evaluate("window.__e2eSamePage = true")
    title = f"Klantvragen bundelen {uuid.uuid4().hex[:6]}"

    page.fill("#new-title", title)
    page.click("#new-action button[type=submit]")

    expect(page.locator(f'[data-column="{TODO}"]')).to_have_attribute("data-title", TITLES[TODO])
    created = page.locator(f'[data-column="{TODO}"] > article[data-title="{title}"]')
    expect(created).to_have_count(1, timeout=3_000)
    expect(page.locator("#new-title")).to_have_value("")
    action_id = int(created.get_attribute("id").removeprefix("action-"))
    assert page.evaluate("window.__e2eSamePage") is True, "the page was reloaded"

    click_move(page, action_id, 1)
    expect_saved(page, action_id, DOING)
    expect_in_column(page, action_id, DOING)
    click_move(page, action_id, 1)
    expect_saved(page, action_id, DONE)

    page.reload()
    expect_in_column(page, action_id, DONE)
    assert api.action(action_id)["status"] == DONE


def test_drag_shows_on_another_members_page(new_page, api):
    """Sanne drags a card from Te doen to Mee bezig; Mohamed's page shows it within 2 s."""
    action_id = api.create(top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)
    expect_in_column(page_b, action_id, TODO)

    drag_card(page_a, action_id, DOING)

    expect_in_column(page_a, action_id, DOING)
    expect_in_column(page_b, action_id, DOING, timeout=2_000)
    expect_saved(page_a, action_id, DOING)
    assert api.action(action_id)["status"] == DOING


def test_counts_follow_the_cards(new_page, api):
    """A move updates the column counters on both pages."""
    action_id = api.create(top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)
    before = {key: int(page_b.inner_text(f'[data-count="{key}"]')) for key in (TODO, DOING)}

    click_move(page_a, action_id, 1)

    expect_in_column(page_b, action_id, DOING)
    for page in (page_a, page_b):
        expect(page.locator(f'[data-count="{TODO}"]')).to_have_text(str(before[TODO] - 1))
        expect(page.locator(f'[data-count="{DOING}"]')).to_have_text(str(before[DOING] + 1))


@pytest.mark.parametrize("how", ["button", "drag"])
def test_a_move_raises_no_script_errors(new_page, api, how):
    """Moving a card leaves no uncaught script error on the page that moved it."""
    action_id = api.create(top=True)
    page = new_page(SANNE)

    if how == "button":
        click_move(page, action_id, 1)
    else:
        drag_card(page, action_id, DOING)

    expect_saved(page, action_id, DOING)
    page.wait_for_timeout(300)
    assert page.errors == []
    expect(card(page, action_id)).to_have_count(1)


SHOWN = """(id) => {
  const c = document.getElementById(`action-${id}`);
  return {status: c.dataset.status, pos: c.dataset.pos, version: c.dataset.version,
          column: c.parentElement.dataset.column,
          index: Array.from(c.parentElement.children).indexOf(c),
          buttons: Array.from(c.querySelectorAll(".mv")).map((b) => b.disabled),
          classes: c.className};
}"""


def test_a_card_moved_on_another_page_is_what_a_reload_shows(new_page, api):
    """A move reaches Mohamed's page without the card's HTML (action.moved): the card he sees
    has the column, place, version and ◀ ▶ buttons that reading the page afresh gives."""
    action_id = api.create(top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)
    expect_in_column(page_b, action_id, TODO)
    for status in (DOING, DONE):
        click_move(page_a, action_id, 1)
        expect_saved(page_a, action_id, status)
        expect_in_column(page_b, action_id, status)
    live = page_b.evaluate(SHOWN, action_id)
    assert live["buttons"] == [False, True] and live["status"] == DONE
    page_b.reload()
    expect_in_column(page_b, action_id, DONE)
    assert page_b.evaluate(SHOWN, action_id) == live
