"""Where a redirect may go: only to a path on this site."""

from urllib.parse import urlsplit

from flask import url_for


def local_target(target, fallback):
    """`target` when it is a path on this site, else `fallback`.

    Refuses `//host`, `/\\host` (browsers read a backslash as a slash), schemes and control
    characters, so a `next` parameter or form field cannot send anyone off-site.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def safe_next(target):
    """Where to go after logging in: `target` when it is on this site, else the home page."""
    return local_target(target, url_for("pages.home"))
