"""The Team van teams overview follows changes on team boards live, without reloading."""

import pytest
from playwright.sync_api import expect

from .conftest import ANOUK, INGRID, MOHAMED, wait_online
from .helpers import DOING, TODO, click_move, expect_saved

pytestmark = pytest.mark.browser

SLUG = "informatievoorziening"


def count_cell(page, status, slug=SLUG):
    """The overview's table cell with the team's number of cards in `status`."""
    return page.locator(f'[data-team-count="{slug}:{status}"]')


def counts(page, slug=SLUG):
    return {status: int(count_cell(page, status, slug).inner_text()) for status in (TODO, DOING)}


def test_overview_counts_follow_a_move_on_a_board(new_page, api_as):
    """Mohamed moves a card on his board, Anouk adds one by API: Ingrid's open overview follows."""
    action_id = api_as(ANOUK).create(slug=SLUG, top=True)
    overview = new_page(INGRID, path="/overview", live=False)
    wait_online(overview)
    overview.evaluate("window.__e2eSamePage = true")
    before = counts(overview)
    other = counts(overview, "klantcontact")
    board = new_page(MOHAMED, path=f"/teams/{SLUG}")

    click_move(board, action_id, 1)
    expect_saved(board, action_id, DOING)

    expect(count_cell(overview, TODO)).to_have_text(str(before[TODO] - 1), timeout=3_000)
    expect(count_cell(overview, DOING)).to_have_text(str(before[DOING] + 1), timeout=3_000)

    api_as(ANOUK).create(slug=SLUG)

    expect(count_cell(overview, TODO)).to_have_text(str(before[TODO]), timeout=3_000)
    assert counts(overview, "klantcontact") == other, "another team's figures changed"
    assert overview.evaluate("window.__e2eSamePage") is True, "the overview was reloaded"
    assert overview.errors == []
