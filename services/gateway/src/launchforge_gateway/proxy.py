"""The streaming reverse proxy on the gateway's hot path.

Bodies are streamed both ways: the request body is handed to aiohttp as an
async generator over ``receive()``, and the response body is sent to the
client chunk by chunk as it arrives (SSE events are never held back). Headers
are rewritten per RFC 9110: hop-by-hop headers are dropped both ways, the
X-Forwarded-* headers are set by the gateway (an incoming chain is kept only
from a trusted proxy), and the request id is passed on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from launchforge_common.context import REQUEST_ID_HEADER, accept_request_id, current_request_id
from launchforge_common.errors import problem_response
from launchforge_common.tracing import aiohttp_trace_configs
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.metrics import GatewayMetrics

logger = logging.getLogger("launchforge.gateway.proxy")

# RFC 9110 section 7.6.1, plus Proxy-Connection (a non-standard relic).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Set by the gateway itself (Host by aiohttp from the upstream URL); Expect
# was already answered by the gateway's own server.
# x-internal-token, x-client-ip: a client's are never passed on; the gateway sends
# its own to auth.
_REQUEST_REPLACED = frozenset(
    {"host", "expect", "x-internal-token", "x-client-ip", REQUEST_ID_HEADER.lower()}
)
# Believed only from a trusted proxy.
_FORWARDING = frozenset(
    {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-real-ip"}
)
# The gateway's server writes its own Date; the upstream's Server is not
# advertised.
_RESPONSE_REPLACED = frozenset({"date", "server"})

# The unions above, made once rather than per request.
_REQUEST_DROPPED = HOP_BY_HOP | _REQUEST_REPLACED
_REQUEST_DROPPED_UNTRUSTED = _REQUEST_DROPPED | _FORWARDING
_RESPONSE_DROPPED = HOP_BY_HOP | _RESPONSE_REPLACED

# Responses at most this long (by Content-Length) are streamed without a
# disconnect watcher: they are done before a watcher would matter.
_WATCH_DISCONNECT_ABOVE = 64 * 1024

# RFC 9110 section 9.2.2: safe to send twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

# aiohttp would otherwise add these on its own.
SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


def is_stream(scope: Scope) -> bool:
    """A request for a long-lived stream (Server-Sent Events)."""
    if scope["method"] != "GET":
        return False
    if scope["path"].endswith("/events"):
        return True
    return any(
        name == b"accept" and b"text/event-stream" in value for name, value in scope["headers"]
    )


@dataclass(slots=True)
class Upstream:
    """One upstream service: a pooled session, and one of its own for streams."""

    name: str
    base_url: str
    session: aiohttp.ClientSession
    stream_session: aiohttp.ClientSession | None = None

    def session_for(self, scope: Scope) -> aiohttp.ClientSession:
        if self.stream_session is not None and is_stream(scope):
            return self.stream_session
        return self.session

    async def close(self) -> None:
        await self.session.close()
        if self.stream_session is not None:
            await self.stream_session.close()


def open_upstream(name: str, base_url: str, settings: GatewaySettings) -> Upstream:
    """Pooled, cookie-less, non-decompressing sessions for one upstream."""
    return Upstream(
        name=name,
        base_url=base_url.rstrip("/"),
        session=_session(settings, settings.upstream_pool_size),
        stream_session=_session(settings, settings.upstream_stream_pool_size),
    )


def _session(settings: GatewaySettings, size: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=size,
        limit_per_host=size,
        keepalive_timeout=settings.upstream_keepalive_timeout,
        ttl_dns_cache=60,
    )
    timeout = aiohttp.ClientTimeout(
        total=None,
        connect=max(settings.upstream_pool_timeout, settings.upstream_connect_timeout),
        sock_connect=settings.upstream_connect_timeout,
        sock_read=settings.upstream_read_timeout,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        auto_decompress=False,
        skip_auto_headers=SKIP_AUTO_HEADERS,
        # A shared jar would replay one client's cookies for another.
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        raise_for_status=False,
        # Client spans and W3C traceparent injection when tracing is on.
        trace_configs=aiohttp_trace_configs() or None,
    )
    return session


class ClientDisconnectedError(Exception):
    """The client went away while its request body was being forwarded."""


class _RequestBody:
    """The request body as an async generator over ``receive()``."""

    __slots__ = ("_receive", "complete", "disconnected", "started")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.complete = False
        self.disconnected = False
        self.started = False

    async def chunks(self) -> AsyncIterator[bytes]:
        self.started = True
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                raise ClientDisconnectedError
            body: bytes = message.get("body", b"")
            more_body: bool = message.get("more_body", False)
            if not more_body:
                self.complete = True
            if body:
                yield body
            if not more_body:
                return


def _header_text(value: bytes) -> str:
    """A header value as text that aiohttp (which writes UTF-8) re-encodes to the same bytes."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> frozenset[str]:
    """Header names listed in Connection (also hop-by-hop)."""
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.decode("latin-1").split(","))
    return frozenset(tokens)


