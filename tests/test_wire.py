"""On the wire: compressed responses, static files cached for a year under a content hash,
pages never stored, error pages in the chosen language."""

import gzip
import re

import brotli

from .conftest import login


def test_pages_are_compressed_and_never_stored(client, world):
    """A board page goes out as brotli or gzip, as the client accepts, and is not stored."""
    login(client, "anna@test.example")
    plain = client.get("/teams/wonen").get_data()
    as_br = client.get("/teams/wonen", headers={"Accept-Encoding": "gzip, deflate, br"})
    as_gzip = client.get("/teams/wonen", headers={"Accept-Encoding": "gzip"})
    assert as_br.headers["Content-Encoding"] == "br"
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    # The same page apart from the CSRF token, and far smaller.
    token = re.compile(rb'[\w.-]{40,}')
    assert token.sub(b"", brotli.decompress(as_br.get_data())) == token.sub(b"", plain)
    assert token.sub(b"", gzip.decompress(as_gzip.get_data())) == token.sub(b"", plain)
    assert len(as_br.get_data()) < len(plain) / 3
    assert "Accept-Encoding" in as_br.headers["Vary"]
    assert as_br.headers["Cache-Control"] == "no-store"


def test_static_urls_carry_a_content_hash_and_are_immutable(client, world):
    """Every static URL on a page has ?v=<hash of the file>; such a URL is cached for a year."""
    login(client, "anna@test.example")
    html = client.get("/teams/wonen").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls), urls
    css = next(url for url in urls if "app.css" in url)
    response = client.get(css, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br"
    assert b".column" in brotli.decompress(response.get_data())
    # Without a version the browser must ask again.
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"


def test_service_worker_and_manifest(client, world):
    """The service worker comes from the root (scope /) and is re-checked; the manifest is JSON."""
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"
    assert worker.mimetype == "text/javascript"
    login(client, "anna@test.example")
    html = client.get("/me").get_data(as_text=True)
    manifest = re.search(r'rel="manifest" href="([^"]+)"', html).group(1)
    response = client.get(manifest)
    assert response.mimetype == "application/manifest+json"
    assert response.get_json()["start_url"] == "/me"


def test_error_pages_speak_the_chosen_language(client, world):
    """A 403 page is Dutch from heading to text (werkzeug's own text is English)."""
    login(client, "anna@test.example")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Geen toegang" in html or "Niet toegestaan" in html
    assert "U hebt geen toegang tot deze pagina" in html
    assert "You don't have the permission" not in html
    missing = client.get("/teams/does-not-exist")
    assert missing.status_code == 404
