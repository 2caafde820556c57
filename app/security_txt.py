"""/.well-known/security.txt (RFC 9116): where to report a vulnerability in this installation.

The contact comes from SECURITY_CONTACT, never from a guess: without it (outside demo mode) the
path is a 404, because a made-up address would send reports nowhere. Demo mode has a placeholder
on a reserved domain (RFC 2606), so the file and its fields can be seen without configuring.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app

from .clock import now
from .config import ConfigError
from .public_url import public_url
from .serializers import timestamp

bp = Blueprint("security_txt", __name__)
DEMO_CONTACT = "mailto:security@verbeterbord.example"
# The file is written per request, so it never goes stale; a year ahead as RFC 9116 advises
# at most.
LIFETIME = timedelta(days=365)


def security_contacts(config):
    """The validated contact URIs of SECURITY_CONTACT (separated by spaces), the demo
    placeholder in demo mode, else none; raises ConfigError for anything but mailto:, https:
    or tel: URIs."""
    value = config.get("SECURITY_CONTACT")
    if isinstance(value, (list, tuple)):
        value = " ".join(value)
    contacts = (value or "").split()
    if not contacts:
        return [DEMO_CONTACT] if config.get("DEMO") else []
    for contact in contacts:
        if not _usable(contact):
            raise ConfigError("SECURITY_CONTACT must be mailto:, https: or tel: URIs "
                              f"separated by spaces: {contact!r}")
    return contacts


def _usable(contact):
    parts = urlsplit(contact)
    if parts.scheme == "mailto":
        return "@" in parts.path
    if parts.scheme == "https":
        return bool(parts.netloc)
    return parts.scheme == "tel" and len(parts.path) > 1


@bp.route("/.well-known/security.txt")
def security_txt():
    """Contact, Expires (a year from now), Preferred-Languages and Canonical, as plain text."""
    contacts = current_app.config.get("SECURITY_CONTACT") or []
    if not contacts:
        abort(404)
    expires = (now() + LIFETIME).replace(microsecond=0)
    lines = [f"Contact: {contact}" for contact in contacts] + [
        f"Expires: {timestamp(expires)}",
        "Preferred-Languages: nl, en",
        f"Canonical: {public_url('security_txt.security_txt')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def init_app(app):
    """Check the setting at start-up and register the path."""
    app.config["SECURITY_CONTACT"] = security_contacts(app.config)
    app.register_blueprint(bp)
