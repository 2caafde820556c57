"""Absolute links (QR codes, display links, e-mail, calendar feeds, webhooks) from PUBLIC_URL,
never from `Host`.

A request's Host header is whatever the client sends; a link built from it can point a printed
QR code or a wall screen at someone else's site. Outside demo mode PUBLIC_URL must be set (the
app refuses to start without it); in demo mode it defaults to the address `make run` binds.
"""

import os
from urllib.parse import urlsplit

from flask import current_app, url_for

from .config import ConfigError


def configured_public_url(config):
    """The validated PUBLIC_URL (no trailing slash); raises ConfigError when unusable."""
    value = config.get("PUBLIC_URL")
    if not value:
        if not config.get("DEMO"):
            raise ConfigError("PUBLIC_URL is not set. Set it to the address people use, e.g. "
                               "https://verbeterbord.example.nl, or run in demo mode.")
        value = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must be an http(s) address without query: {value!r}")
    return value.rstrip("/")


def base_url():
    """The site's root URL without a trailing slash."""
    return current_app.config["PUBLIC_URL"]


def public_url(endpoint, **values):
    """The absolute address of an endpoint on the configured public site."""
    path = url_for(endpoint, **values)
    base = current_app.config["PUBLIC_URL"]
    # A PUBLIC_URL with a path (https://host/verbeterbord) already holds the script root.
    prefix = urlsplit(base).path
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix):]
    return base + path
