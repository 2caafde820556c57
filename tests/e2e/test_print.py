"""The A3 print view: one landscape page for the office wall, with a QR code to the live board."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from boards.seed import ACTION_TITLES

from .conftest import ANOUK, SANNE

pytestmark = pytest.mark.browser

A3_LANDSCAPE = (1190.55, 841.89)  # points: 420 × 297 mm
TOLERANCE = 2  # points


def pdf_pages(page):
    """Print the page as Chromium does with the page's own @page size; returns the PDF's pages."""
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True))).pages


def assert_one_a3_landscape_page(pages, slug):
    assert len(pages) == 1, f"{slug} prints on {len(pages)} pages"
    box = pages[0].mediabox
    size = (float(box.width), float(box.height))
    assert all(
        abs(got - want) <= TOLERANCE for got, want in zip(size, A3_LANDSCAPE, strict=True)
    ), size


def test_print_view_is_one_a3_landscape_page(new_page):
    """A seeded board prints on exactly one A3 landscape page."""
    slug = "ruimte-wonen"
    page = new_page(SANNE, path=f"/teams/{slug}/print", live=False)

    assert_one_a3_landscape_page(pdf_pages(page), slug)


def test_a_busy_board_still_prints_on_one_page(new_page, api_as):
    """Twenty cards in Te doen (six people, a few actions each) still fit the one A3 sheet."""
    slug, busy = "informatievoorziening", 20
    api = api_as(ANOUK)
    todo = len(api.board(slug)["columns"][0]["actions"])
    for n in range(todo, busy):
        api.create(f"{ACTION_TITLES[n % len(ACTION_TITLES)]} ({n})", slug=slug)
    page = new_page(SANNE, path=f"/teams/{slug}/print", live=False)
    heading = page.locator(".print-columns section h2").first
    expect(heading).to_contain_text(f"({max(busy, todo)})")

    assert_one_a3_landscape_page(pdf_pages(page), slug)


def test_qr_code_opens_the_live_board(new_page, live_server):
    """The QR code decodes to the absolute address of the team's live board."""
    import zxingcpp

    slug = "ruimte-wonen"
    page = new_page(SANNE, path=f"/teams/{slug}/print", live=False, device_scale_factor=3)
    qr = page.locator("figure.qr img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image does not load"

    image = Image.open(io.BytesIO(qr.screenshot(scale="device")))
    found = zxingcpp.read_barcodes(image)

    assert [code.text for code in found] == [f"{live_server.url}/teams/{slug}"]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert page.locator("figure.qr figcaption").inner_text().endswith(f"/teams/{slug}")
