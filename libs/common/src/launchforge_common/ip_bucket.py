"""The unit a client address is rate-limited and locked out as."""

from __future__ import annotations

import ipaddress
from functools import lru_cache


# Asked on every rate-limited request, mostly for the same few clients;
# parsing an address with ``ipaddress`` is pure Python (~10k instructions).
# Bounded, so a client rotating addresses only churns it.
@lru_cache(maxsize=4096)
def ip_bucket(ip: str) -> str:
    """IPv4 itself, IPv6 by its /64 (an IPv4-mapped address as its IPv4).

    One IPv6 client usually holds a whole /64 (SLAAC, privacy addresses), so
    per-address counting would give it 2^64 fresh budgets.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
