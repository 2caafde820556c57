"""A goal's page in the browser: the chart with its table, entering a value (and a wrong one),
and axe finding nothing at a phone's, a laptop's and a wall screen's width."""

import pytest
from playwright.sync_api import expect

from boards.seed_indicators import MARKED_ACTION

from .conftest import BOARD, SANNE
from .test_screens import SHOTS, axe_violations, overflow

GOAL = "Terugbelverzoeken binnen één werkdag afgehandeld"


@pytest.fixture
def goal_path(new_page):
    """The goal page of the demo's call-back goal, as its link on the board's panel names it."""
    page = new_page(SANNE, path=BOARD, live=False)
    link = page.locator("#goals-panel li[data-goal-status]", has_text=GOAL).locator("a.goal-link")
    path = link.first.get_attribute("href")
    page.context.close()
    return path


def _indicator(page):
    return page.locator("section.indicator", has_text="Terugbelverzoeken later dan").first


def test_enter_a_value_and_read_the_table(new_page, goal_path):
    """The table has a row per week with the marked action and a signal after it; a value
    entered for the pre-selected week shows in the table; a wrong one is named at its field
    and changes nothing."""
    page = new_page(SANNE, path=goal_path, live=False)
    section = _indicator(page)
    rows = section.locator("table.xmr-table tbody tr")
    assert 28 <= rows.count() <= 30
    marked = section.locator("table.xmr-table tbody tr", has_text=MARKED_ACTION)
    expect(marked).to_have_count(1)
    texts = rows.evaluate_all("rows => rows.map((row) => row.textContent)")
    marked_at = next(i for i, text in enumerate(texts) if MARKED_ACTION in text)
    assert any("ondergrens" in text for text in texts[marked_at + 1:])  # a signal after it
    expect(section.locator("svg.xmr-chart .xmr-action")).to_have_count(1)
    period = section.locator("input[name=period]").input_value()
    assert period.startswith("20") and "-W" in period
    value = section.locator("input[name=value]")
    value.fill("veel")
    section.get_by_role("button", name="Waarde opslaan").click()
    error = page.locator(f"#{value.get_attribute('id')}-error")
    expect(error).to_contain_text("getal")
    expect(value).to_have_attribute("aria-invalid", "true")
    assert error.get_attribute("id") in value.get_attribute("aria-describedby")
    value.fill("7,5")
    section.get_by_role("button", name="Waarde opslaan").click()
    row = _indicator(page).locator("table.xmr-table tbody tr", has_text=period)
    expect(row.locator("td").first).to_have_text("7,5")
    assert page.errors == []


@pytest.mark.parametrize("width", [360, 1280, 1920])
def test_goal_page_has_no_axe_violations(new_page, goal_path, width):
    """axe 0 at 360, 1280 and 1920 px; nothing wider than a phone; screenshots to look at."""
    page = new_page(SANNE, path=goal_path, viewport={"width": width, "height": 900}, live=False,
                    bypass_csp=True)
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"goal-{width}.png"), full_page=True)
    _indicator(page).locator("svg.xmr-chart").screenshot(path=str(SHOTS / f"chart-{width}.png"))
    assert axe_violations(page) == []
    assert overflow(page)["extra"] <= 0, overflow(page)


def test_the_goals_panel_shows_sparklines_and_takes_a_value(new_page):
    """Opening the board's goals panel reads the sparklines in (the call-back indicator with its
    signal named); a value entered there shows as the latest, the panel staying open."""
    page = new_page(SANNE, path=BOARD, live=False)
    page.click("#goals-panel > summary")
    spark = page.locator("#goals-panel li.indicator-spark", has_text="Terugbelverzoeken later dan")
    expect(spark).to_have_count(1, timeout=3_000)
    expect(spark.locator(".signal-flag")).to_have_text("signaal")
    spark.locator("input[name=value]").fill("4,2")
    spark.get_by_role("button", name="Waarde opslaan").click()
    expect(page.locator("#goals-panel li.indicator-spark", has_text="Terugbelverzoeken later dan")
           .locator(".xmr-latest")).to_have_text("4,2", timeout=3_000)
    expect(page.locator("#goals-panel")).to_have_attribute("open", "")
    assert page.errors == []


@pytest.mark.parametrize("width", [360, 1280, 1920])
def test_sparklines_have_no_axe_violations(new_page, width):
    """The overview per ambition and the board's opened goals panel, with their sparklines."""
    page = new_page(SANNE, path="/overview", viewport={"width": width, "height": 900},
                    live=False, bypass_csp=True)
    expect(page.locator("#overview-body li.indicator-spark").first).to_be_visible()
    page.screenshot(path=str(SHOTS / f"overview-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    page.goto(BOARD)
    page.click("#goals-panel > summary")
    expect(page.locator("#goals-panel li.indicator-spark").first).to_be_visible(timeout=3_000)
    page.screenshot(path=str(SHOTS / f"panel-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    assert overflow(page)["extra"] <= 0, overflow(page)
