"""/.well-known/security.txt (RFC 9116): contact from SECURITY_CONTACT, computed expiry, canonical
address from PUBLIC_URL; no file rather than an invented contact."""

from datetime import datetime, timezone

import pytest

from app.config import ConfigError

from .conftest import PUBLIC_URL, make_app

PATH = "/.well-known/security.txt"
FROZEN = datetime(2026, 12, 7, 10, 30, 15, 123456, tzinfo=timezone.utc)


@pytest.fixture
def migrated(tmp_path, sqlite_templates):
    """A migrated SQLite file: security.txt reads no data, but its 404 is a page with the
    organisation's look."""
    return sqlite_templates.copy(tmp_path).url


def _app(url, **config):
    return make_app(url, CLOCK=lambda: FROZEN, **config)


def _fields(response):
    """The file's lines as (name, value) pairs, in order."""
    lines = response.get_data(as_text=True).splitlines()
    return [tuple(part.strip() for part in line.split(":", 1)) for line in lines if line]


def test_security_txt_fields(migrated):
    """Contact, Expires a year ahead in RFC 3339 UTC, Preferred-Languages, Canonical."""
    response = _app(migrated, SECURITY_CONTACT="mailto:security@gemeente.example").test_client() \
        .get(PATH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert _fields(response) == [
        ("Contact", "mailto:security@gemeente.example"),
        ("Expires", "2027-12-07T10:30:15Z"),
        ("Preferred-Languages", "nl, en"),
        ("Canonical", f"{PUBLIC_URL}/.well-known/security.txt"),
    ]


def test_several_contacts_each_get_a_line(migrated):
    """Contacts separated by spaces are listed in the order given."""
    client = _app(migrated, SECURITY_CONTACT="https://gemeente.example/melden "
                                             "mailto:cert@gemeente.example").test_client()
    contacts = [value for name, value in _fields(client.get(PATH)) if name == "Contact"]
    assert contacts == ["https://gemeente.example/melden", "mailto:cert@gemeente.example"]


def test_no_contact_no_file(migrated):
    """Without SECURITY_CONTACT (outside demo mode) there is no security.txt: 404."""
    assert _app(migrated, SECURITY_CONTACT=None).test_client().get(PATH).status_code == 404


def test_demo_mode_has_a_placeholder_contact(migrated):
    """Demo mode shows the file with a contact on a reserved domain, until one is configured."""
    client = _app(migrated, SECURITY_CONTACT=None, DEMO=True).test_client()
    assert ("Contact", "mailto:security@verbeterbord.example") in _fields(client.get(PATH))
    configured = _app(migrated, SECURITY_CONTACT="mailto:a@b.example", DEMO=True).test_client()
    assert ("Contact", "mailto:a@b.example") in _fields(configured.get(PATH))


@pytest.mark.parametrize("contact", ["security@gemeente.example", "http://gemeente.example/melden",
                                     "https://", "mailto:niemand", "javascript:alert(1)"])
def test_unusable_contact_stops_the_start(migrated, contact):
    """Anything but mailto:, https: or tel: URIs is refused when the app starts."""
    with pytest.raises(ConfigError, match="SECURITY_CONTACT"):
        _app(migrated, SECURITY_CONTACT=contact)


def test_canonical_follows_a_public_url_with_a_path(migrated):
    """Behind a path prefix the canonical address keeps it."""
    app = _app(migrated, SECURITY_CONTACT="tel:+31161000000",
               PUBLIC_URL="https://gemeente.example/verbeterbord")
    response = app.test_client().get(PATH, environ_base={"SCRIPT_NAME": "/verbeterbord"})
    assert ("Canonical", "https://gemeente.example/verbeterbord/.well-known/security.txt") in \
        _fields(response)
    assert ("Contact", "tel:+31161000000") in _fields(response)
