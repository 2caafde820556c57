"""Secure headers on every response."""

from urllib.parse import urlsplit

from flask import request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def init_app(app):
    """Add the headers after each request."""
    policy = csp_for(app.config.get("OIDC_ISSUER"))

    @app.after_request
    def secure_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint not in PUBLIC_FILES:
            # Logged-in pages, API answers and exports must not stay in a shared or browser
            # cache; public pages (login, display links) lose nothing by it either.
            headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


# Files that are the same for everyone and hold nothing personal: static files (hashed URLs,
# app/wire.py), the service worker script (revalidated on every use) and the organisation's
# logo and theme (versioned addresses, app/branding.py).
PUBLIC_FILES = ("static", "wire_sw", "branding.logo", "branding.theme")


def csp_for(issuer):
    """The policy; logging out posts a form that ends at the OpenID provider (RP-initiated logout),
    so its origin joins form-action, which browsers also apply to a form's redirects."""
    if not issuer:
        return CSP
    parts = urlsplit(issuer)
    return CSP.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
