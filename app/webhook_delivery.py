"""Webhook calls: a CloudEvents 1.0 JSON message, signed with the subscription's secret, sent
straight to an address checked just before (boards/webhook_targets.py)."""

import hashlib
import hmac
import http.client
import json
import socket
import ssl

from flask import current_app

from boards.webhook_targets import check_target, system_resolver
from boards.webhooks import clean_url

from .public_url import base_url


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the given address, whatever the host name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        """Connect to the checked address (the Host header still names the host)."""
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    """As _CheckedHTTPConnection, with TLS verified for the host name."""

    def __init__(self, host, port, address, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        """Connect to the checked address; the certificate must be the host name's."""
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def checked_target(url):
    """The URL's Target if it may receive webhooks here (WEBHOOK_ALLOW_PRIVATE_TARGETS), or
    Invalid; resolves the host name now, so call it outside a write transaction."""
    config = current_app.config
    return check_target(clean_url(url), config.get("WEBHOOK_RESOLVER") or system_resolver,
                        bool(config.get("WEBHOOK_ALLOW_PRIVATE_TARGETS")))


def body_of(message):
    """The exact bytes sent (and signed): the stored message with this site as its source."""
    return json.dumps({**message, "source": base_url() + "/"}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def signature(secret, body):
    """The X-Verbeterbord-Signature value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(webhook, message, timeout=10):
    """POST the message to a checked address of the receiver (no redirects followed); raises
    unless the receiver answers 2xx."""
    try:
        target = checked_target(webhook.url)
    except Exception as error:  # noqa: BLE001  (Invalid: refused now; tried again later)
        raise RuntimeError(f"refused target: {getattr(error, 'message', error)}") from None
    body = body_of(message)
    headers = {"Content-Type": "application/cloudevents+json; charset=utf-8",
               "User-Agent": "Verbeterbord-Webhooks/1",
               "X-Verbeterbord-Signature": signature(webhook.secret, body),
               "ce-id": message["id"]}
    kind = _CheckedHTTPSConnection if target.scheme == "https" else _CheckedHTTPConnection
    status, reason = None, "no address"
    for address in target.addresses:
        connection = kind(target.host, target.port, address, timeout)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            status = connection.getresponse().status
            break
        except (OSError, http.client.HTTPException) as error:
            reason = error
        finally:
            connection.close()
    if status is None:
        raise RuntimeError(f"not reachable: {reason}")
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}")
