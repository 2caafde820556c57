"""Ideas on the board: anyone posts one, a member adopts it and its card appears on the board;
axe-core finds nothing on the board with the ideas panel open, at phone and desktop widths."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import SANNE
from .test_screens import axe_violations, overflow

pytestmark = pytest.mark.browser


def idea_item(page, title):
    """The idea's entry in the board's ideas panel."""
    return page.locator("#ideas-panel li.idea", has_text=title)


def test_member_adopts_a_posted_idea_and_sees_the_new_card(new_page):
    """Sanne posts an idea and adopts it: the idea says so and links its card, and the card
    arrives in To do without a reload."""
    title = f"E2E-idee {uuid.uuid4().hex[:6]}"
    page = new_page(SANNE)
    page.evaluate("window.__e2eSamePage = true")
    page.click("#ideas-panel > summary")
    page.fill("#new-idea-title", title)
    page.fill("#new-idea-text", "Zodat inwoners minder lang wachten.")
    page.click("#new-idea-form button[type=submit]")

    item = idea_item(page, title)
    expect(item).to_have_attribute("data-idea-state", "new", timeout=3_000)
    expect(page.locator("#announcer")).to_have_text("Het idee is opgeslagen.")
    expect(page.locator("#ideas-panel")).to_have_attribute("open", "")
    expect(page.locator("#new-idea-title")).to_be_focused()
    expect(page.locator("#new-idea-title")).to_have_value("")

    item.get_by_role("button", name="Omzetten in actie").click()

    expect(item).to_have_attribute("data-idea-state", "adopted", timeout=3_000)
    expect(item.get_by_role("link", name="Naar de actie")).to_have_count(1)
    card = page.locator("[data-column=todo] article", has_text=title)
    expect(card).to_have_count(1, timeout=3_000)
    assert page.evaluate("window.__e2eSamePage") is True, "the board was reloaded"
    assert page.errors == []


@pytest.mark.parametrize("width", [360, 1280, 1920])
def test_board_with_the_ideas_panel_open_passes_axe(new_page, width):
    """The panel open with a decline form showing: no sideways scrolling, no axe violations."""
    page = new_page(SANNE, viewport={"width": width, "height": 900}, live=False, bypass_csp=True)
    page.wait_for_load_state("networkidle")
    page.click("#ideas-panel > summary")
    expect(page.locator("#ideas-panel")).to_have_attribute("open", "")
    page.locator("#ideas-panel li.idea[data-idea-state=new] details.goal-edit > summary",
                 has_text="Afwijzen").first.click()
    assert overflow(page)["extra"] <= 0, overflow(page)
    assert axe_violations(page) == []
