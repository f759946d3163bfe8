"""Who the client is: the one trust decision for X-Forwarded-For / Forwarded.

The proxy (which headers to pass on) and the rate limiter (whose bucket a
request goes in) both ask :class:`TrustedProxies`, so there is exactly one
rule: forwarding headers are believed only when the socket peer is in
``GATEWAY_TRUSTED_PROXIES``. From a trusted peer the client is the rightmost
address in the chain that is not itself a trusted proxy (the leftmost entries
are whatever the client wrote and cannot be believed).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address

from starlette.types import Scope

from launchforge_gateway.config import Network


class TrustedProxies:
    """Decides whether a socket peer's X-Forwarded-* headers are believed."""

    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks = tuple(networks)
        self.is_trusted = functools.lru_cache(maxsize=1024)(self._is_trusted)

    def _is_trusted(self, host: str | None) -> bool:
        if not self.networks or not host:
            return False
        address = _parse_ip(host)
        if address is None:
            return False
        return any(address in network for network in self.networks)

    def client_ip(self, scope: Scope) -> str:
        """The client's address for this request (see the module docstring)."""
        client = scope.get("client")
        peer: str = client[0] if client else "unknown"
        if not self.networks or not self.is_trusted(peer):
            return peer
        chain = _forwarded_chain(scope["headers"])
        for hop in reversed(chain):
            if _parse_ip(hop) is None:
                break  # garbage in the chain: stop at the last good hop
            if not self.is_trusted(hop):
                return hop
            peer = hop
        return peer


def _parse_ip(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address: IPv4Address | IPv6Address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _forwarded_chain(headers: list[tuple[bytes, bytes]]) -> list[str]:
    """Addresses from X-Forwarded-For, else from RFC 7239 Forwarded ``for=``."""
    xff: list[str] = []
    forwarded: list[str] = []
    for raw_name, raw_value in headers:
        name = raw_name.lower()
        if name == b"x-forwarded-for":
            xff.extend(p.strip() for p in raw_value.decode("latin-1").split(",") if p.strip())
        elif name == b"forwarded":
            for element in raw_value.decode("latin-1").split(","):
                for pair in element.split(";"):
                    key, _, value = pair.strip().partition("=")
                    if key.lower() == "for" and value:
                        forwarded.append(_strip_forwarded_node(value))
    return xff or forwarded


def _strip_forwarded_node(value: str) -> str:
    """``"[2001:db8::1]:4711"`` -> ``2001:db8::1``; ``192.0.2.1:80`` -> ``192.0.2.1``."""
    value = value.strip().strip('"')
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    host, _, port = value.rpartition(":")
    return host if host and port.isdigit() and value.count(":") == 1 else value


def ip_or_none(text: str) -> IPv4Address | IPv6Address | None:
    """``text`` as an address (IPv4-mapped as IPv4), or None."""
    return _parse_ip(text)
