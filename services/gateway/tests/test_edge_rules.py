"""Size limits, CORS, security headers and metrics through a real gateway process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid

import pytest

LIMIT = 100_000  # the edge gateway's GATEWAY_MAX_BODY_SIZE
ORIGIN = "https://app.example"


def public(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def test_declared_oversize_body_is_413_before_reading(
    edge, upstream, signer, client, fresh_ip
) -> None:
    path = f"/v1/projects/{uuid.uuid4().hex}"
    response = await client.post(
        edge.url + path,
        content=b"x" * (LIMIT + 1),
        headers={"Authorization": f"Bearer {signer.mint()}", **public(fresh_ip())},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413
    assert path not in upstream.state.paths
    at_limit = await client.post(
        edge.url + "/v1/auth/register", content=b"x" * LIMIT, headers=public(fresh_ip())
    )
    assert at_limit.status_code == 200
    assert at_limit.json()["body_len"] == LIMIT


async def test_chunked_oversize_body_is_cut_and_413(edge, upstream, fresh_ip) -> None:
    """The upstream never receives the whole body; the client gets 413."""
    test_id = uuid.uuid4().hex
    reader, writer = await asyncio.open_connection("127.0.0.1", edge.port)
    head = (
        f"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n"
        f"X-Test-Id: {test_id}\r\nX-Forwarded-For: {fresh_ip()}\r\n\r\n"
    )
    writer.write(head.encode())
    chunk = b"y" * 16_384
    sent = 0
    try:
        for _ in range(64):  # 1 MiB offered, 10x the limit
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
            sent += len(chunk)
            await asyncio.sleep(0.005)
            if reader.at_eof() or len(reader._buffer) > 0:  # the answer arrived
                break
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass
    data = b""
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        async with asyncio.timeout(10):
            while b"}" not in data:  # the end of the problem+json body
                more = await reader.read(65536)
                if not more:
                    break
                data += more
    writer.close()
    status_line = data.split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"413", data[:300]
    assert b"application/problem+json" in data
    # Give the upstream time to see whatever reached it.
    await asyncio.sleep(0.5)
    # Streaming started (no buffering), stopped before the limit was passed,
    # and the upstream never saw a complete body.
    assert 0 < upstream.state.progress.get(test_id, 0) <= LIMIT
    assert test_id not in upstream.state.completed
    assert sent > LIMIT


async def test_per_route_body_limit_override(edge, signer, client, fresh_ip) -> None:
    token = signer.mint()
    response = await client.put(
        f"{edge.url}/v1/projects/big/upload",
        content=b"z" * 300_000,
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": fresh_ip()},
    )
    assert response.status_code == 200
    assert response.json()["body_len"] == 300_000


async def test_cors_preflight_allowed(edge, client) -> None:
    response = await client.options(
        f"{edge.url}/v1/projects",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "Origin" in response.headers["vary"]


async def test_cors_preflight_of_a_browser_mcp_client(edge, client) -> None:
    response = await client.options(
        f"{edge.url}/mcp",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "mcp-protocol-version" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://evil.example", "POST", "content-type"),
        ("null", "GET", None),
        ("https://app.example.evil.example", "GET", None),
        (ORIGIN, "POST", "x-not-allowed"),
        (ORIGIN, "CONNECT", None),
    ],
)
async def test_cors_preflight_refused(edge, client, origin, method, headers) -> None:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    response = await client.options(f"{edge.url}/v1/projects", headers=request_headers)
    assert response.status_code == 400
    if origin != ORIGIN:
        assert "access-control-allow-origin" not in response.headers


async def test_preview_paths_keep_the_upstreams_cors_and_need_no_token(edge, client) -> None:
    """An opaque-origin preview page ("null") preflights /preview/*: passed to core, which
    answers it; the allow-list (and its credentials) never applies there."""
    preflight = await client.options(
        f"{edge.url}/preview/b1/t0k/api/items",
        headers={"Origin": "null", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200  # the upstream's answer, not the allow-list's 400
    assert preflight.json()["path"] == "/preview/b1/t0k/api/items"
    assert "access-control-allow-credentials" not in preflight.headers
    plain = await client.get(f"{edge.url}/preview/b1/t0k/", headers={"Origin": ORIGIN})
    assert plain.status_code == 200  # no bearer token asked for
    assert "access-control-allow-origin" not in plain.headers
    refused = await client.options(
        f"{edge.url}/v1/projects",
        headers={"Origin": "null", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400


async def test_cors_on_success_and_on_errors(edge, signer, client, fresh_ip) -> None:
    ip = fresh_ip()
    token = signer.mint()
    ok = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Origin": ORIGIN, "Authorization": f"Bearer {token}", "X-Forwarded-For": ip},
    )
    unauthorized = await client.get(
        f"{edge.url}/v1/projects", headers={"Origin": ORIGIN, "X-Forwarded-For": ip}
    )
    for _ in range(5):
        await client.post(f"{edge.url}/v1/auth/login", headers={"X-Forwarded-For": ip})
    limited = await client.post(
        f"{edge.url}/v1/auth/login", headers={"Origin": ORIGIN, "X-Forwarded-For": ip}
    )
    timeout = await client.get(
        f"{edge.url}/v1/projects/p/hang",
        headers={"Origin": ORIGIN, "Authorization": f"Bearer {token}", "X-Forwarded-For": ip},
    )
    assert [r.status_code for r in (ok, unauthorized, limited, timeout)] == [200, 401, 429, 504]
    for response in (ok, unauthorized, limited, timeout):
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert "Origin" in response.headers["vary"]
        exposed = {
            h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
        }
        assert {"ratelimit", "ratelimit-policy", "retry-after", "x-request-id"} <= exposed
    other = await client.get(
        f"{edge.url}/v1/auth/verify-email",
        headers={"Origin": "https://evil.example", "X-Forwarded-For": ip},
    )
    assert "access-control-allow-origin" not in other.headers
    assert "Origin" in other.headers["vary"]
    plain = await client.get(f"{edge.url}/v1/auth/verify-email", headers={"X-Forwarded-For": ip})
    assert "Origin" in plain.headers["vary"]  # caches must not mix CORS and non-CORS answers


@pytest.mark.parametrize(
    ("origins", "credentials"),
    [("*", "true"), ('[""]', "false"), ("https://app.example/", "true"), ("app.example", "true")],
)
def test_bad_cors_configuration_refused_at_start(origins, credentials) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from launchforge_gateway.config import GatewaySettings as S; S()"],
        env={"GATEWAY_CORS_ORIGINS": origins, "GATEWAY_CORS_ALLOW_CREDENTIALS": credentials},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert b"CORS" in result.stderr


async def test_security_headers_on_proxied_and_own_responses(edge, client, fresh_ip) -> None:
    proxied = await client.post(f"{edge.url}/v1/auth/verify-email", headers=public(fresh_ip()))
    own_error = await client.get(f"{edge.url}/v1/projects", headers=public(fresh_ip()))
    probe = await client.get(f"{edge.url}/livez")
    for response in (proxied, own_error, probe):
        h = response.headers
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "default-src 'none'" in h["content-security-policy"]
        assert h["referrer-policy"] == "no-referrer"
        assert "camera=()" in h["permissions-policy"]
        assert h["strict-transport-security"] == "max-age=63072000; includeSubDomains"
        assert h["x-xss-protection"] == "0"


async def test_metrics_count_routes_statuses_and_decisions(edge, client, fresh_ip) -> None:
    await client.get(f"{edge.url}/v1/projects/metrics-check", headers=public(fresh_ip()))
    response = await client.get(f"{edge.url}/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'gateway_requests_total{method="GET",route="/v1/projects/*",status="401"}' in text
    assert "gateway_request_duration_seconds_bucket{" in text
    assert (
        'gateway_rate_limit_decisions_total{backend="redis",decision="admitted",policy="default"}'
        in text
    )
    assert "gateway_rate_limit_redis_fallback 0.0" in text
    assert "metrics-check" not in text  # raw paths never become labels


async def test_sse_streams_unbuffered_through_every_layer(edge, signer, client, spec) -> None:
    token = signer.mint()
    arrivals: list[tuple[float, float]] = []
    async with client.stream(
        "GET",
        f"{edge.url}/v1/builds/b1/sse",
        headers={"Authorization": f"Bearer {token}", "Origin": ORIGIN},
    ) as response:
        assert response.status_code == 200
        buffer = ""
        async for text in response.aiter_text():
            buffer += text
            while "\n\n" in buffer:
                event, buffer = buffer.split("\n\n", 1)
                data = json.loads(event.split("data: ", 1)[1])
                arrivals.append((time.time(), data["sent_at"]))
    assert len(arrivals) == spec.sse_events
    for i, (arrived, _) in enumerate(arrivals[:-1]):
        # Each event is in the client's hands before the next one is even sent.
        assert arrived < arrivals[i + 1][1], f"event {i} held back"


def _urllib_post(url: str, body: bytes, headers: dict[str, str], chunked: bool) -> tuple[int, str]:
    """POST as Python's urllib does: the whole body is sent before the answer is read."""
    import urllib.error
    import urllib.request

    data: object = body
    if chunked:
        data = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # type: ignore[arg-type]  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("chunked", [False, True])
async def test_urllib_reads_the_413_instead_of_a_reset(edge, fresh_ip, chunked: bool) -> None:
    """A client that writes its whole (too big) body before reading gets the 413."""
    body = b"z" * (30 * LIMIT)  # 3 MB: far more than the socket buffers hold
    headers = {"X-Forwarded-For": fresh_ip(), "Content-Type": "application/octet-stream"}
    if not chunked:
        headers["Content-Length"] = str(len(body))
    status, text = await asyncio.to_thread(
        _urllib_post, edge.url + "/v1/auth/register", body, headers, chunked
    )
    assert status == 413
    assert json.loads(text)["status"] == 413


async def test_a_raw_client_that_writes_everything_first_reads_the_413(edge, fresh_ip) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", edge.port)
    body = b"z" * (30 * LIMIT)
    writer.write(
        f"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        f"X-Forwarded-For: {fresh_ip()}\r\n\r\n".encode()
    )
    writer.write(body)
    await writer.drain()  # all of it out before a single byte is read
    async with asyncio.timeout(15):  # no ConnectionResetError on the way
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        data = head + await reader.readexactly(length)
    writer.close()
    assert data.startswith(b"HTTP/1.1 413 ")
    assert b'"status": 413' in data or b'"status":413' in data
