"""Proxy behaviour through a real gateway process and a real upstream."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx


def header_map(echo: dict) -> dict[str, str]:
    """The upstream's received headers (fails on unexpected duplicates)."""
    out: dict[str, str] = {}
    for name, value in echo["headers"]:
        assert name not in out, f"duplicate header {name}"
        out[name] = value
    return out


async def test_path_query_and_percent_encoding_forwarded_exactly(gateway, raw_request) -> None:
    target = "/v1/projects/a%2Fb/%7Euser/%E2%9C%93%20x;v=1/%25?q=a%20b&x=%2F&plus=a+b&empty=&flag"
    response = await raw_request(gateway.port, target)
    assert response.status == 200
    echo = json.loads(response.body)
    assert echo["raw_path"] == "/v1/projects/a%2Fb/%7Euser/%E2%9C%93%20x;v=1/%25"
    assert echo["query_string"] == "q=a%20b&x=%2F&plus=a+b&empty=&flag"
    assert echo["method"] == "GET"


async def test_method_and_routes_to_both_upstreams(gateway, client) -> None:
    for method, path in [
        ("DELETE", "/v1/projects/p1"),
        ("PATCH", "/v1/provider-keys/k1"),
        ("GET", "/v1/usage"),
        ("POST", "/v1/auth/login"),
        ("GET", "/.well-known/jwks.json"),
    ]:
        response = await client.request(method, gateway.url + path)
        assert response.status_code == 200, path
        assert response.json()["method"] == method
        assert response.json()["path"] == path


async def test_chunked_upload_is_streamed_not_buffered(gateway, upstream, client) -> None:
    test_id = uuid.uuid4().hex
    first = b"x" * 10_000
    rest = [bytes([i]) * 50_000 for i in range(20)]

    async def body() -> AsyncIterator[bytes]:
        yield first
        # A gateway that read the whole body first would deliver nothing yet.
        deadline = time.monotonic() + 5
        while upstream.state.progress.get(test_id, 0) < len(first):
            assert time.monotonic() < deadline, "first chunk not forwarded before upload ended"
            await asyncio.sleep(0.01)
        for chunk in rest:
            yield chunk

    response = await client.post(
        f"{gateway.url}/v1/projects/p1/files", content=body(), headers={"X-Test-Id": test_id}
    )
    assert response.status_code == 200
    echo = response.json()
    whole = first + b"".join(rest)
    assert echo["body_len"] == len(whole)
    assert echo["body_sha256"] == hashlib.sha256(whole).hexdigest()
    headers = header_map(echo)
    assert "content-length" not in headers
    assert headers["transfer-encoding"] == "chunked"


async def test_upload_with_content_length_keeps_it(gateway, client) -> None:
    payload = bytes(range(256)) * 1000
    response = await client.put(
        f"{gateway.url}/v1/projects/p1",
        content=payload,
        headers={"Content-Type": "application/x-custom"},
    )
    echo = response.json()
    headers = header_map(echo)
    assert headers["content-length"] == str(len(payload))
    assert headers["content-type"] == "application/x-custom"
    assert "transfer-encoding" not in headers
    assert echo["body_sha256"] == hashlib.sha256(payload).hexdigest()


async def test_request_hop_by_hop_headers_stripped(gateway, client) -> None:
    response = await client.get(
        f"{gateway.url}/v1/projects",
        headers={
            "Connection": "keep-alive, X-Hop-Custom",
            "X-Hop-Custom": "secret",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Trailer": "X-Checksum",
            "Proxy-Authorization": "Basic Zm9vOmJhcg==",
            "Authorization": "Bearer end-to-end",
            "X-End-To-End": "kept",
        },
    )
    headers = header_map(response.json())
    for name in ("connection", "x-hop-custom", "keep-alive", "te", "trailer"):
        assert name not in headers, name
    assert "proxy-authorization" not in headers
    assert headers["authorization"] == "Bearer end-to-end"
    assert headers["x-end-to-end"] == "kept"


