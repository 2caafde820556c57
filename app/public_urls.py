"""Absolute links for mail, calendar feeds and webhooks: PUBLIC_URL when set, else this request."""

from flask import current_app, request, url_for


def base_url():
    """The site's root URL without a trailing slash."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def absolute_url(endpoint, **values):
    """An absolute link to `endpoint`; PUBLIC_URL wins over the request's own host."""
    if current_app.config.get("PUBLIC_URL"):
        return base_url() + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
