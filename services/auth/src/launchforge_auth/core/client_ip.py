"""The client's IP address, believing X-Forwarded-For only from our own proxies.

The gateway appends the address it saw to ``X-Forwarded-For``. We walk the
header from the right, skipping addresses of trusted proxies; the first
untrusted one is the client. A header from an untrusted peer is ignored
(anyone can send one), so a client cannot pick the IP its failures count
against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: Sequence[Network]
) -> bool:
    return any(address in net for net in nets)


def client_ip(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    peer_address = _parse(peer or "")
    if peer_address is None:
        return peer or "unknown"
    if not forwarded_for or not _trusted(peer_address, trusted):
        return str(peer_address)
    for hop in reversed(forwarded_for.split(",")):
        address = _parse(hop)
        if address is None:
            break  # garbage from the client side of the chain: stop believing it
        if not _trusted(address, trusted):
            return str(address)
        peer_address = address
    return str(peer_address)