async def test_non_ascii_header_bytes_forwarded_exactly(gateway, raw_request) -> None:
    utf8 = "caf\u00e9 \u2713".encode()
    # raw_request writes latin-1, so this string puts exactly those bytes on the wire.
    response = await raw_request(gateway.port, "/v1/projects", {"X-Name": utf8.decode("latin-1")})
    received = header_map(json.loads(response.body))["x-name"]
    assert received.encode("latin-1") == utf8


async def test_upgrade_request_header_stripped(gateway, raw_request) -> None:
    response = await raw_request(gateway.port, "/v1/projects", {"Upgrade": "h2c"})
    assert response.status == 200
    assert "upgrade" not in header_map(json.loads(response.body))


async def test_response_hop_by_hop_headers_stripped(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/v1/projects/hop")
    assert response.status_code == 200
    assert response.content == b"ok"
    for name in ("x-upstream-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade"):
        assert name not in response.headers, name
    assert "connection" not in response.headers
    assert "server" not in response.headers
    assert response.headers["x-end-to-end"] == "kept"


async def test_no_client_headers_invented(gateway, client) -> None:
    del client.headers["user-agent"]
    del client.headers["accept-encoding"]
    del client.headers["accept"]
    response = await client.post(f"{gateway.url}/v1/projects", content=b"{}")
    headers = header_map(response.json())
    for name in ("user-agent", "accept-encoding", "accept", "content-type", "cookie"):
        assert name not in headers, name


async def test_user_agent_and_accept_encoding_passed_through(gateway, client) -> None:
    response = await client.get(
        f"{gateway.url}/v1/projects",
        headers={"User-Agent": "tester/1.0", "Accept-Encoding": "br"},
    )
    headers = header_map(response.json())
    assert headers["user-agent"] == "tester/1.0"
    assert headers["accept-encoding"] == "br"


async def test_compressed_response_passed_through_untouched(gateway, client) -> None:
    async with client.stream("GET", f"{gateway.url}/v1/projects/gzip") as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) == len(raw)
    assert raw[:2] == b"\x1f\x8b"


async def test_upstream_cookies_not_replayed_to_other_clients(gateway, client) -> None:
    first = await client.get(f"{gateway.url}/v1/auth/set-cookie")
    assert first.status_code == 204
    assert "sid=secret-session" in first.headers["set-cookie"]
    async with httpx.AsyncClient() as other:
        echo = (await other.get(f"{gateway.url}/v1/auth/me")).json()
    assert "cookie" not in header_map(echo)


