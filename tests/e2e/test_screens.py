"""Every main page at phone, tablet and desktop size: no sideways scrolling, long words wrap,
axe-core (WCAG 2.x A/AA) finds nothing; and what only a phone or a wall screen needs."""

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, INGRID, SANNE, wait_live
from .helpers import DOING, TODO, card, drag_card, expect_in_column, expect_saved

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path("/tmp/verbeterbord-screens")
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1920, "height": 1080}
# One word of 200 letters: it must wrap, not widen the page.
LONG_WORD = "Klantcontactcentrumverbeteringstraject" * 5 + "x" * 10
PAGES = ["/me", BOARD, f"{BOARD}/standup", "/overview", "/cycles", "/teams", "/goals", "/admin/",
         "/admin/people", "/admin/teams", "/admin/organisation", "/admin/security/",
         "/admin/displays", f"{BOARD}/activity", "/me/tokens", "/me/notifications", "/me/password",
         "/admin/outbox", "/admin/webhooks"]
# Error pages and the print view: a 404, a 403 (a member asks for an admin's export), the A3 print.
NOT_FOUND = "/teams/bestaat-niet"
FORBIDDEN = "/admin/events/export.csv"
PRINT = f"{BOARD}/print"
# Parts of a page that show only after a click: checked with the board's goals panel open and
# with the close screen's confirmation ("#confirm": nothing is closed until it is confirmed).
GOALS_OPEN = f"{BOARD}#goals"
MEMBER_PAGES = ("/me", BOARD, GOALS_OPEN, FORBIDDEN, PRINT)


def open_goals_panel(page):
    page.click("#goals-panel > summary")
    expect(page.locator("#goals-panel")).to_have_attribute("open", "")


def ask_to_close(page):
    page.click("form.close-form button.primary")
    expect(page.locator("form.confirm-close")).to_be_visible()


def make_token(page):
    page.fill("input[name=name]", f"Script {uuid.uuid4().hex[:4]}")
    page.click("form.inline-form button.primary")
    expect(page.locator("#new-token")).to_be_visible()


PREPARE = {GOALS_OPEN: open_goals_panel, "/me/tokens": make_token}
# The error pages are what they claim to be (not a login page or a redirect).
HEADINGS = {NOT_FOUND: "Niet gevonden", FORBIDDEN: "Geen toegang"}


def overflow(page):
    """How far the page is wider than the window, with the widest elements."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll("body *"))
            .filter((el) => el.getBoundingClientRect().right > width + 1
                && el.offsetParent !== null)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}`);
        return {extra: document.documentElement.scrollWidth - width, culprits: wide.slice(0, 5)};
    }""")


def axe_violations(page):
    """axe-core's violations of WCAG 2.x A/AA on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    # Only violations are read: axe then skips building selectors for every passing node, which
    # took most of its time (same rules, same violations; 2-5x faster on these pages).
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:4]]}
            for v in result["violations"]]


@pytest.fixture(scope="module")
def long_card(api):
    """A card whose title is one 200-letter word, on the board and on Sanne's /me."""
    return api.create(title=LONG_WORD, top=True)


@pytest.fixture(scope="module")
def extra_pages(live_server, browser, login_states, api):
    """Pages whose address depends on the data: a cycle review, a wall screen, an admin's page of
    a person and of a team, and klantcontact's close screen (also with its confirmation)."""
    context = browser.new_context(base_url=live_server.url, storage_state=login_states(INGRID))
    page = context.new_page()
    page.goto("/cycles")
    review = page.locator("main a[href^='/cycles/']").first.get_attribute("href")
    page.goto("/admin/displays")
    page.fill("input[name=label]", f"Scherm {uuid.uuid4().hex[:4]}")
    page.select_option("select[name=team]", "klantcontact")
    page.click("form.inline-form button.primary")
    display = page.input_value("#new-link")
    details = []
    for section in ("/admin/people", "/admin/teams"):
        page.goto(section)
        details.append(page.locator(".admin-list a").first.get_attribute("href"))
    context.close()
    number = api.board()["cycle"]["number"]
    close = f"{BOARD}/cycles/{number}/close"
    PREPARE[f"{close}#confirm"] = ask_to_close
    return [review, display, *details, close, f"{close}#confirm"]


