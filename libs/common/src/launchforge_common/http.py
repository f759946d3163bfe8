"""httpx client factory for service-to-service and outbound calls.

Every request made with it carries the current request id, so one id follows
a request across services. (The gateway's proxy hot path uses aiohttp for
cost reasons; see services/gateway.)
"""

from __future__ import annotations

import httpx

from launchforge_common.context import propagation_headers
from launchforge_common.tracing import instrument_httpx_client


async def _add_request_id(request: httpx.Request) -> None:
    for name, value in propagation_headers().items():
        request.headers.setdefault(name, value)


def create_http_client(
    *,
    base_url: str = "",
    timeout: float = 5.0,
    connect_timeout: float = 2.0,
    max_connections: int = 100,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """``transport`` replaces httpx's own (its pool limits are then the transport's)."""
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=20),
        event_hooks={"request": [_add_request_id]},
        transport=transport,
    )
    # Client spans and traceparent when tracing is on; untouched otherwise.
    instrument_httpx_client(client)
    return client
