"""The organisation's look on every page: its logo and a stylesheet that sets the NL Design
System tokens (static/css/tokens.css) to its main colour. Both are public: the login page and
the accessibility statement show them too."""

from flask import Blueprint, abort, g, render_template, request

from boards import branding

from . import database

bp = Blueprint("branding", __name__)
IMMUTABLE = "public, max-age=31536000, immutable"


def organisation_look():
    """The organisation's row for the page's header and theme, read once per request (None
    before the organisation is set up)."""
    if "organisation_look" not in g:
        g.organisation_look = branding.organisation_or_none(database.reader())
    return g.organisation_look


def organisation_name():
    """The organisation's name, or "" before it is set up."""
    look = organisation_look()
    return look.name if look else ""


@bp.route("/organisation/logo")
def logo():
    """The logo image with its own content type; a versioned address is cached for good."""
    found = branding.current_logo(database.reader())
    if found is None:
        abort(404)
    content_type, data, version = found
    cache = IMMUTABLE if request.args.get("v") == str(version) else "no-cache"
    return data, 200, {"Content-Type": content_type, "Cache-Control": cache,
                       "Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"}


@bp.route("/theme.css")
def theme():
    """The main colour as NL Design System tokens (the address carries the colour)."""
    look = organisation_look()
    colour = look.brand_colour if look else None
    css = render_template("theme.css", colour=colour)
    cache = IMMUTABLE if colour and request.args.get("c") == colour.lstrip("#") else "no-cache"
    return css, 200, {"Content-Type": "text/css; charset=utf-8", "Cache-Control": cache}
