"""How many cards a screen shows: compact cards on a desktop board, every card on a wall screen
and in the stand-up (fitted, or paged with a marker), a phone that starts with the cards, and a
card dragged by its title."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, INGRID, SANNE, wait_live
from .helpers import DOING, TITLES, TODO, card, drag_card, expect_in_column, expect_saved
from .test_screens import axe_violations

pytestmark = pytest.mark.browser

JOOST = "joost.verhoeven@abg.example"  # ruimte-wonen (no other browser test changes its board)
WALL = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 800}
SIZES = {"phone": PHONE, "tablet": {"width": 768, "height": 1024}, "laptop": LAPTOP, "wall": WALL}
SHOTS = "/tmp/verbeterbord-density"

# Per column: its cards, those wholly inside the column's box and the window, and its page marker.
COLUMN_VIEW = """key => {
    const col = document.querySelector(`[data-column="${key}"]`).closest(".column");
    const box = col.getBoundingClientRect();
    const cards = Array.from(col.querySelectorAll(".cards > article")).filter((c) => !c.hidden);
    const whole = cards.filter((c) => {
        const r = c.getBoundingClientRect();
        return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 &&
            r.bottom <= window.innerHeight + 1 && r.left >= box.left - 1 &&
            r.right <= box.right + 1;
    });
    const marker = col.querySelector(".page-marker:not([hidden])");
    return {ids: cards.map((c) => c.id), whole: whole.map((c) => c.id),
            marker: marker ? marker.textContent.trim() : null,
            title: parseFloat(getComputedStyle(cards[0].querySelector("h3")).fontSize)};
}"""


def column_view(page, key):
    """What a person sees of column `key` right now."""
    return page.evaluate(COLUMN_VIEW, key)


def exactly(api, slug, status, count):
    """Make column `status` of team `slug` hold exactly `count` cards (new ones, or extra ones
    moved on to done)."""
    board = api.board(slug)
    column = next(c for c in board["columns"] if c["key"] == status)
    for action in column["actions"][count:]:
        moved = api.http.post(f"{api.base_url}/api/v1/actions/{action['id']}/move",
                              json={"status": "done", "version": action["version"]})
        assert moved.status_code == 200, moved.text
    for _ in range(count - len(column["actions"])):
        api.create(status=status, slug=slug)


def display_link(browser, live_server, login_states, team):
    """A new wall-screen link for `team`, made by an admin."""
    context = browser.new_context(base_url=live_server.url, storage_state=login_states(INGRID))
    admin = context.new_page()
    admin.goto("/admin/displays")
    admin.fill("input[name=label]", f"Scherm {uuid.uuid4().hex[:4]}")
    admin.select_option("select[name=team]", team)
    admin.click("form.inline-form button.primary")
    link = admin.input_value("#new-link")
    context.close()
    return link


@pytest.fixture(scope="module")
def seven_doing(api_as):
    """Ruimte en Wonen with exactly seven cards in Mee bezig."""
    exactly(api_as(JOOST), "ruimte-wonen", DOING, 7)
    return api_as(JOOST)


@pytest.mark.parametrize("where", ["display", "standup"])
def test_a_seven_card_column_shows_whole_on_the_wall(new_page, browser, live_server, login_states,
                                                      seven_doing, where):
    """At 1920 × 1080 a wall screen and the stand-up show all seven cards of Mee bezig whole, in
    type no smaller than the floor (1.1 rem titles), without paging."""
    if where == "display":
        page = new_page(None, path=display_link(browser, live_server, login_states, "ruimte-wonen"),
                        viewport=WALL)
        wait_live(page)
    else:
        page = new_page(JOOST, path="/teams/ruimte-wonen/standup", viewport=WALL)
    page.wait_for_timeout(300)  # the fit runs once the columns are counted
    page.screenshot(path=f"{SHOTS}-{where}-1920.png")
    view = column_view(page, DOING)
    assert len(view["ids"]) == 7 and view["whole"] == view["ids"], view
    assert view["marker"] is None, view
    root = float(page.evaluate("getComputedStyle(document.documentElement).fontSize")[:-2])
    assert view["title"] >= 1.1 * root - 0.5, (view["title"], root)
    assert page.errors == []


def test_a_long_column_pages_through_its_cards_with_a_marker(new_page, browser, live_server,
                                                             login_states, api_as):
    """30 cards in one column of a wall screen: the column shows a "1/N" marker and turns its pages
    by itself; every card shows whole on one of them; nothing is hidden for good."""
    ingrid = api_as(INGRID)
    exactly(ingrid, "team-van-teams", DOING, 30)
    link = display_link(browser, live_server, login_states, "team-van-teams")
    page = new_page(None, path=None, viewport=WALL)
    page.clock.install()
    page.goto(link)
    wait_live(page)
    page.wait_for_timeout(300)
    first = column_view(page, DOING)
    assert len(first["ids"]) == 30, first
    match = re.search(r"\b1/(\d+)$", first["marker"] or "")  # "Pagina" before it, for readers
    assert match and int(match.group(1)) >= 2, first
    pages = int(match.group(1))
    seen = set(first["whole"])
    assert first["whole"], first
    for number in range(2, pages + 2):
        page.clock.run_for(8_000)
        view = column_view(page, DOING)
        expected = number if number <= pages else 1  # after the last page, the first again
        assert view["marker"].endswith(f" {expected}/{pages}"), view
        assert view["whole"], view
        seen.update(view["whole"])
    assert seen == set(first["ids"]), set(first["ids"]) - seen
    assert page.errors == []


def test_the_stand_up_timer_belongs_to_the_person_shown(new_page):
    """The timer starts again from 2:00 for the next person and keeps running; "Start stand-up"
    says when it started, begins with the first person and runs the timer."""
    page = new_page(SANNE, path=f"{BOARD}/standup", viewport=WALL)
    display = page.locator("#timer-display")
    page.click("#timer-toggle")
    expect(display).to_have_text("1:59", timeout=3_000)
    page.click("#next-person")
    expect(display).to_have_text("2:00")
    expect(display).to_have_text("1:59", timeout=3_000)  # still running, for this person
    page.click("#timer-toggle")  # stop

    page.click("#start-standup button")
    expect(page.locator("#standup-started")).to_contain_text("Stand-up gestart om")
    expect(page.locator("#start-standup")).to_be_hidden()
    expect(page.locator("#current-person")).to_contain_text("Daan Brouwers")
    expect(display).to_have_text("1:59", timeout=3_000)
    activity = new_page(SANNE, path=f"{BOARD}/activity", live=False)
    expect(activity.locator("main")).to_contain_text("Sanne Jansen begon een stand-up")  # logged
    # No pointer to a new-action button the stand-up does not have.
    assert page.evaluate("getComputedStyle(document.querySelector('.add-hint')).display") == "none"
    assert page.errors == []


def cards_above_the_fold(page, key):
    """How many cards of column `key` show whole within the window."""
    return len(column_view(page, key)["whole"])


def test_a_laptop_board_shows_six_compact_cards_per_column(new_page, api):
    """At 1280 × 800, with every column full, the board picks compact cards and each column shows
    at least six whole cards above the fold; the page itself does not scroll."""
    board = api.board()
    for column in board["columns"]:
        for _ in range(8 - len(column["actions"])):
            api.create(status=column["key"])
    page = new_page(SANNE, viewport=LAPTOP)
    expect(page.locator("#board")).to_have_class(re.compile(r"\bdense\b"))
    expect(page.locator("#density-toggle")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=f"{SHOTS}-board-1280.png")
    for key in (TODO, DOING, "done"):
        assert cards_above_the_fold(page, key) >= 6, (key, column_view(page, key))
    assert page.evaluate("document.documentElement.scrollHeight") <= LAPTOP["height"] + 1
    expect(page.locator("#new-action")).to_be_visible()
    box = page.locator("#new-action").bounding_box()
    assert box["height"] <= 60, box  # one line


def test_the_density_switch_is_remembered_and_live_cards_follow_it(new_page, api):
    """"Compact" off: full cards, also after a reload and for a card that arrives live; on again:
    compact, also after a reload."""
    page = new_page(SANNE, viewport=LAPTOP)
    toggle = page.locator("#density-toggle")
    if toggle.get_attribute("aria-pressed") == "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#board")).not_to_have_class(re.compile(r"\bdense\b"))
    page.reload()
    wait_live(page)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#board")).not_to_have_class(re.compile(r"\bdense\b"))
    arrived = api.create(top=True)
    expect(card(page, arrived)).to_have_count(1)
    expect(card(page, arrived).locator(".owner .name")).to_be_visible()  # full: the whole name
    expect(card(page, arrived).locator(".owner .short")).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(card(page, arrived).locator(".owner .short")).to_be_visible()  # compact: first name
    expect(card(page, arrived).locator(".path")).to_have_css("position", "absolute")  # for readers
    page.reload()
    wait_live(page)
    expect(page.locator("#board")).to_have_class(re.compile(r"\bdense\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.errors == []


def test_a_phone_board_starts_with_the_cards(new_page, api):
    """At 360 × 800 the first card starts in the upper third; the column switcher stays at the top
    while the column scrolls; the card's controls are buttons of at least 44 × 44 px."""
    api.create(top=True)
    page = new_page(SANNE, viewport=PHONE, has_touch=True, is_mobile=True)
    page.screenshot(path=f"{SHOTS}-board-360.png")
    first = page.locator(f'[data-column="{TODO}"] > article').first
    assert first.bounding_box()["y"] <= PHONE["height"] / 3, first.bounding_box()
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(300)
    switch = page.locator(".col-switch").bounding_box()
    assert page.evaluate("window.scrollY") > 500 and -1 <= switch["y"] <= 8, switch
    for button in first.locator(".tools button:visible").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        style = button.evaluate(
            "b => [getComputedStyle(b).borderTopColor, getComputedStyle(b).backgroundColor]"
        )
        assert "rgba(0, 0, 0, 0)" not in style, style  # a visible edge and fill: a button, not text
    assert first.locator(".tools button:visible").count() == 2  # Move to… and Edit


