"""A real OpenID provider for the tests (oidc-provider-mock), and signing in through it."""

import os
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

# The provider runs on plain http on loopback; Authlib refuses that unless told it is a test.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

from oidc_provider_mock import run_server_in_thread  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "verbeterbord", "geheim-van-de-test"


def provider_server():
    """The provider on a free port, requiring a nonce (a context manager)."""
    return run_server_in_thread(require_nonce=True)


def oidc_config(issuer, **more):
    """The app settings for signing in at this provider."""
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **more}


def set_user(issuer, sub, **claims):
    """Register (or change) an account at the provider, with the claims it will send."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def choose_account(authorize_url, sub):
    """What a person does at the provider: pick the account. Returns the redirect back to us."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def with_query(url, **changes):
    """The URL with some query parameters replaced."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def local_path(url):
    """Path and query of an absolute URL, for the Flask test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in(client, sub):
    """The whole round trip with a test client; returns the app's answer to the callback."""
    start = client.get("/login/oidc")
    assert start.status_code == 302, start.status_code
    return client.get(local_path(choose_account(start.headers["Location"], sub)))
