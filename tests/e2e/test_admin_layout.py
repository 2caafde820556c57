"""The admin sections at 360 px: no page scrolls sideways, with the demo's long names."""

import pytest

from .conftest import INGRID
from .test_layout import PHONE, horizontal_overflow

pytestmark = pytest.mark.browser


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, \
        (page.url, horizontal_overflow(page))


def test_admin_sections_fit_360px(new_page):
    """Admin start, people, a person, teams, a team and the organisation fit a phone."""
    page = new_page(INGRID, path="/admin/", viewport=PHONE, live=False)
    _fits(page)
    for section, detail in (("/admin/people", True), ("/admin/teams", True),
                            ("/admin/organisation", False)):
        page.goto(section)
        _fits(page)
        if detail:
            page.locator(".admin-list a").first.click()
            page.wait_for_load_state()
            _fits(page)
            assert page.locator("h1").count() == 1
