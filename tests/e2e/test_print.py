"""The A3 print view: one landscape page for the office wall, with a QR code to the live board."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from .conftest import SANNE

pytestmark = pytest.mark.browser

A3_LANDSCAPE = (1190.55, 841.89)  # points: 420 × 297 mm
TOLERANCE = 2  # points


def pdf_pages(page):
    """Print the page as Chromium does with the page's own @page size; returns the PDF's pages."""
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True))).pages


@pytest.mark.parametrize("slug", ["ruimte-wonen", "klantcontact"])
def test_print_view_is_one_a3_landscape_page(new_page, slug):
    """The board (also klantcontact, which the other tests fill up) prints on exactly one A3 page."""
    page = new_page(SANNE, path=f"/teams/{slug}/print", live=False)

    pages = pdf_pages(page)

    assert len(pages) == 1, f"{slug} prints on {len(pages)} pages"
    box = pages[0].mediabox
    size = (float(box.width), float(box.height))
    assert all(abs(got - want) <= TOLERANCE for got, want in zip(size, A3_LANDSCAPE)), size


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