def target_url(base_url: str, scope: Scope) -> URL:
    """The upstream URL with the client's path and query exactly as received."""
    raw_path: bytes | None = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
    query: bytes = scope.get("query_string", b"")
    if query:
        path = f"{path}?{query.decode('latin-1')}"
    return URL(base_url + path, encoded=True)


class Proxy:
    """Forwards one HTTP request to an upstream and streams the answer back."""

    def __init__(self, settings: GatewaySettings, metrics: GatewayMetrics | None = None) -> None:
        self.trusted = settings.proxy_trust
        self.connect_retries = settings.upstream_connect_retries
        self.metrics = metrics
        # Shown to auth on forwarded requests with the client's address: auth
        # believes that address (AUTH_TRUSTED_PROXIES can stay empty instead of
        # trusting every private address).
        self.internal_token = settings.internal_token_value

    def _count_error(self, upstream: Upstream, kind: str) -> None:
        if self.metrics is not None:
            self.metrics.upstream_error(upstream.name, kind)

    async def _request(
        self,
        upstream: Upstream,
        scope: Scope,
        headers: list[tuple[str, str]],
        body: _RequestBody,
        has_body: bool,
    ) -> aiohttp.ClientResponse:
        """Send the request; a failed connect is retried for idempotent methods only.

        Retrying is safe only when nothing reached the upstream: a connect
        error happens before any byte is sent, and the body must not have been
        read yet (it cannot be replayed).
        """
        method: str = scope["method"]
        retries = self.connect_retries if method in IDEMPOTENT_METHODS else 0
        url = target_url(upstream.base_url, scope)
        attempt = 0
        while True:
            try:
                return await upstream.session_for(scope).request(
                    method,
                    url,
                    headers=headers,
                    data=body.chunks() if has_body else None,
                    allow_redirects=False,
                )
            except aiohttp.ClientConnectorError:
                if attempt >= retries or body.started:
                    raise
                attempt += 1
                self._count_error(upstream, "connect_retry")

    def request_headers(self, scope: Scope) -> tuple[list[tuple[str, str]], bool]:
        """Headers for the upstream request, and whether the request has a body."""
        raw: list[tuple[bytes, bytes]] = scope["headers"]
        client = scope.get("client")
        peer: str | None = client[0] if client else None
        trusted = self.trusted.is_trusted(peer)
        drop = _REQUEST_DROPPED if trusted else _REQUEST_DROPPED_UNTRUSTED
        listed = _connection_tokens(raw)
        if listed:
            drop = drop | listed

        headers: list[tuple[str, str]] = []
        chain: list[str] = []
        proto: str | None = None
        host: str | None = None
        forwarded_host_kept = False
        incoming_id: str | None = None
        has_body = False
        for raw_name, raw_value in raw:
            name = raw_name.decode("latin-1").lower()
            value = _header_text(raw_value)
            if name == "content-length":
                has_body = value.strip() != "0"
            elif name == "transfer-encoding":
                has_body = True
            elif name == "host":
                host = value
            elif name == "x-request-id":
                incoming_id = value
            if name in drop:
                continue
            if name == "x-forwarded-for":
                chain.append(value)
                continue
            if name == "x-forwarded-proto":
                proto = value
            elif name == "x-forwarded-host":
                forwarded_host_kept = True
            headers.append((name, value))

        if peer:
            chain.append(peer)
        if chain:
            headers.append(("x-forwarded-for", ", ".join(chain)))
        if proto is None:
            headers.append(("x-forwarded-proto", scope.get("scheme", "http")))
        if host is not None and not forwarded_host_kept:
            headers.append(("x-forwarded-host", host))
        request_id = current_request_id() or accept_request_id(incoming_id)
        headers.append((REQUEST_ID_HEADER, request_id))
        return headers, has_body

    async def forward(self, upstream: Upstream, scope: Scope, receive: Receive, send: Send) -> None:
        headers, has_body = self.request_headers(scope)
        if upstream.name == "auth" and self.internal_token is not None:
            # The client as this gateway resolved it (its trusted proxies), vouched for
            # by the internal token: auth need not trust any address range.
            headers.append(("x-internal-token", self.internal_token))
            headers.append(("x-client-ip", self.trusted.client_ip(scope)))
        body = _RequestBody(receive)
        if not has_body:
            body.complete = True
        try:
            response = await self._request(upstream, scope, headers, body, has_body)
        except TimeoutError:
            if body.disconnected:
                return
            self._count_error(upstream, "timeout")
            logger.warning("upstream timed out", extra={"upstream": upstream.name})
            await problem_response(504, detail="The upstream service did not answer in time.")(
                scope, receive, send
            )
            return
        except (aiohttp.ClientError, OSError, ClientDisconnectedError) as exc:
            if body.disconnected:
                return
            self._count_error(upstream, "connect")
            logger.warning(
                "upstream unreachable",
                extra={"upstream": upstream.name, "error": type(exc).__name__},
            )
            await problem_response(502, detail="The upstream service is unavailable.")(
                scope, receive, send
            )
            return

        try:
            await self._relay(upstream, response, body, receive, send)
        finally:
            response.release()

    async def _relay(
        self,
        upstream: Upstream,
        response: aiohttp.ClientResponse,
        body: _RequestBody,
        receive: Receive,
        send: Send,
    ) -> None:
        drop = _RESPONSE_DROPPED
        connection = [(n, v) for n, v in response.raw_headers if n.lower() == b"connection"]
        if connection:
            drop = drop | _connection_tokens(connection)
        out_headers = [
            (name.lower(), value)
            for name, value in response.raw_headers
            if name.decode("latin-1").lower() not in drop
        ]
        await send(
            {"type": "http.response.start", "status": response.status, "headers": out_headers}
        )

        remaining = response.content_length
        watcher: asyncio.Task[None] | None = None
        if body.complete and (remaining is None or remaining > _WATCH_DISCONNECT_ABOVE):
            watcher = asyncio.create_task(_close_on_disconnect(receive, response))
        try:
            async for chunk in response.content.iter_any():
                if watcher is not None and watcher.done():
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                    if remaining <= 0:
                        await send({"type": "http.response.body", "body": chunk})
                        return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if watcher is not None and watcher.done():
                return
            await send({"type": "http.response.body", "body": b""})
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            if watcher is not None and watcher.done():
                return  # the client left; closing the upstream ended the read
            # Headers are out: the only honest signal left is to end the
            # response incomplete, which makes the server drop the connection.
            self._count_error(upstream, "broken")
            logger.warning(
                "upstream failed mid-response",
                extra={"upstream": upstream.name, "error": type(exc).__name__},
            )
            response.close()
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher


async def _close_on_disconnect(receive: Receive, response: aiohttp.ClientResponse) -> None:
    """Close the upstream connection as soon as the client disconnects.

    The server's ``send`` silently drops writes to a closed client, so without
    this an endless stream would keep its upstream connection forever.
    """
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            response.close()
            return
