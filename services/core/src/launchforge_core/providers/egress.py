"""Where core may send a user's model requests: a guard for user-supplied base URLs.

An ``openai_compatible`` key carries a URL the user chose, and the worker
POSTs to it from inside the cluster. Unchecked, any user could aim it at
what only the cluster can reach (a cloud's metadata service at
169.254.169.254, an internal service, the database) and read parts of the
answers back from build errors: server-side request forgery. So before a
build calls a user's URL, every address its host resolves to must be public
(``ipaddress``'s ``is_global``) or inside a network the operator allowed
(``CORE_PROVIDER_ALLOWED_NETWORKS``: where the self-hosted Ollama or vLLM
runs). Outside production the default allows loopback, for a model server on
the developer's machine.

Left open: DNS rebinding between this check and httpx's own lookup (a host
answering a public address here and a private one a moment later). Pinning
the checked address would need a custom transport; the window is short and
the answer still has to look like a chat completion to get anywhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

import httpx

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class EgressRefusedError(Exception):
    """The URL points somewhere core must not send requests to."""


def address_allowed(address: IPAddress, allowed: Sequence[IPNetwork]) -> bool:
    """Public addresses always; others only inside an allowed network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if address.is_global:
        return True
    return any(address.version == net.version and address in net for net in allowed)


async def resolve(host: str, port: int) -> set[IPAddress]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        return {ipaddress.ip_address(host)}
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return set()  # the request itself will fail to connect, with a clear error
    return {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}


async def check_destination(url: str, allowed: Sequence[IPNetwork]) -> None:
    """Raise :class:`EgressRefusedError` unless every address of ``url``'s host is allowed."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise EgressRefusedError("The model server URL must be an http(s) URL with a host.")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    for address in sorted(await resolve(parsed.host, port), key=str):
        if not address_allowed(address, allowed):
            raise EgressRefusedError(
                f"The model server URL's host {parsed.host} resolves to {address}, a "
                "non-public address this deployment does not allow (an operator can allow "
                "its network with CORE_PROVIDER_ALLOWED_NETWORKS)."
            )
