"""Stand-up mode on the wall screen: walk the board person by person, and the timer."""

import json

import pytest
from playwright.sync_api import expect

from .conftest import SANNE

pytestmark = pytest.mark.browser

STANDUP = "/teams/klantcontact/standup"
# Klantcontact's members in alphabetical order (boards/seed.py): the walk starts with the first.
FIRST, LAST = "Daan Brouwers", "Thijs Mulder"
EVERYONE = "Iedereen"
END = "Einde van de stand-up"  # after the team's new ideas, which follow the people


def standup_data(page):
    """The members (ids and names, in walking order) the page walks through."""
    return json.loads(page.inner_text("#standup-data"))


def shown_owners(page):
    """The owner ids of the cards visible now, and how many cards are hidden. A card on another
    page of a column that pages through its cards (marked, it shows in turn) counts as shown."""
    return page.evaluate("""() => {
        const cards = Array.from(document.querySelectorAll("#columns article"));
        const paged = (c) => c.classList.contains("off-page") &&
            c.closest(".column").querySelector(".page-marker:not([hidden])") !== null;
        const shown = cards.filter((c) => !c.hidden && (c.getClientRects().length > 0 || paged(c)));
        return {owners: [...new Set(shown.map((c) => c.dataset.owner))],
                hidden: cards.length - shown.length, total: cards.length};
    }""")


def new_ideas(page):
    """How many new ideas the walk shows after the people (the demo team has some)."""
    count = page.locator("#standup-ideas li[data-idea-id]").count()
    assert count > 0, "the demo team has new ideas: the walk ends with them and an end step"
    return count


def expect_person(page, member_id, name):
    """#current-person names the person and only that person's cards are visible."""
    expect(page.locator("#current-person")).to_contain_text(name)
    shown = shown_owners(page)
    assert shown["owners"] == [str(member_id)], shown
    assert shown["hidden"] > 0, shown


def expect_everyone(page):
    """#current-person says everyone and every card is visible."""
    expect(page.locator("#current-person")).to_have_text(EVERYONE)
    shown = shown_owners(page)
    assert shown["hidden"] == 0 and shown["total"] > 0, shown


@pytest.fixture
def standup(new_page, api):
    """Sanne's stand-up screen, with a card of the first and the last member on the board."""
    page = new_page(SANNE, path=STANDUP)
    data = standup_data(page)
    members = dict(zip(data["names"], data["members"], strict=True))
    assert data["names"][0] == FIRST and data["names"][-1] == LAST, data["names"]
    for name in (FIRST, LAST):
        action_id = api.create(owner_id=members[name])
        expect(page.locator(f'[id="action-{action_id}"]')).to_have_count(1)  # arrived live
    page.members = members
    return page


def test_keyboard_walks_person_by_person(standup):
    """ArrowRight shows only the first member's cards; ArrowLeft goes back to everyone; N, P too.
    Before everyone come the end step and the new ideas, then the last member."""
    page = standup
    expect_everyone(page)

    page.keyboard.press("ArrowRight")
    expect_person(page, page.members[FIRST], FIRST)
    page.keyboard.press("ArrowLeft")
    expect_everyone(page)
    page.keyboard.press("n")
    expect_person(page, page.members[FIRST], FIRST)
    page.keyboard.press("p")
    expect_everyone(page)
    page.keyboard.press("ArrowLeft")  # from everyone back round to the end of the walk
    expect(page.locator("#current-person")).to_have_text(END)
    for _ in range(new_ideas(page)):  # back past each new idea to the last member
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#current-person")).to_contain_text("Nieuw idee")
    page.keyboard.press("ArrowLeft")
    expect_person(page, page.members[LAST], LAST)
    assert page.errors == []


def test_buttons_walk_person_by_person(standup):
    """#next-person and #prev-person do what the arrow keys do, round the new ideas too."""
    page = standup

    page.click("#next-person")
    expect_person(page, page.members[FIRST], FIRST)
    page.click("#prev-person")
    expect_everyone(page)
    page.click("#prev-person")
    expect(page.locator("#current-person")).to_have_text(END)
    for _ in range(new_ideas(page) + 1):
        page.click("#prev-person")
    expect_person(page, page.members[LAST], LAST)
    for _ in range(new_ideas(page) + 1):
        page.click("#next-person")
    expect(page.locator("#current-person")).to_have_text(END)
    page.click("#next-person")
    expect_everyone(page)


def test_the_filter_holds_for_cards_that_arrive_live(standup, api):
    """While the walk shows the first member, a new card of someone else stays hidden."""
    page = standup
    page.keyboard.press("ArrowRight")
    expect_person(page, page.members[FIRST], FIRST)

    theirs = api.create(owner_id=page.members[FIRST])
    others = api.create(owner_id=page.members[LAST])

    expect(page.locator(f'[id="action-{theirs}"]')).to_be_visible()
    expect(page.locator(f'[id="action-{others}"]')).to_have_count(1)
    expect(page.locator(f'[id="action-{others}"]')).to_be_hidden()
    expect_person(page, page.members[FIRST], FIRST)


def test_timer_counts_down(standup):
    """The timer button starts a two-minute countdown; pressing it again stops it."""
    page = standup
    display = page.locator("#timer-display")
    expect(display).to_have_text("2:00")

    page.click("#timer-toggle")

    # Polled every frame (not expect()'s back-off), so the first tick is seen when it happens.
    page.wait_for_function("() => document.getElementById('timer-display').textContent !== '2:00'",
                           polling="raf", timeout=1_500)
    expect(display).to_have_text("1:59")
    page.click("#timer-toggle")
    stopped = display.inner_text()
    page.wait_for_timeout(1_100)
    expect(display).to_have_text(stopped)


def test_column_counts_follow_the_person_shown(standup):
    """Walking to one person: each column's count is the number of that person's cards in it."""
    standup.click("#next-person")
    expect(standup.locator("#current-person")).to_contain_text(FIRST)
    counts = standup.evaluate("""() => ["todo", "doing", "done"].map((key) => [
        Number(document.querySelector(`[data-count="${key}"]`).textContent),
        document.querySelectorAll(`[data-column="${key}"] > article:not([hidden])`).length,
        document.querySelectorAll(`[data-column="${key}"] > article`).length])""")
    assert all(shown == visible for shown, visible, _all in counts), counts
    assert any(shown < everything for shown, _visible, everything in counts), counts


def visible_columns(page):
    """The keys of the columns a person can see now."""
    return page.evaluate("""() => Array.from(document.querySelectorAll("#columns [data-column]"))
        .filter((c) => c.getClientRects().length > 0).map((c) => c.dataset.column)""")


def test_phone_shows_one_column_at_a_time(new_page, api):
    """At 360 px the stand-up shows one column behind the board's switcher, whose counts follow
    the person shown."""
    page = new_page(SANNE, path=STANDUP, viewport={"width": 360, "height": 740})
    assert visible_columns(page) == ["todo"]
    page.click('[data-show-column="done"]')
    assert visible_columns(page) == ["done"]
    expect(page.locator('[data-show-column="done"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator('[data-show-column="todo"]')).to_have_attribute("aria-pressed", "false")
    page.click("#next-person")
    expect(page.locator("#current-person")).to_contain_text(FIRST)
    counts = page.evaluate("""() => ["todo", "doing", "done"].map((key) => [
        document.querySelector(`[data-switch-count="${key}"]`).textContent,
        String(document.querySelectorAll(
            `[data-column="${key}"] > article:not([hidden])`).length)])""")
    assert all(switch == shown for switch, shown in counts), counts
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