@pytest.mark.parametrize("size", [PHONE, TABLET, DESKTOP], ids=["phone", "tablet", "desktop"])
def test_main_pages_at_size(new_page, long_card, extra_pages, size):
    """No sideways scrolling, the long title wraps, axe finds no violations, on every main page."""
    SHOTS.mkdir(exist_ok=True)
    problems = {}
    for path in (PAGES + [GOALS_OPEN] + extra_pages
                 + [f"/actions/{long_card}", "/login", NOT_FOUND, FORBIDDEN, PRINT]):
        email = None if path == "/login" or path.startswith("http") else INGRID
        if path in MEMBER_PAGES or path.startswith(f"{BOARD}/cycles/"):
            email = SANNE
        page = new_page(email, path=path, viewport=size, live=False, bypass_csp=True)
        page.wait_for_load_state("networkidle")
        if path in HEADINGS:
            expect(page.locator("main h1")).to_have_text(HEADINGS[path])
        if path in PREPARE:
            PREPARE[path](page)
            page.wait_for_load_state("networkidle")
        name = path.split("//")[-1].strip("/").replace("/", "_") or "root"
        page.screenshot(path=str(SHOTS / f"{size['width']}-{name[:40]}.png"), full_page=True)
        found = {}
        if overflow(page)["extra"] > 0:
            found["overflow"] = overflow(page)
        violations = axe_violations(page)
        if violations:
            found["axe"] = violations
        if found:
            problems[path] = found
        page.context.close()
    assert not problems, problems


def test_one_time_secrets_have_a_copy_button(new_page):
    """A new API token and an admin's one-time password link: shown once, copied with a button
    (the shared data-copy script); the password link's page passes at phone size too."""
    clipboard = {"permissions": ["clipboard-read", "clipboard-write"]}
    page = new_page(SANNE, path="/me/tokens", viewport=DESKTOP, live=False, **clipboard)
    make_token(page)
    page.get_by_role("button", name="Token kopiëren").click()
    expect(page.locator("button[data-copy=new-token]")).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#new-token")
    admin = new_page(INGRID, path="/admin/people", viewport=PHONE, live=False, bypass_csp=True,
                     **clipboard)
    admin.locator(".admin-list a").first.click()
    admin.get_by_role("button", name="Wachtwoordlink").click()
    link = admin.get_by_label("Link", exact=True).input_value()
    assert "/password/" in link
    assert overflow(admin)["extra"] <= 0 and axe_violations(admin) == []
    admin.get_by_role("button", name="Link kopiëren").click()
    expect(admin.locator("#copy-status")).to_have_text("Gekopieerd")
    assert admin.evaluate("navigator.clipboard.readText()") == link
    assert page.errors == [] and admin.errors == []


def test_phone_board_shows_cards_first_and_moves_by_touch(new_page, api):
    """At 360 × 740 the first card is in view; a tap on "Move to…" then a column moves it."""
    action = api.create(top=True)
    page = new_page(SANNE, viewport=PHONE, has_touch=True, is_mobile=True)
    first = page.locator(f'[data-column="{TODO}"] > article').first
    box = first.bounding_box()
    assert box and box["y"] + 40 <= PHONE["height"], box
    expect(page.locator("#move-hint")).to_be_hidden()  # no keyboard hint on a touch screen
    expect(page.locator("#new-action")).to_be_hidden()
    expect(page.locator(f'[data-column="{DOING}"]')).to_be_hidden()
    card(page, action).locator("button.moveto").tap()
    page.locator(f'#move-to button[data-move-to="{DOING}"]').tap()
    expect_in_column(page, action, DOING)
    expect_saved(page, action, DOING)
    page.locator(f'[data-show-column="{DOING}"]').tap()
    expect(card(page, action)).to_be_in_viewport()
    assert api.action(action)["status"] == DOING


