"""The accessibility statement (footer link, readable without login), the organisation's main
colour on the page, and axe finding nothing on the pages this work changed, at four widths."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import INGRID, SANNE
from .test_screens import AXE, axe_violations, overflow

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/verbeterbord-screens")
WIDTHS = [360, 768, 1280, 1920]
BRAND = "#7a1f5c"


def rgb(colour):
    """'#7a1f5c' as the browser reports it: 'rgb(122, 31, 92)'."""
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def landmarks_not_unique(page):
    """axe's landmark-unique rule (a best practice, not in the WCAG tags) on the page."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'rule', values: ['landmark-unique']}})")
    return [n["target"] for v in result["violations"] for n in v["nodes"]]


@pytest.fixture(scope="module")
def changed_pages(api):
    """(path, person) for each page this work changed; the review is last cycle's (seeded)."""
    previous = api.board()["cycle"]["number"] - 1
    return [("/toegankelijkheid", None), ("/me", SANNE), ("/cycles", SANNE),
            (f"/cycles/{previous}", SANNE), ("/admin/organisation", INGRID)]


def test_footer_links_the_statement_which_reads_without_login(new_page):
    page = new_page(SANNE, path="/me", live=False)
    page.get_by_role("contentinfo").get_by_role("link", name="Toegankelijkheid").click()
    page.wait_for_url("**/toegankelijkheid")
    expect(page.locator("main h1")).to_have_text("Toegankelijkheidsverklaring")
    anonymous = new_page(None, path="/toegankelijkheid")
    expect(anonymous.locator("main h1")).to_have_text("Toegankelijkheidsverklaring")
    expect(anonymous.locator("main")).to_contain_text("voldoet gedeeltelijk aan WCAG 2.2 AA")
    expect(anonymous.locator("main a[href^='mailto:']")).to_be_visible()


def test_main_colour_reaches_header_buttons_and_links(new_page):
    admin = new_page(INGRID, path="/admin/organisation", live=False)
    try:
        admin.fill("#brand-colour", BRAND)
        admin.click("form[action$='/organisation/colour'] button.primary")
        expect(admin.locator("#messages")).to_contain_text("De hoofdkleur is opgeslagen.")
        page = new_page(SANNE, path="/teams/klantcontact", live=False)
        style = page.evaluate("""() => {
            const css = (selector, property) =>
                getComputedStyle(document.querySelector(selector))[property];
            return {header: css('.topbar', 'backgroundColor'),
                    button: css('main button.primary', 'backgroundColor'),
                    link: css('main a', 'color'),
                    token: getComputedStyle(document.documentElement)
                        .getPropertyValue('--nl-button-primary-background-color').trim()};
        }""")
        assert style == {"header": rgb(BRAND), "button": rgb(BRAND), "link": rgb(BRAND),
                         "token": BRAND}
        admin.fill("#brand-colour", "#ffd700")  # too light: refused, the colour stays
        admin.click("form[action$='/organisation/colour'] button.primary")
        expect(admin.locator("#messages")).to_contain_text("Deze kleur is te licht")
        expect(admin.locator("#brand-colour-now")).to_contain_text(BRAND)
    finally:
        admin.goto("/admin/organisation")
        reset = admin.locator("button[name=reset]")
        if reset.count():
            reset.click()
            expect(admin.locator("#brand-colour-now")).to_contain_text("eigen kleuren")


@pytest.mark.parametrize("width", WIDTHS)
def test_changed_pages_have_no_axe_violations(new_page, changed_pages, width):
    SHOTS.mkdir(exist_ok=True)
    problems = {}
    for path, person in changed_pages:
        page = new_page(person, path=path, viewport={"width": width, "height": 800}, live=False,
                        bypass_csp=True)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"edges-{width}-{path.strip('/').replace('/', '_')}.png"),
                        full_page=True)
        found = {"axe": axe_violations(page), "landmarks": landmarks_not_unique(page)}
        if width == 360:  # 400 % zoom of a 1280 px window: 320 CSS px
            page.set_viewport_size({"width": 320, "height": 800})
            found["overflow at 320"] = overflow(page)["extra"] > 0
        found = {key: value for key, value in found.items() if value}
        if found:
            problems[path] = found
        page.context.close()
    assert not problems, problems
