"""Two people move the same card at the same moment: one move wins, both pages agree."""

import pytest
from playwright.sync_api import expect

from .conftest import MOHAMED, SANNE
from .helpers import DOING, card, click_at_same_time, column_of, expect_in_column

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("run", range(2))
def test_simultaneous_moves_of_one_card(new_page, api, run):
    """◀ on page A and ▶ on page B at once: one move is saved, the loser is told, no duplicates."""
    action_id = api.create(status=DOING, top=True)
    page_a, page_b = new_page(SANNE), new_page(MOHAMED)
    version = int(card(page_a, action_id).get_attribute("data-version"))
    moves = api.moves(action_id)

    click_at_same_time([(page_a, f'[id="action-{action_id}"] button[data-move="-1"]'),
                        (page_b, f'[id="action-{action_id}"] button[data-move="1"]')])

    final = None
    for _ in range(2):  # wait until the server state and both pages settle
        page_a.wait_for_timeout(200)
        final = api.action(action_id)
        for page in (page_a, page_b):
            expect_in_column(page, action_id, final["status"], timeout=3_000)
    assert final["version"] == version + 1, "exactly one of the two moves may be saved"
    assert api.moves(action_id) == moves + 1
    assert final["status"] in ("todo", "done")
    for page in (page_a, page_b):
        expect(card(page, action_id)).to_have_count(1)
        expect(card(page, action_id)).to_have_attribute("data-version", str(final["version"]))
        assert column_of(page, action_id) == final["status"]
    loser = page_b if final["status"] == "todo" else page_a
    winner = page_a if loser is page_b else page_b
    expect(loser.locator("#messages .flash-error")).to_contain_text("Iemand anders")
    expect(winner.locator("#messages .flash-error")).to_have_count(0)
