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

A check before the build is not enough on its own: with DNS rebinding a host
answers a public address to the check and a private one to the HTTP
client's own lookup a moment later. So the worker's HTTP client goes through
:class:`PinnedEgressTransport`, which resolves each request's host itself,
refuses unless every address is allowed, and connects to the address it
checked (the ``Host`` header and, over TLS, the server name and certificate
check stay the URL's host, through httpx's ``sni_hostname`` extension).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Sequence

import httpx

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class EgressRefusedError(Exception):
    """The URL points somewhere core must not send requests to."""


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries: mapped, NAT64, 6to4, IPv4-compatible, Teredo.

    A translator or relay delivers these to that IPv4 address, so it is what
    must be checked: ``64:ff9b::a9fe:a9fe`` is cloud metadata (169.254.169.254).
    """
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64) or (
        address in _IPV4_COMPATIBLE and int(address) > 1  # not :: or ::1
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _one_allowed(address: IPAddress, allowed: Sequence[IPNetwork]) -> bool:
    if address.is_global:
        return True
    return any(address.version == net.version and address in net for net in allowed)


def address_allowed(address: IPAddress, allowed: Sequence[IPNetwork]) -> bool:
    """Public addresses always; others only inside an allowed network.

    An IPv6 address that carries an IPv4 one is judged by that IPv4 address
    too (``is_global`` alone trusts NAT64, 6to4 and IPv4-compatible forms).
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:  # where the packets end up: ::ffff:10.0.0.1 is 10.0.0.1
            return _one_allowed(inner, allowed)
    return _one_allowed(address, allowed)


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
            # The address itself is not repeated: it would map the inside for the caller.
            raise EgressRefusedError(
                f"The model server URL's host {parsed.host} resolves to a non-public "
                "address this deployment does not allow (an operator can allow its "
                "network with CORE_PROVIDER_ALLOWED_NETWORKS)."
            )


class PinnedEgressTransport(httpx.AsyncBaseTransport):
    """An httpx transport that only connects to addresses it has just checked.

    Every request's host is resolved here and checked with
    :func:`address_allowed`; the request then goes to the checked addresses
    themselves (the next one when a connection is refused), so no second
    lookup, which a rebinding DNS server could answer differently, decides
    where the connection goes.
    """

    def __init__(
        self,
        allowed: Sequence[IPNetwork],
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        transport_factory: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        """``transport_factory`` makes one connection pool per host name.

        The request goes to an IP, and httpx pools by URL origin, so one pool
        for all hosts would let a second host name on the same address reuse a
        TLS connection whose SNI and certificate were checked for the first.
        ``inner`` (tests) is one transport for every host.
        """
        self.allowed = tuple(allowed)
        self._shared = inner
        self._factory = transport_factory or httpx.AsyncHTTPTransport
        self._pools: dict[tuple[str, str, int], httpx.AsyncBaseTransport] = {}

    def _pool(self, scheme: str, host: str, port: int) -> httpx.AsyncBaseTransport:
        if self._shared is not None:
            return self._shared
        key = (scheme, host, port)
        if key not in self._pools:
            self._pools[key] = self._factory()
        return self._pools[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = sorted(await resolve(host, port), key=str)
        if not addresses:
            raise httpx.ConnectError(f"{host} does not resolve", request=request)
        for address in addresses:
            if not address_allowed(address, self.allowed):
                raise EgressRefusedError(
                    f"{host} resolves to a non-public address this deployment does not "
                    "allow (CORE_PROVIDER_ALLOWED_NETWORKS)."
                )
        if url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        failure: httpx.ConnectError | None = None
        for address in addresses:  # as a resolver-driven connect would: next one if refused
            # The Host header was set from the original URL when the request was made.
            request.url = url.copy_with(host=str(address))
            try:
                return await self._pool(url.scheme, host, port).handle_async_request(request)
            except httpx.ConnectError as exc:  # nothing was sent: safe to try the next
                failure = exc
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        for transport in [*self._pools.values(), *([self._shared] if self._shared else [])]:
            await transport.aclose()
        self._pools.clear()
