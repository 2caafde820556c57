"""/me → a new calendar link: made with the keyboard, copied with the button, and it works."""

import pytest
import requests
from playwright.sync_api import expect

from .conftest import SANNE

pytestmark = pytest.mark.browser


def test_make_and_copy_a_calendar_link(new_page, live_server):
    """The button makes a link; Copy puts it on the clipboard; the link answers a calendar,
    and the previous link stops working."""
    page = new_page(SANNE, path="/me", permissions=["clipboard-read", "clipboard-write"])
    button = page.get_by_role("button", name="Maak een nieuwe agendalink")
    button.focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Agendalink")
    first = field.input_value()
    assert "/calendar/" in first and first.endswith(".ics")
    page.get_by_role("button", name="Link kopiëren").click()
    expect(page.locator("#copy-status")).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == first
    assert page.errors == []
    feed = requests.get(first, timeout=10)
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    page.goto("/me")
    page.get_by_role("button", name="Maak een nieuwe agendalink").click()
    second = page.get_by_label("Agendalink").input_value()
    assert second != first
    assert requests.get(first, timeout=10).status_code == 404
    assert requests.get(second, timeout=10).status_code == 200


def test_stop_the_calendar_link(new_page, live_server):
    """The page that shows a new link can stop it; /me then shows no stop button."""
    page = new_page(SANNE, path="/me")
    page.get_by_role("button", name="Maak een nieuwe agendalink").click()
    link = page.get_by_label("Agendalink").input_value()
    assert requests.get(link, timeout=10).status_code == 200
    page.get_by_role("button", name="Stop mijn agendalink").click()
    expect(page.get_by_text("Uw agendalink is gestopt")).to_be_visible()
    expect(page.get_by_role("button", name="Stop mijn agendalink")).to_have_count(0)
    assert requests.get(link, timeout=10).status_code == 404
    assert page.errors == []
