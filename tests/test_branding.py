"""The organisation's own look: a main colour that keeps 4.5:1 contrast (else refused, in Dutch),
served as NL Design System tokens; a logo checked on its bytes and served with its own type;
both logged in the activity log and the security log."""

import io
import re

import pytest
from sqlmodel import select

from boards import branding
from boards.errors import Invalid
from boards.models import Event

from .conftest import login
from .test_security_log import rows

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def admin(client):
    login(client, "admin@test.example")
    return client


def test_contrast_ratio_follows_wcag():
    assert round(branding.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(branding.contrast_ratio("#0b5cad", "#ffffff"), 2) == 6.67
    assert branding.check_brand_colour(" #0B5CAD ") == "#0b5cad"
    assert branding.check_brand_colour("") is None
    for light in ("#ffcc00", "#3b82f6", "#767676"):  # 767676 passes on white, not on the page
        with pytest.raises(Invalid):
            branding.check_brand_colour(light)
    for not_a_colour in ("blue", "#12345", "#1234567", "#gggggg", 12):
        with pytest.raises(Invalid):
            branding.check_brand_colour(not_a_colour)


def test_admin_sets_a_dark_colour_and_pages_use_it_as_tokens(admin, client, db, world):
    page = admin.post("/admin/organisation/colour", data={"brand_colour": "#7A1F5C"},
                      follow_redirects=True).get_data(as_text=True)
    assert "De hoofdkleur is opgeslagen." in page
    link = re.search(r'href="(/theme\.css\?c=7a1f5c)"', page)
    assert link, "every page links the theme"
    css = client.get(link.group(1))
    assert css.headers["Content-Type"].startswith("text/css")
    assert "immutable" in css.headers["Cache-Control"]
    text = css.get_data(as_text=True)
    for token in ("--nl-button-primary-background-color", "--nl-link-color",
                  "--utrecht-page-header-background-color"):
        assert f"{token}: #7a1f5c;" in text
    with db.reader() as s:
        logged = s.exec(select(Event).where(Event.kind == "brand_colour_set")).all()
    assert [(e.before, e.after) for e in logged] == [({"brand_colour": None},
                                                      {"brand_colour": "#7a1f5c"})]
    assert [r.outcome for r in rows(db, kind="admin_change")
            if "set_brand_colour" in r.detail] == ["success"]


def test_a_light_colour_is_refused_with_a_dutch_reason(admin, db, world):
    page = admin.post("/admin/organisation/colour", data={"brand_colour": "#ffd700"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Deze kleur is te licht" in page and "4,5:1" in page
    assert "/theme.css" not in page
    with db.reader() as s:
        assert s.exec(select(Event).where(Event.kind == "brand_colour_set")).all() == []
    assert [r.outcome for r in rows(db, kind="admin_change")
            if "set_brand_colour" in r.detail] == ["failure"]


def test_logo_upload_is_checked_served_and_removed(admin, client, db, world):
    for name, data in (("logo.svg", SVG), ("logo.gif", b"GIF89a" + b"\x00" * 20),
                       ("groot.png", PNG + b"\x00" * (512 * 1024))):
        page = admin.post("/admin/organisation/logo", content_type="multipart/form-data",
                          data={"logo": (io.BytesIO(data), name)}, follow_redirects=True)
        assert "Het logo moet een PNG" in page.get_data(as_text=True) or \
            "hoogstens 512 kB" in page.get_data(as_text=True)
    assert client.get("/organisation/logo").status_code == 404
    page = admin.post("/admin/organisation/logo", content_type="multipart/form-data",
                      data={"logo": (io.BytesIO(WEBP), "logo.webp")},
                      follow_redirects=True).get_data(as_text=True)
    assert "Het logo is opgeslagen." in page
    src = re.search(r'<img class="brand-logo" src="(/organisation/logo\?v=1)" alt="([^"]+)"',
                    page)
    assert src and src.group(2) == "Werkorganisatie Test"
    served = client.get(src.group(1))
    assert served.headers["Content-Type"] == "image/webp" and served.data == WEBP
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"]
    admin.post("/admin/organisation/logo", content_type="multipart/form-data",
               data={"logo": (io.BytesIO(PNG), "logo.png")})
    assert client.get("/organisation/logo?v=2").headers["Content-Type"] == "image/png"
    page = admin.post("/admin/organisation/logo/remove",
                      follow_redirects=True).get_data(as_text=True)
    assert 'class="brand-logo"' not in page
    assert client.get("/organisation/logo").status_code == 404
    with db.reader() as s:
        kinds = [e.kind for e in s.exec(select(Event).where(
            Event.kind.in_(["logo_set", "logo_removed"])).order_by(Event.id))]
    assert kinds == ["logo_set", "logo_set", "logo_removed"]
    outcomes = [r.outcome for r in rows(db, kind="admin_change") if "logo" in r.detail]
    assert outcomes == ["failure"] * 3 + ["success"] * 3


def test_only_admins_change_the_look(client, world):
    login(client, "anna@test.example")
    assert client.post("/admin/organisation/colour",
                       data={"brand_colour": "#000000"}).status_code == 403
    assert client.post("/admin/organisation/logo", content_type="multipart/form-data",
                       data={"logo": (io.BytesIO(PNG), "l.png")}).status_code == 403
