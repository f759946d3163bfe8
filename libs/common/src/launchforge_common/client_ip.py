"""Who the client is: the one trust decision for X-Forwarded-For and Forwarded.

The gateway (which forwarding headers to pass on, whose rate-limit bucket a
request goes in) and auth (whose failures a login counts against) ask
:class:`TrustedProxies`, so both follow one rule:

- forwarding headers are believed only when the socket peer is a trusted
  proxy (anyone can send them);
- from a trusted peer, the chain (``X-Forwarded-For``, or RFC 7239
  ``Forwarded`` ``for=`` when there is no X-Forwarded-For) is walked from the
  right, past trusted hops; the first hop that is not trusted is the client
  (the leftmost entries are whatever the client wrote). A hop that is not an
  address stops the walk at the last good one;
- IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``, what a dual-stack socket
  reports for an IPv4 peer) are their IPv4 address, for trust and in the
  answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address

UNKNOWN = "unknown"


def parse_ip(text: str | None) -> Address | None:
    """``text`` as an address (an IPv4-mapped one as its IPv4), or None."""
    if not text:
        return None
    try:
        address: Address = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def forwarded_chain(x_forwarded_for: Iterable[str], forwarded: Iterable[str] = ()) -> list[str]:
    """The hops, leftmost first: from X-Forwarded-For values, else from Forwarded ones.

    Several headers of one name are one list, in order (RFC 9110 5.3).
    """
    xff = [hop.strip() for value in x_forwarded_for for hop in value.split(",") if hop.strip()]
    if xff:
        return xff
    chain: list[str] = []
    for value in forwarded:
        for element in value.split(","):
            for pair in element.split(";"):
                key, _, node = pair.strip().partition("=")
                if key.strip().lower() == "for" and node.strip():
                    chain.append(_forwarded_node(node))
    return chain


def _forwarded_node(value: str) -> str:
    """``"[2001:db8::1]:4711"`` -> ``2001:db8::1``; ``192.0.2.1:80`` -> ``192.0.2.1``."""
    value = value.strip().strip('"')
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    host, _, port = value.rpartition(":")
    return host if host and port.isdigit() and value.count(":") == 1 else value


def _peer_text(peer: str) -> str:
    """The peer as the answer: its IPv4 when IPv4-mapped, else as the socket wrote it.

    A socket address is already canonical text, so only the mapped form is
    parsed: parsing every peer would cost more than the rest of this rule.
    """
    if peer[:7].lower() == "::ffff:":
        address = parse_ip(peer)
        return str(address) if address is not None else peer
    return peer


def _unmapped(network: Network) -> Network:
    """``::ffff:10.0.0.0/104`` as ``10.0.0.0/8``: addresses are compared as IPv4."""
    mapped = network.network_address.ipv4_mapped if network.version == 6 else None
    if mapped is not None and network.prefixlen >= 96:
        return IPv4Network(f"{mapped}/{network.prefixlen - 96}")
    return network


class TrustedProxies:
    """The trusted proxy networks, and the client address they imply."""

    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks: tuple[Network, ...] = tuple(_unmapped(net) for net in networks)
        # Per instance: the same few peers (the ingress, the gateway) ask every time.
        self.is_trusted = functools.lru_cache(maxsize=1024)(self._is_trusted)

    def _is_trusted(self, host: str | None) -> bool:
        if not self.networks:
            return False
        address = parse_ip(host)
        return address is not None and any(address in net for net in self.networks)

    def resolve(self, peer: str | None, chain: Sequence[str]) -> str:
        """The client, given the socket peer and the forwarding chain it sent."""
        if not peer:
            return UNKNOWN
        if not chain or not self.is_trusted(peer):
            return _peer_text(peer)
        address = parse_ip(peer)
        if address is None:
            return peer
        for hop in reversed(chain):
            hop_address = parse_ip(hop)
            if hop_address is None:
                break  # garbage from the client's side of the chain: stop believing it
            if not self.is_trusted(hop):
                return str(hop_address)
            address = hop_address
        return str(address)

    def from_headers(self, peer: str | None, headers: Iterable[tuple[bytes, bytes]]) -> str:
        """:meth:`resolve` with the chain read from raw (ASGI) headers."""
        if not self.networks or not self.is_trusted(peer):
            return self.resolve(peer, ())
        xff: list[str] = []
        forwarded: list[str] = []
        for raw_name, raw_value in headers:
            name = raw_name.lower()
            if name == b"x-forwarded-for":
                xff.append(raw_value.decode("latin-1"))
            elif name == b"forwarded":
                forwarded.append(raw_value.decode("latin-1"))
        return self.resolve(peer, forwarded_chain(xff, forwarded))

    def client_ip(self, scope: Mapping[str, Any]) -> str:
        """The client of an ASGI request (see the module docstring)."""
        client = scope.get("client")
        peer: str | None = client[0] if client else None
        return self.from_headers(peer, scope["headers"])


def client_ip(
    peer: str | None,
    forwarded_for: str | None,
    trusted: Iterable[Network],
    forwarded: str | None = None,
) -> str:
    """The client from a peer and its header values (one call, no instance kept)."""
    chain = forwarded_chain([forwarded_for or ""], [forwarded] if forwarded else [])
    return TrustedProxies(trusted).resolve(peer, chain)
