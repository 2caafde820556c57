"""The organisation's own look: its main colour and its logo, set by an admin, each logged.

The colour is used for the header, primary buttons and links, so it must keep white text on it
and itself on the page background readable: a colour below 4.5:1 against either is refused
(not adjusted), and the admin is told why.
"""

import re

from sqlmodel import select

from . import events
from .access import active_person, require_admin
from .cycles import organisation
from .errors import N_, Invalid, NotFound
from .models import Organisation, OrganisationLogo

MIN_CONTRAST = 4.5
# What the colour must stand out against: white text on it, and the page's background.
WHITE, PAGE_BACKGROUND = "#ffffff", "#f6f7f9"
LOGO_MAX_BYTES = 512 * 1024
# Raster images only: an SVG can carry scripts and would need sanitising.
LOGO_SIGNATURES = (("image/png", b"\x89PNG\r\n\x1a\n", 0), ("image/jpeg", b"\xff\xd8\xff", 0),
                   ("image/webp", b"WEBP", 8))
HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")


def relative_luminance(colour):
    """WCAG 2.x relative luminance of "#rrggbb"."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first, second):
    """WCAG 2.x contrast ratio of two "#rrggbb" colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_brand_colour(value):
    """The colour as "#rrggbb" in lower case, or None to go back to the app's own; Invalid when
    it is no colour or too light for white text or for links on the page background."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    colour = value.strip().lower() if isinstance(value, str) else ""
    if not HEX_COLOUR.fullmatch(colour):
        raise Invalid(N_("Give the colour as # and six hexadecimal digits, e.g. #0b5cad."),
                      field="brand_colour")
    if min(contrast_ratio(colour, WHITE), contrast_ratio(colour, PAGE_BACKGROUND)) < MIN_CONTRAST:
        raise Invalid(N_("This colour is too light: white text on it and links in it need a "
                         "contrast of at least 4.5:1. Choose a darker colour."),
                      field="brand_colour")
    return colour


def logo_type(data):
    """The image type of an uploaded logo (PNG, JPEG or WebP), checked on its bytes; Invalid
    for anything else or anything too large."""
    if not isinstance(data, bytes) or not data:
        raise Invalid(N_("Choose an image file."), field="logo")
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid(N_("The logo may be at most 512 kB."), field="logo")
    for content_type, signature, offset in LOGO_SIGNATURES:
        if data[offset:offset + len(signature)] == signature:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type
    raise Invalid(N_("The logo must be a PNG, JPEG or WebP image."), field="logo")


def _organisation(session, actor_id):
    actor = active_person(session, actor_id)
    require_admin(actor)
    return actor, session.exec(select(Organisation)).one()


def set_brand_colour(session, actor_id, value):
    """Set (or, with an empty value, clear) the organisation's main colour."""
    actor, org = _organisation(session, actor_id)
    colour = check_brand_colour(value)
    if colour != org.brand_colour:
        events.record(session, kind="brand_colour_set", person_id=actor.id,
                      before={"brand_colour": org.brand_colour}, after={"brand_colour": colour})
        org.brand_colour = colour
    session.flush()
    return org


def set_logo(session, actor_id, data):
    """Store a new logo (the previous one is replaced)."""
    actor, org = _organisation(session, actor_id)
    content_type = logo_type(data)
    logo = session.get(OrganisationLogo, org.id) or OrganisationLogo(organisation_id=org.id)
    logo.content_type, logo.data = content_type, data
    session.add(logo)
    org.logo_type = content_type
    org.logo_version += 1
    events.record(session, kind="logo_set", person_id=actor.id,
                  after={"content_type": content_type, "bytes": len(data),
                         "logo_version": org.logo_version})
    session.flush()
    return org


def remove_logo(session, actor_id):
    """Go back to no logo."""
    actor, org = _organisation(session, actor_id)
    logo = session.get(OrganisationLogo, org.id)
    if logo is not None:
        session.delete(logo)
        org.logo_type = None
        events.record(session, kind="logo_removed", person_id=actor.id, after={})
    session.flush()
    return org


def organisation_or_none(session):
    """The organisation (for its name, colour and logo on every page), or None before setup;
    the session's own copy, so a page that read it already reads it no second time."""
    try:
        return organisation(session)
    except NotFound:
        return None


def current_logo(session):
    """(content type, bytes, version) of the organisation's logo, or None."""
    row = session.exec(select(OrganisationLogo, Organisation.logo_version).join(
        Organisation, Organisation.id == OrganisationLogo.organisation_id)).first()
    if row is None:
        return None
    logo, version = row
    return logo.content_type, logo.data, version