def test_a_card_drags_by_its_title_and_a_click_on_the_title_opens_it(new_page, api):
    """A drag that starts on the card's bold title moves the card (saved, announced); a click on
    the title opens the card's page."""
    action_id = api.create(top=True)
    page = new_page(SANNE)
    drag_card(page, action_id, DOING, grab="h3 a")
    expect_in_column(page, action_id, DOING)
    expect_saved(page, action_id, DOING)
    expect(page.locator("#announcer")).to_contain_text(TITLES[DOING])
    assert api.action(action_id)["status"] == DOING

    card(page, action_id).locator("h3 a").click()
    page.wait_for_url(f"**/actions/{action_id}")
    assert page.errors == []


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_changed_pages_pass_axe(new_page, browser, live_server, login_states, size):
    """axe-core finds nothing on the board (compact and full, a card's floating buttons shown),
    the stand-up and a wall screen."""
    viewport = SIZES[size]
    problems = {}
    for density in ("compact", "full"):
        page = new_page(SANNE, viewport=viewport, live=False, bypass_csp=True)
        page.evaluate("d => localStorage.setItem('verbeterbord.density', d)", density)
        page.reload()
        page.wait_for_load_state("networkidle")
        page.locator(".cards > article").first.hover()
        problems[f"board-{density}"] = axe_violations(page)
    link = display_link(browser, live_server, login_states, "klantcontact")
    for name, path, email in (("standup", f"{BOARD}/standup", SANNE), ("display", link, None)):
        page = new_page(email, path=path, viewport=viewport, live=False, bypass_csp=True)
        page.wait_for_load_state("networkidle")
        problems[name] = axe_violations(page)
    assert not any(problems.values()), problems
