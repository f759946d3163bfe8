"""Slow request bodies (slowloris): 408 within GATEWAY_BODY_TIMEOUT, upstream aborted.

Found by the hostile-input drill: a client trickling its body a byte at a
time held its gateway connection (and an upstream one) for as long as it
kept trickling. Streams that outlast the timeout after a complete body
(SSE) must not be cut by it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

import httpx
import pytest

BODY_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def slow_gateway(start_gateway: Any, upstream: Any) -> Any:
    """A bare proxy (no edge auth, no limit in reach) with a 1 s body timeout."""
    (gateway,) = start_gateway(
        {
            "auth_url": upstream.url,
            "core_url": upstream.url,
            "edge_auth_enabled": "false",
            "rate_limit_anonymous": "1000000",
            "body_timeout": str(BODY_TIMEOUT),
        }
    )
    return gateway


async def _read_answer(reader: asyncio.StreamReader, within: float) -> bytes:
    """Everything the gateway sends until it closes the connection (or ``within`` s)."""
    data = b""
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        async with asyncio.timeout(within):
            while more := await reader.read(65536):
                data += more
    return data


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_trickled_body_is_408_and_the_upstream_never_sees_it_whole(
    slow_gateway: Any, upstream: Any, framing: str
) -> None:
    test_id = uuid.uuid4().hex
    reader, writer = await asyncio.open_connection("127.0.0.1", slow_gateway.port)
    length = "Content-Length: 1000" if framing == "content-length" else "Transfer-Encoding: chunked"
    writer.write(
        f"POST /v1/projects/{test_id} HTTP/1.1\r\nHost: x\r\n{length}\r\n"
        f"Content-Type: application/json\r\nX-Test-Id: {test_id}\r\n\r\n".encode()
    )
    started = time.monotonic()
    # One byte every 0.2 s (fast enough for any per-read timeout, far too slow
    # for the whole body) until just before the body timeout, then silence,
    # the body still incomplete. Trickling on past the gateway's answer would
    # race its close: bytes arriving at a closed socket draw a TCP reset, and
    # a reset discards the 408 if it lands before this side has read it.
    for _ in range(int(BODY_TIMEOUT * 0.8 / 0.2)):
        piece = b"x" if framing == "content-length" else b"1\r\nx\r\n"
        writer.write(piece)
        await writer.drain()
        await asyncio.sleep(0.2)
    data = await _read_answer(reader, within=10)
    elapsed = time.monotonic() - started
    writer.close()
    assert data, "the gateway never answered the trickled body"
    status_line, _, rest = data.partition(b"\r\n")
    assert status_line.split()[1] == b"408", data[:300]
    assert b"content-type: application/problem+json" in rest.lower()
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["status"] == 408
    assert BODY_TIMEOUT * 0.9 <= elapsed < BODY_TIMEOUT + 5, elapsed
    await asyncio.sleep(0.3)
    assert test_id not in upstream.state.completed


async def test_a_body_in_time_and_a_long_stream_after_it_are_untouched(
    slow_gateway: Any, client: httpx.AsyncClient
) -> None:
    body = b"y" * 200_000
    response = await client.post(slow_gateway.url + "/v1/projects/fast", content=body)
    assert response.status_code == 200
    assert response.json()["body_len"] == len(body)

    # The upstream's /sse stream lasts longer than the body timeout.
    started = time.monotonic()
    async with client.stream("GET", slow_gateway.url + "/v1/projects/x/sse") as stream:
        events = [line async for line in stream.aiter_lines() if line.startswith("data:")]
    assert time.monotonic() - started > BODY_TIMEOUT
    assert len(events) == 5


async def test_a_client_still_uploading_after_the_408_reads_it_without_a_reset(
    slow_gateway: Any,
) -> None:
    """The 408 closes the connection: lingering (write side shut, the rest read and
    dropped) instead of closing with unread data, which makes the kernel send a reset."""
    reader, writer = await asyncio.open_connection("127.0.0.1", slow_gateway.port)
    total = 4 * 1024 * 1024
    writer.write(
        f"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Length: {total}\r\n"
        f"X-Test-Id: {uuid.uuid4().hex}\r\n\r\n".encode()
    )
    writer.write(b"a" * 1024)
    await writer.drain()
    await asyncio.sleep(BODY_TIMEOUT + 1.0)  # the 408 is written meanwhile
    writer.write(b"b" * (total - 1024))  # like urllib: the whole body before reading
    with contextlib.suppress(ConnectionResetError, BrokenPipeError):
        await writer.drain()
    answer = await _read_answer(reader, within=15)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"connection: close" in answer.lower()
