"""Absolute links for mail, calendar feeds and webhooks: always from PUBLIC_URL (app/public_url.py),
never from a request's Host."""

from flask import current_app

from .public_url import public_url


def base_url():
    """The site's root URL without a trailing slash."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def absolute_url(endpoint, **values):
    """An absolute link to `endpoint` on the configured public site."""
    return public_url(endpoint, **values)