async def test_redirects_returned_not_followed(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/v1/projects/redirect")
    assert response.status_code == 302
    assert response.headers["location"] == "/v1/projects/elsewhere"


async def test_sse_events_arrive_one_by_one(gateway, client, spec) -> None:
    arrivals: list[float] = []
    events: list[dict] = []
    buffer = b""
    started = time.time()
    async with client.stream("GET", f"{gateway.url}/v1/builds/b1/sse") as response:
        assert response.headers["content-type"] == "text/event-stream"
        async for chunk in response.aiter_raw():
            buffer += chunk
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                arrivals.append(time.time())
                data = next(line for line in event.split(b"\n") if line.startswith(b"data: "))
                events.append(json.loads(data[len(b"data: ") :]))
    assert [e["i"] for e in events] == list(range(spec.sse_events))
    # Each event reached the client before the upstream even sent the next.
    for i in range(spec.sse_events - 1):
        assert arrivals[i] < events[i + 1]["sent_at"], f"event {i} was held back"
    # The stream outlived the read timeout: it bounds gaps, not the total.
    assert arrivals[-1] - started > spec.read_timeout


async def test_large_streamed_download_intact(gateway, client, spec) -> None:
    digest = hashlib.sha256()
    size = 0
    async with client.stream("GET", f"{gateway.url}/v1/builds/b1/large") as response:
        assert response.status_code == 200
        async for chunk in response.aiter_raw():
            digest.update(chunk)
            size += len(chunk)
    assert size == spec.large_len
    assert digest.hexdigest() == spec.large_sha256


async def test_client_disconnect_releases_upstream(gateway, upstream, client) -> None:
    test_id = uuid.uuid4().hex
    async with client.stream(
        "GET", f"{gateway.url}/v1/builds/b1/sse-forever", headers={"X-Test-Id": test_id}
    ) as response:
        async for chunk in response.aiter_raw():
            assert b"tick" in chunk
            break
    # Leaving the block closed the client connection mid-stream; the gateway
    # must drop its upstream connection rather than keep reading forever.
    deadline = time.monotonic() + 10
    while test_id not in upstream.state.disconnected:
        assert time.monotonic() < deadline, "upstream connection still open"
        await asyncio.sleep(0.05)


async def test_upstream_down_is_502_problem(core_down_gateway, client) -> None:
    response = await client.get(f"{core_down_gateway.url}/v1/projects")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 502
    assert body["title"] == "Bad Gateway"
    assert "127.0.0.1" not in response.text
    assert "Error" not in response.text
    # The other upstream is unaffected.
    assert (await client.get(f"{core_down_gateway.url}/v1/auth/me")).status_code == 200


async def test_upstream_hang_is_504_within_read_timeout(gateway, upstream, client, spec) -> None:
    test_id = uuid.uuid4().hex
    started = time.monotonic()
    response = await client.get(f"{gateway.url}/v1/projects/hang", headers={"X-Test-Id": test_id})
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 504
    assert spec.read_timeout * 0.9 <= elapsed < spec.read_timeout + 3
    # ...and the hung upstream connection was closed.
    deadline = time.monotonic() + 5
    while test_id not in upstream.state.disconnected:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def test_internal_paths_never_forwarded(gateway, upstream, client, raw_request) -> None:
    for target in (
        "/internal/x",
        "/internal/auth/users",
        "/v1/projects/../../internal/x",
        "/v1/projects/%2e%2e/%2e%2e/internal/x",
        "/v1/projects/..%2f..%2finternal/x",
        "/nothing-here",
    ):
        response = await raw_request(gateway.port, target)
        assert response.status == 404, target
        assert response.headers["content-type"] == "application/problem+json"
        assert json.loads(response.body)["status"] == 404
    assert not [p for p in upstream.state.paths if "internal" in p]
    assert (await client.post(f"{gateway.url}/internal/x")).status_code == 404


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


# A gateway that buffered a 200 MiB transfer would grow by at least that much;
# streaming keeps a few socket buffers' worth in flight.
FLAT_MIB = 48


async def test_200_mib_download_streams_with_flat_gateway_memory(
    bulk_gateway, client, spec
) -> None:
    before = _peak_rss_mib(bulk_gateway.process.pid)
    size = 0
    digest = hashlib.sha256()
    async with client.stream("GET", f"{bulk_gateway.url}/v1/builds/b1/huge") as response:
        assert response.status_code == 200
        async for chunk in response.aiter_raw():
            size += len(chunk)
            digest.update(chunk)
    assert size == spec.huge_len
    assert digest.hexdigest() == spec.huge_sha256
    growth = _peak_rss_mib(bulk_gateway.process.pid) - before
    assert growth < FLAT_MIB, f"gateway peak RSS grew {growth:.0f} MiB for a 200 MiB download"


async def test_200_mib_upload_streams_with_flat_gateway_memory(bulk_gateway, client, spec) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(spec.huge_blocks):
            yield spec.huge_block

    before = _peak_rss_mib(bulk_gateway.process.pid)
    response = await client.post(f"{bulk_gateway.url}/v1/projects/p1/files", content=body())
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["body_len"] == spec.huge_len
    assert echo["body_sha256"] == spec.huge_sha256
    growth = _peak_rss_mib(bulk_gateway.process.pid) - before
    assert growth < FLAT_MIB, f"gateway peak RSS grew {growth:.0f} MiB for a 200 MiB upload"
