"""Small screens: at 360 px wide no page scrolls sideways."""

import pytest

from .conftest import BOARD, SANNE

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def horizontal_overflow(page):
    """How many CSS pixels the document is wider than the viewport, and the widest culprits."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll("body *"))
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`);
        return {extra: document.documentElement.scrollWidth - width, culprits: wide.slice(0, 5)};
    }""")


def test_my_actions_fit_360px(new_page):
    """/me has no horizontal scroll at 360 px."""
    page = new_page(SANNE, path="/me", viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, \
        horizontal_overflow(page)


def test_board_fits_360px(new_page):
    """The board has no horizontal scroll at 360 px."""
    page = new_page(SANNE, path=BOARD, viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, \
        horizontal_overflow(page)


def test_login_fits_360px(new_page):
    """The login page has no horizontal scroll at 360 px."""
    page = new_page(None, path="/login", viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, \
        horizontal_overflow(page)