def test_overview_display_pages_itself(new_page, live_server, browser, login_states):
    """An overview on a wall screen scrolls a screen further by itself."""
    context = browser.new_context(base_url=live_server.url, storage_state=login_states(INGRID))
    admin = context.new_page()
    admin.goto("/admin/displays")
    admin.fill("input[name=label]", f"Overzicht {uuid.uuid4().hex[:4]}")
    admin.select_option("select[name=team]", "")
    admin.click("form.inline-form button.primary")
    link = admin.input_value("#new-link")
    admin.click("button[data-copy=new-link]")  # the one-time link has a copy button
    expect(admin.locator("button[data-copy=new-link]")).to_have_text("Gekopieerd")
    context.close()
    page = new_page(None, path=link, viewport=DESKTOP)
    expect(page.locator("nav#main-nav")).to_have_count(0)
    expect(page.locator(".topbar form")).to_have_count(0)  # no language switch either
    assert page.evaluate("document.documentElement.scrollHeight") > DESKTOP["height"]
    assert page.evaluate("window.scrollY") == 0
    for _ in range(60):  # the page turns every 8 s
        if page.evaluate("window.scrollY") > 0:
            break
        page.wait_for_timeout(250)
    assert page.evaluate("window.scrollY") > 0
    # Type for reading from across the room: the root size grows with the screen.
    assert float(page.evaluate("getComputedStyle(document.documentElement).fontSize")[:-2]) >= 22


def test_long_column_keeps_the_board_one_screen_tall(new_page, api_as):
    """60 cards in one column: the page stays one screen; the bottom card drags to another
    column."""
    from .conftest import ANOUK
    anouk = api_as(ANOUK)
    ids = [anouk.create(slug="informatievoorziening") for _ in range(60)]
    page = new_page(ANOUK, path="/teams/informatievoorziening", viewport=DESKTOP)
    assert page.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"] + 1
    drag_card(page, ids[-1], DOING)  # the bottom card of the long column
    expect_saved(page, ids[-1], DOING)
    assert anouk.action(ids[-1], slug="informatievoorziening")["status"] == DOING


def test_warm_reload_fetches_no_static_file(new_page):
    """Static files are cached as immutable: opening the board again asks the server for none."""
    page = new_page(SANNE, viewport=DESKTOP)
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    fetched = []
    session.on(
        "Network.responseReceived",
        lambda e: fetched.append(e) if "/static/" in e["response"]["url"] else None,
    )
    page.goto(BOARD)
    wait_live(page)
    from_network = [
        e["response"]["url"]
        for e in fetched
        if not (
            e["response"].get("fromDiskCache")
            or e["response"].get("fromServiceWorker")
            or e["response"].get("fromPrefetchCache")
        )
    ]
    assert fetched and not from_network, from_network


def test_my_actions_offline_from_the_service_worker(new_page, api):
    """After one online visit /me still shows my actions offline, marked as such, read-only."""
    title = f"Offline-kaart {uuid.uuid4().hex[:6]}"
    api.create(title=title)
    page = new_page(SANNE, path="/me", viewport=PHONE)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(40):  # the worker keeps a copy of /me as soon as it is active
        if page.evaluate("caches.match('/me').then((kept) => Boolean(kept))"):
            break
        page.wait_for_timeout(250)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-note")).to_be_visible()
    expect(page.locator("#offline-note")).to_contain_text("Offline")
    expect(page.get_by_text(title)).to_be_visible()
    expect(page.locator("main button").first).to_be_disabled()
    # One offline message, not two: the socket's badge has said offline (it is no longer
    # hidden) but stays out of sight while the note above the page says it already.
    page.wait_for_function("!document.getElementById('connection').hidden")
    expect(page.locator("#connection")).to_have_attribute("data-state", "offline")
    expect(page.locator("#connection")).to_be_hidden()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "offline-me.png"))
    page.context.set_offline(False)


def test_form_error_shows_next_to_its_field(new_page):
    """A refused title is explained under the title field and tied to it (aria-describedby)."""
    page = new_page(SANNE, viewport=DESKTOP)
    page.fill("#new-title", "   ")
    page.click("#new-action button[type=submit]")
    note = page.locator("#new-title-error")
    expect(note).to_be_visible()
    expect(page.locator("#new-title")).to_have_attribute("aria-describedby", "new-title-error")
    expect(page.locator("#new-title")).to_have_attribute("aria-invalid", "true")
    page.fill("#new-title", "Iets")
    expect(note).to_have_count(0)
