"""My actions (/me) on a phone: fits 360 px, shows goal path and team, moves and follows moves."""

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, MOHAMED, SANNE
from .helpers import (
    DOING,
    DONE,
    TITLES,
    TODO,
    card,
    click_move,
    expect_in_column,
    expect_saved,
    keyboard_move,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
# Mohamed works in two teams, so /me mixes cards of both.
TEAMS = ("klantcontact", "informatievoorziening")
MIN_TARGET = 36  # px: the smallest touch target we accept for ◀ and ▶


@pytest.fixture
def mohamed(api_as):
    """The API as Mohamed: cards he creates are his own."""
    return api_as(MOHAMED)


def first_goal(api, slug):
    """A short-term goal on the team's board (so a card has a full goal path)."""
    board = api.board(slug)
    return next(g for g in board["goals"] if g["horizon"] == "short" and g["parent_id"])


def mark_same_page(page):
    """A marker that only survives if the page is never reloaded."""
    page.evaluate("window.__e2eSamePage = true")


def assert_same_page(page):
    assert page.evaluate("window.__e2eSamePage") is True, "the page was reloaded"


def test_me_fits_a_phone_and_shows_goal_path_and_team(new_page, mohamed):
    """At 360 px: no sideways scroll; each card shows its team and goal › long goal › ambition."""
    for slug in TEAMS:
        mohamed.create(slug=slug, goal_id=first_goal(mohamed, slug)["id"])
    page = new_page(MOHAMED, path="/me", viewport=PHONE)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"/me is {width} px wide on a 360 px screen"

    mine = mohamed.http.get(f"{mohamed.base_url}/api/v1/me/actions").json()["actions"]
    assert {a["team"]["slug"] for a in mine} >= set(TEAMS)
    expect(page.locator("#columns article")).to_have_count(len(mine))
    for action in mine:
        shown = card(page, action["id"])
        expect(shown.locator(".team")).to_be_visible()
        expect(shown.locator(".team")).to_contain_text(action["team"]["name"])
        path = shown.locator(".path")
        expect(path).to_be_visible()
        if action["goal"] is None:
            expect(path).to_have_text("Geen doel")
            continue
        for part in (action["goal"], action["long_goal"]):
            if part:
                expect(path).to_contain_text(part["title"])
        expect(path).to_contain_text(action["ambition"]["title"])
        box = shown.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] + 1, (action, box)


def test_move_buttons_are_large_enough_to_tap(new_page, mohamed):
    """Every ◀ and ▶ on /me at 360 px is at least 36 × 36 px."""
    mohamed.create(slug="informatievoorziening", status=DOING)
    page = new_page(MOHAMED, path="/me", viewport=PHONE)

    buttons = page.locator("#columns article button[data-move]")
    assert buttons.count() >= 2
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, \
            (buttons.nth(i).get_attribute("aria-label"), box)


def test_mark_done_from_me_with_the_button_and_the_keyboard(new_page, mohamed):
    """▶ on a card in Mee bezig, and Space → → Space on one in Te doen: both land in Klaar."""
    slug = "informatievoorziening"
    by_button = mohamed.create(slug=slug, status=DOING)
    by_keys = mohamed.create(slug=slug, status=TODO)
    page = new_page(MOHAMED, path="/me", viewport=PHONE)
    mark_same_page(page)
    expect(page.locator(f'[data-column="{DONE}"]')).to_have_attribute("data-title", TITLES[DONE])
    expect(page.locator("#col-done")).to_contain_text(TITLES[DONE])
    done_before = int(page.inner_text(f'[data-count="{DONE}"]'))

    click_move(page, by_button, 1)
    expect_saved(page, by_button, DONE)
    expect_in_column(page, by_button, DONE)
    keyboard_move(page, by_keys, "ArrowRight", "ArrowRight")
    expect_saved(page, by_keys, DONE)
    expect_in_column(page, by_keys, DONE)

    expect(page.locator(f'[data-count="{DONE}"]')).to_have_text(str(done_before + 2))
    for action_id in (by_button, by_keys):
        assert mohamed.action(action_id, slug=slug)["status"] == DONE
    assert page.errors == []
    page.reload()
    for action_id in (by_button, by_keys):
        expect_in_column(page, action_id, DONE)


def test_me_follows_a_move_on_the_team_board(new_page, mohamed):
    """Sanne moves Mohamed's card on the klantcontact board; his /me shows it without a reload."""
    action_id = mohamed.create(slug="klantcontact", top=True)
    me = new_page(MOHAMED, path="/me", viewport=PHONE)
    mark_same_page(me)
    expect_in_column(me, action_id, TODO)
    counts = {key: int(me.inner_text(f'[data-count="{key}"]')) for key in (TODO, DOING)}
    board = new_page(SANNE, path=BOARD)

    click_move(board, action_id, 1)

    expect_saved(board, action_id, DOING)
    expect_in_column(me, action_id, DOING, timeout=3_000)
    expect(card(me, action_id)).to_have_attribute("data-status", DOING)
    expect(me.locator(f'[data-count="{TODO}"]')).to_have_text(str(counts[TODO] - 1))
    expect(me.locator(f'[data-count="{DOING}"]')).to_have_text(str(counts[DOING] + 1))
    assert_same_page(me)
    assert me.errors == []
