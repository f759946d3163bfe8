"""The guarded HTTP protocol: header deadline, header size limit, problem+json 400s.

Found by the hostile-input drill: plain uvicorn kept a connection that
trickled its headers (or sent nothing) open forever, and read a header of
any size into memory. A real uvicorn server runs in a thread here; the
tests talk to it over raw sockets, since HTTP clients refuse to send what
these tests send.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from launchforge_common.http_protocol import guarded_protocol, trust_response_headers
from launchforge_common.testing import free_port

HEADER_TIMEOUT = 0.5
MAX_HEADER_BYTES = 4096
DISCARD_TIMEOUT = 0.5


# Registered as static: written from bytes checked once.
_STATIC = [(b"X-Static-Policy", b"camera=(), usb=()"), (b"x-frame-options", b"DENY")]
# Per-response headers next to them, still checked on every response.
_HEADER_PATHS = {
    "/static": [(b"x-per-response", b"1")],
    "/bad-value": [(b"x-injected", b"a\r\nset-cookie: b")],
    "/bad-name": [(b"x bad", b"1")],
}


async def app(scope: Any, receive: Any, send: Any) -> None:
    """Echoes the body size; ``/slow`` streams for longer than the header timeout;
    ``/early`` answers 413 without reading the body (as a size limit does)."""
    if scope["type"] != "http":
        return
    if scope["path"] in _HEADER_PATHS:
        headers = [*_STATIC, *_HEADER_PATHS[scope["path"]], (b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    if scope["path"] == "/early":
        headers = [(b"content-length", b"9")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": b"too large"})
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    if scope["path"] == "/slow":
        for _ in range(4):
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(HEADER_TIMEOUT / 2)
    await send({"type": "http.response.body", "body": json.dumps({"size": size}).encode()})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    trust_response_headers(_STATIC)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        http=guarded_protocol(
            header_timeout=HEADER_TIMEOUT,
            max_header_bytes=MAX_HEADER_BYTES,
            discard_timeout=DISCARD_TIMEOUT,
        ),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "server thread died"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


async def exchange(port: int, *pieces: bytes, pause: float = 0.0, within: float = 5.0) -> bytes:
    """Send ``pieces`` (``pause`` s apart), then read until the server closes or ``within``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for piece in pieces:
            try:
                writer.write(piece)
                await writer.drain()
            except ConnectionError:
                break  # the server answered and closed: stop sending
            if pause:
                await asyncio.sleep(pause)
            if reader.at_eof() or reader._buffer:  # the answer is in
                break
        data = b""
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(within):
                while more := await reader.read(65536):
                    data += more
        return data
    finally:
        writer.close()


def status_and_problem(data: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower(), head
    assert b"connection: close" in head.lower(), head
    return int(head.split()[1]), json.loads(body)


async def test_trickled_headers_get_408_within_the_deadline(port: int) -> None:
    started = time.monotonic()
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40
    # One byte every 0.05 s: 2+ s for the whole header, far past the deadline.
    data = await exchange(port, *(bytes([b]) for b in request), pause=0.05, within=5)
    assert time.monotonic() - started < 5
    status, problem = status_and_problem(data)
    assert status == problem["status"] == 408


async def test_an_idle_connection_is_closed(port: int) -> None:
    started = time.monotonic()
    data = await exchange(port, within=5)
    assert data == b""
    assert time.monotonic() - started < 4 * HEADER_TIMEOUT + 1


async def test_oversize_headers_get_431_without_being_read(port: int) -> None:
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n"
    status, problem = status_and_problem(await exchange(port, request))
    assert status == problem["status"] == 431


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Inj: a\rSet-Cookie: b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Inj: a\nSet-Cookie: b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
        # HTTP/0.9: what a CR/LF smuggled into the request target leaves.
        b"GET /?x=1\r\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /\r\n\r\n",
    ],
    ids=["cr-in-value", "lf-in-value", "nul-in-value", "crlf-in-target", "http-0.9"],
)
async def test_unparseable_requests_get_problem_json_400(port: int, request_bytes: bytes) -> None:
    status, problem = status_and_problem(await exchange(port, request_bytes))
    assert status == problem["status"] == 400


async def test_small_headers_with_a_large_body_in_one_write_are_served(port: int) -> None:
    body = b"z" * (4 * MAX_HEADER_BYTES)
    request = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % (
        len(body)
    )
    data = await exchange(port, request + body)
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
    assert b'{"size": %d}' % len(body) in data


async def test_keep_alive_requests_and_long_responses_are_not_cut(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for path in (b"/slow", b"/", b"/slow"):
            writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            assert head.startswith(b"HTTP/1.1 200"), head
            # Chunked: read to the terminating zero-length chunk.
            body = await asyncio.wait_for(reader.readuntil(b"0\r\n\r\n"), 5)
            assert b'{"size": 0}' in body
            # Idle between requests, but under uvicorn's keep-alive.
            await asyncio.sleep(HEADER_TIMEOUT * 1.5)
    finally:
        writer.close()


CHUNK = b"400\r\n" + b"x" * 1024 + b"\r\n"
EARLY_UPLOAD = b"POST /early HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


async def test_an_endless_upload_after_an_early_answer_is_cut_off(port: int) -> None:
    """Before the discard deadline, uvicorn dropped such a body for as long as it came."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = b""
    started = time.monotonic()
    closed_after: float | None = None
    try:
        writer.write(EARLY_UPLOAD + CHUNK)
        while time.monotonic() - started < 10 * DISCARD_TIMEOUT:  # would go on for 5 s
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.02):
                    more = await reader.read(65536)
                    answer += more
                    if not more:  # the server closed the connection
                        closed_after = time.monotonic() - started
                        break
            try:
                writer.write(CHUNK)
                await writer.drain()
            except ConnectionError:
                closed_after = time.monotonic() - started
                break
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:100]
    assert closed_after is not None, "the connection stayed open while the body kept coming"
    assert DISCARD_TIMEOUT * 0.8 <= closed_after < DISCARD_TIMEOUT * 4, closed_after


async def test_an_upload_finished_in_time_keeps_its_connection(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(EARLY_UPLOAD + CHUNK)
        await writer.drain()
        async with asyncio.timeout(5):
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(len(b"too large"))
        assert head.startswith(b"HTTP/1.1 413 ")
        writer.write(CHUNK + b"0\r\n\r\n")  # the rest of the body, in time
        await writer.drain()
        await asyncio.sleep(DISCARD_TIMEOUT * 2)  # past the deadline: it was lifted
        writer.write(b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        async with asyncio.timeout(5):
            head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 "), head
    finally:
        writer.close()


async def test_static_headers_are_written_with_the_checked_ones(port: int) -> None:
    data = await exchange(port, b"GET /static HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK"
    assert b"x-static-policy: camera=(), usb=()" in lines
    assert b"x-frame-options: DENY" in lines
    assert b"x-per-response: 1" in lines
    assert b"connection: close" in lines
    assert body == b"ok"


@pytest.mark.parametrize("path", ["/bad-value", "/bad-name"])
async def test_a_header_not_registered_is_still_checked(port: int, path: str) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    data = await exchange(port, request)
    assert b"set-cookie" not in data.lower()
    assert not data.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    "header",
    [(b"x-ok", b"a\nb"), (b"x(bad)", b"1"), (b"Content-Length", b"2"), (b"connection", b"close")],
)
def test_a_static_header_that_uvicorn_would_refuse_or_that_frames_is_refused(
    header: tuple[bytes, bytes],
) -> None:
    with pytest.raises(ValueError, match=r"header|frames"):
        trust_response_headers([header])
