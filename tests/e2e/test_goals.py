"""A member sets and achieves a short-term goal from the board; another open board follows live."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import MOHAMED, SANNE

pytestmark = pytest.mark.browser


def goal_item(page, title):
    """The goal's entry in the board's goals panel."""
    return page.locator("#goals-panel li[data-goal-status]", has_text=title)


def picker_option(page, title):
    """The goal as a choice in the new-action form."""
    return page.locator("#new-goal option", has_text=title)


def test_member_adds_and_achieves_a_goal_seen_live_elsewhere(new_page):
    """Sanne adds a short-term goal and marks it achieved; Mohamed's open board shows both,
    and the achieved goal leaves his new-action goal picker, without a reload."""
    title = f"E2E-doel {uuid.uuid4().hex[:6]}"
    other = new_page(MOHAMED)
    other.evaluate("window.__e2eSamePage = true")
    page = new_page(SANNE)

    page.click("#goals-panel > summary")
    page.select_option("#new-goal-parent", index=0)
    page.fill("#new-goal-title", title)
    page.fill("#new-goal-date", "2027-06-30")
    page.click("#new-goal-form button[type=submit]")

    expect(goal_item(page, title)).to_have_count(1, timeout=3_000)
    expect(page.locator("#announcer")).to_have_text("Het doel is opgeslagen.")
    expect(page.locator("#new-goal-title")).to_be_focused()
    expect(page.locator("#goals-panel")).to_have_attribute("open", "")
    expect(picker_option(page, title)).to_have_count(1)
    expect(goal_item(other, title)).to_have_count(1, timeout=3_000)
    expect(picker_option(other, title)).to_have_count(1)

    goal_item(page, title).get_by_role("button", name="Behaald").click()

    expect(goal_item(page, title)).to_have_attribute("data-goal-status", "achieved", timeout=3_000)
    expect(goal_item(other, title)).to_have_attribute("data-goal-status", "achieved",
                                                      timeout=3_000)
    expect(picker_option(other, title)).to_have_count(0)
    expect(picker_option(page, title)).to_have_count(0)
    other.click("#goals-panel > summary")
    expect(goal_item(other, title).locator(".goal-status")).to_have_text("Behaald")
    assert other.evaluate("window.__e2eSamePage") is True, "the other board was reloaded"
    assert page.errors == [] and other.errors == []
