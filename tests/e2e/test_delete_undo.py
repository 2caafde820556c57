"""Deleting a card from the board's edit dialog, and undoing it, seen live in a second browser."""

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, MOHAMED, SANNE
from .helpers import DOING, card, expect_in_column, tool

pytestmark = pytest.mark.browser


def on_board(api, action_id):
    board = api.board()
    return [a for column in board["columns"] for a in column["actions"] if a["id"] == action_id]


def test_delete_and_undo_a_card_seen_live_elsewhere(new_page, api):
    """Sanne deletes a card (Mohamed's board loses it without a reload), then presses
    "Ongedaan maken": the card is back in its column on both pages and in the API."""
    action_id = api.create(status=DOING)
    title = api.action(action_id)["title"]
    sanne, mohamed = new_page(SANNE, path=BOARD), new_page(MOHAMED, path=BOARD)
    mohamed.evaluate("window.__e2eSamePage = true")
    for page in (sanne, mohamed):
        expect_in_column(page, action_id, DOING)

    tool(sanne, action_id, "button.edit").click()
    dialog = sanne.locator("dialog#editor")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Deze actie verwijderen").click()

    expect(dialog).to_be_hidden()
    for page in (sanne, mohamed):
        expect(card(page, action_id)).to_have_count(0, timeout=5_000)
    assert on_board(api, action_id) == []
    undo = sanne.locator("#undo")
    expect(undo).to_be_visible()
    expect(undo).to_contain_text(title)
    undo.get_by_role("button", name="Ongedaan maken").click()

    expect(undo).to_be_hidden()
    for page in (sanne, mohamed):
        expect_in_column(page, action_id, DOING, timeout=5_000)
    assert len(on_board(api, action_id)) == 1
    assert mohamed.evaluate("window.__e2eSamePage") is True, "the page was reloaded"
    assert sanne.errors == [] and mohamed.errors == []


def test_undo_is_offered_only_for_a_few_seconds(new_page, api):
    action_id = api.create()
    page = new_page(SANNE, path=BOARD)
    page.clock.install()
    tool(page, action_id, "button.edit").click()
    page.locator("dialog#editor").get_by_role("button", name="Deze actie verwijderen").click()
    expect(page.locator("#undo")).to_be_visible()
    page.clock.run_for(11_000)
    expect(page.locator("#undo")).to_be_hidden()
    assert on_board(api, action_id) == []
