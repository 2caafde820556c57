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


def test_overview_marks_an_achieved_goal_live(new_page, api_as, live_server):
    """Mohamed achieves a team goal through the API: Ingrid's open overview shows it achieved."""
    from .conftest import INGRID

    api = api_as(MOHAMED)
    board = api.http.get(f"{live_server.url}/api/v1/teams/klantcontact/goals").json()
    parent = next(g for g in board["goals"] if g["horizon"] == "long" and g["status"] == "open")
    title = f"E2E-overzicht {uuid.uuid4().hex[:6]}"
    created = api.http.post(f"{live_server.url}/api/v1/teams/klantcontact/goals", json={
        "title": title, "horizon": "short", "parent_id": parent["id"]})
    assert created.status_code == 201, created.text
    overview = new_page(INGRID, path="/overview", live=False)
    overview.wait_for_selector("#connection[data-state=online]", state="attached")
    overview.evaluate("window.__e2eSamePage = true")
    entry = overview.locator("#overview-body .goal-tree li li", has_text=title)
    expect(entry).to_have_count(1)
    expect(entry.locator(".goal-status")).to_have_count(0)

    done = api.http.patch(f"{live_server.url}/api/v1/goals/{created.json()['goal']['id']}",
                          json={"status": "achieved", "version": 1})
    assert done.status_code == 200, done.text

    expect(entry.locator(".goal-status")).to_have_text("Behaald", timeout=3_000)
    assert overview.evaluate("window.__e2eSamePage") is True, "the overview was reloaded"
    assert overview.errors == []
