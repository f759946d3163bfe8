"""Event streams: a pool of their own, and a cap per principal."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import httpx
import pytest

STREAM = {"Accept": "text/event-stream"}


@pytest.fixture(scope="module")
def stream_gateway(start_gateway: Any, upstream: Any) -> Any:
    """Two pooled connections for ordinary requests, three streams per client."""
    (gateway,) = start_gateway(
        {
            "auth_url": upstream.url,
            "core_url": upstream.url,
            "edge_auth_enabled": "false",
            "rate_limit_anonymous": "1000000",
            "upstream_pool_size": "2",
            "upstream_pool_timeout": "2",
            "streams_per_principal": "3",
            "trusted_proxies": "127.0.0.0/8",
        }
    )
    return gateway


async def _open(client: httpx.AsyncClient, url: str, ip: str) -> Any:
    stream = client.stream(
        "GET",
        url + f"/v1/projects/{uuid.uuid4().hex}/sse-forever",
        headers={**STREAM, "X-Forwarded-For": ip, "X-Test-Id": uuid.uuid4().hex},
    )
    response = await stream.__aenter__()
    assert response.status_code == 200
    lines = response.aiter_lines()
    await lines.__anext__()  # the first tick arrived: it is open
    stream.lines = lines  # type: ignore[attr-defined]  # kept: a dropped iterator closes it
    return stream


async def test_open_streams_neither_starve_requests_nor_exceed_the_cap(
    stream_gateway: Any,
) -> None:
    url = stream_gateway.url
    async with httpx.AsyncClient(timeout=20) as client:
        streams = [await _open(client, url, "192.0.2.10") for _ in range(3)]
        try:
            # More open streams than the ordinary pool holds, and requests still answer
            # (sharing that pool, they would wait for it and fail after its 2 s timeout).
            for _ in range(4):
                ok = await client.get(
                    url + "/v1/projects", headers={"X-Forwarded-For": "192.0.2.11"}
                )
                assert ok.status_code == 200

            refused = await client.get(
                url + "/v1/projects/x/sse-forever",
                headers={**STREAM, "X-Forwarded-For": "192.0.2.10"},
            )
            assert refused.status_code == 429
            assert refused.headers["content-type"] == "application/problem+json"
            # another client has its own count
            other = await _open(client, url, "192.0.2.12")
            await other.__aexit__(None, None, None)
        finally:
            for stream in streams:
                with contextlib.suppress(Exception):
                    await stream.__aexit__(None, None, None)
        await asyncio.sleep(0.3)
        again = await _open(client, url, "192.0.2.10")  # closed streams free their places
        await again.__aexit__(None, None, None)
