"""Where a webhook may be sent: only to public addresses, unless the installation allows private
ones (a closed network). Checked when a subscription is made and again before every delivery,
against the addresses the name resolves to at that moment; the delivery then connects to an
address that was checked, so a name cannot resolve to a public address for the check and to
an internal one for the connection.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import N_, Invalid

NOT_PUBLIC = N_("Webhooks can only be sent to public internet addresses.")
UNRESOLVED = N_("The webhook's host name cannot be found.")


@dataclass(frozen=True)
class Target:
    """A webhook URL's parts and the checked addresses to connect to, in order."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple


def system_resolver(host, port):
    """The addresses the system's resolver gives for `host` (a TCP connection's)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [info[4][0] for info in found]


def literal_address(host):
    """The address a host written as a number means, in any spelling the C library accepts
    (127.0.0.1, 127.1, 0x7f000001, 2130706433, 0177.0.0.1, ::1, ::ffff:127.0.0.1); None for
    a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # parses; never looks anything up
    except (OSError, ValueError):
        return None


def is_public(address):
    """True for a globally reachable unicast address: not loopback, private, link-local,
    multicast, reserved, unspecified or shared, also when written as IPv4-mapped IPv6."""
    address = ipaddress.ip_address(address)
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or \
            (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_loopback or address.is_private or
        address.is_link_local or address.is_reserved or address.is_unspecified)


def check_target(url, resolve=system_resolver, allow_private=False):
    """The Target of an http(s) URL whose host resolves only to allowed addresses, or Invalid."""
    parts = urlsplit(url)
    scheme, host = parts.scheme, parts.hostname
    if scheme not in ("http", "https") or not host:
        raise Invalid(N_("Give an http or https address."), field="url")
    port = parts.port or (443 if scheme == "https" else 80)
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        addresses = [ipaddress.ip_address(found.split("%", 1)[0])
                     for found in resolve(host, port)]
    if not addresses:
        raise Invalid(UNRESOLVED, field="url")
    if not allow_private and not all(is_public(address) for address in addresses):
        raise Invalid(NOT_PUBLIC, field="url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    unique = tuple(dict.fromkeys(str(address) for address in addresses))
    return Target(scheme, host, port, path, unique)
