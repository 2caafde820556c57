"""Webhook calls: a CloudEvents 1.0 JSON message, signed with the subscription's secret."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from .public_urls import base_url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver answers itself: a redirect is a failure, not a hop to somewhere else."""

    def redirect_request(self, *_args, **_kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def body_of(message):
    """The exact bytes sent (and signed): the stored message with this site as its source."""
    return json.dumps({**message, "source": base_url() + "/"}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def signature(secret, body):
    """The X-Verbeterbord-Signature value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(webhook, message, timeout=10):
    """POST the message; raises unless the receiver answers 2xx."""
    body = body_of(message)
    request = urllib.request.Request(webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/cloudevents+json; charset=utf-8",
        "User-Agent": "Verbeterbord-Webhooks/1",
        "X-Verbeterbord-Signature": signature(webhook.secret, body),
        "ce-id": message["id"]})
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RuntimeError(f"not reachable: {getattr(error, 'reason', error)}") from None
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}")
