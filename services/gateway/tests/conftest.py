"""Real servers for the gateway tests.

A raw-ASGI upstream runs under uvicorn in a thread of the test process (so
tests can look at what it received while a request is still in flight); each
gateway runs as a real ``python -m launchforge_gateway serve`` subprocess
pointed at it, and tests talk to it over HTTP with httpx (or a raw socket
where httpx would normalise the request line).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from launchforge_common.testing import PrivateRedis, free_port

SSE_EVENTS = 5
SSE_INTERVAL = 0.4  # seconds between events: 5 events outlast a 1 s read timeout
LARGE_CHUNK = 64 * 1024
LARGE_CHUNKS = 128  # 8 MiB
READ_TIMEOUT = 1.0  # the test gateways' upstream_read_timeout
MIB = 1024 * 1024
HUGE_MIB = 200  # the flat-memory transfers, both ways
HUGE_BLOCK = bytes(range(256)) * (MIB // 256)
RATE_LIMIT_PREFIX = f"lf:rltest:{uuid.uuid4().hex[:12]}"
# The proxy tests' gateways: no edge auth (they test the bare proxy), and a
# limit high enough never to trip.
BARE_PROXY = {"edge_auth_enabled": "false", "rate_limit_anonymous": "1000000"}


def large_body_chunks() -> Iterator[bytes]:
    """The deterministic pseudo-random body the upstream's /large serves."""
    rng = random.Random(1234)
    for _ in range(LARGE_CHUNKS):
        yield rng.randbytes(LARGE_CHUNK)


@dataclass
class UpstreamState:
    """What the upstream saw, shared with the tests (thread-safe enough: GIL)."""

    paths: list[str] = field(default_factory=list)
    progress: dict[str, int] = field(default_factory=dict)
    disconnected: set[str] = field(default_factory=set)
    completed: set[str] = field(default_factory=set)  # test ids whose whole body arrived
    jwks: dict[str, Any] = field(default_factory=dict)
    jwks_fetches: int = 0
    # API key -> introspection answer (auth's contract in launchforge_common.introspection).
    api_keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    introspections: int = 0  # how many times the gateway asked


def make_upstream_app(state: UpstreamState) -> Any:
    async def json_response(send: Any, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

    async def wait_disconnect(receive: Any) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"]]
        test_id = dict(headers).get("x-test-id", "")
        if path != "/internal/introspect":  # the gateway asking auth, not a forwarded request
            state.paths.append(path)

        if path == "/readyz":
            checks = {"database": {"status": "ok"}, "redis": {"status": "ok"}}
            await json_response(send, {"status": "ok", "checks": checks})
        elif path == "/.well-known/jwks.json":
            # The key set, plus the usual echo fields (for the routing tests).
            state.jwks_fetches += 1
            await json_response(
                send, {**state.jwks, "method": scope["method"], "path": path, "headers": headers}
            )
        elif path == "/internal/introspect":
            state.introspections += 1
            message = await receive()
            token = json.loads(message.get("body", b"{}") or b"{}").get("token", "")
            await json_response(send, state.api_keys.get(token, {"active": False}))
        elif path.endswith("/sse"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")],
                }
            )
            for i in range(SSE_EVENTS):
                if i:
                    await asyncio.sleep(SSE_INTERVAL)
                event = json.dumps({"i": i, "sent_at": time.time()})
                chunk = f"id: {i}\ndata: {event}\n\n".encode()
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        elif path.endswith("/sse-forever"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")],
                }
            )
            watcher = asyncio.create_task(wait_disconnect(receive))
            deadline = time.monotonic() + 60
            while not watcher.done() and time.monotonic() < deadline:
                chunk = b"data: tick\n\n"
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await asyncio.sleep(0.1)
            if watcher.done():
                state.disconnected.add(test_id)
            else:
                watcher.cancel()
                await send({"type": "http.response.body", "body": b""})
        elif path.endswith("/large"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")],
                }
            )
            for chunk in large_body_chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        elif path.endswith("/huge"):
            # HUGE_MIB MiB of one repeated block: cheap to serve, far bigger
            # than any buffer the gateway may keep.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/octet-stream"),
                        (b"content-length", str(HUGE_MIB * MIB).encode()),
                    ],
                }
            )
            for _ in range(HUGE_MIB):
                await send({"type": "http.response.body", "body": HUGE_BLOCK, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        elif path.endswith("/hang"):
            await wait_disconnect(receive)
            state.disconnected.add(test_id)
        elif path.endswith("/hop"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"connection", b"X-Upstream-Hop"),
                        (b"x-upstream-hop", b"secret"),
                        (b"keep-alive", b"timeout=5"),
                        (b"proxy-authenticate", b'Basic realm="upstream"'),
                        (b"trailer", b"X-Checksum"),
                        (b"upgrade", b"h2c"),
                        (b"x-end-to-end", b"kept"),
                        (b"x-request-id", b"upstream-chose-this"),
                        (b"content-length", b"2"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b"ok"})
        elif path.endswith("/gzip"):
            data = gzip.compress(b"hello " * 1000)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-encoding", b"gzip"),
                        (b"content-type", b"text/plain"),
                        (b"content-length", str(len(data)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": data})
        elif path.endswith("/set-cookie"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"set-cookie", b"sid=secret-session; Path=/")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        elif path.endswith("/redirect"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [
                        (b"location", b"/v1/projects/elsewhere"),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        else:
            digest = hashlib.sha256()
            size = 0
            messages = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                if chunk:
                    messages += 1
                    size += len(chunk)
                    digest.update(chunk)
                    state.progress[test_id] = size
                if not message.get("more_body", False):
                    break
            if test_id:
                state.completed.add(test_id)
            await json_response(
                send,
                {
                    "method": scope["method"],
                    "path": path,
                    "raw_path": scope["raw_path"].decode("latin-1"),
                    "query_string": scope["query_string"].decode("latin-1"),
                    "headers": headers,
                    "client": scope["client"][0],
                    "body_len": size,
                    "body_sha256": digest.hexdigest(),
                    "body_messages": messages,
                },
            )

    return app


@dataclass
class Upstream:
    url: str
    state: UpstreamState


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    state = UpstreamState()
    port = free_port()
    config = uvicorn.Config(
        make_upstream_app(state),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("upstream did not start")
        time.sleep(0.02)
    yield Upstream(url=f"http://127.0.0.1:{port}", state=state)
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Gateway:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


GatewayFactory = Callable[..., list[Gateway]]


@pytest.fixture(scope="session")
def start_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayFactory]:
    """Start ``launchforge-gateway serve`` subprocesses configured by env vars."""
    started: list[Gateway] = []

    def launch(extra_env: dict[str, str] | None = None, **settings: str) -> Gateway:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
        env.update(
            {
                "GATEWAY_PORT": str(port),
                "GATEWAY_UPSTREAM_READ_TIMEOUT": str(READ_TIMEOUT),
                "GATEWAY_SHUTDOWN_TIMEOUT": "2",
                "GATEWAY_LOG_JSON": "false",
                "GATEWAY_ENVIRONMENT": "test",
                # This run's own rate-limit buckets in the shared Redis.
                "GATEWAY_RATE_LIMIT_KEY_PREFIX": RATE_LIMIT_PREFIX,
            }
        )
        env.update({f"GATEWAY_{k.upper()}": v for k, v in settings.items()})
        env.update(extra_env or {})
        log = tmp_path_factory.mktemp("gateway") / "gateway.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "launchforge_gateway", "serve"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        gateway = Gateway(url=f"http://127.0.0.1:{port}", port=port, process=process, log=log)
        started.append(gateway)
        return gateway

    def wait_ready(gateway: Gateway) -> Gateway:
        # Generous: several gateways import at once on 2 shared cores.
        deadline = time.monotonic() + 120
        while True:
            if gateway.process.poll() is not None:
                raise RuntimeError(f"gateway exited:\n{gateway.log.read_text()}")
            try:
                if httpx.get(f"{gateway.url}/livez", timeout=1).status_code == 200:
                    return gateway
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not start:\n{gateway.log.read_text()}")
            time.sleep(0.1)

    def start(*configs: dict[str, Any]) -> list[Gateway]:
        """Launch all first (imports are slow), then wait for each."""
        launched = [launch(**config) for config in configs]
        return [wait_ready(gateway) for gateway in launched]

    yield start
    for gateway in started:
        gateway.process.terminate()
    for gateway in started:
        try:
            gateway.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            gateway.process.kill()
            gateway.process.wait()


@pytest.fixture(scope="session")
def gateways(start_gateway: GatewayFactory, upstream: Upstream) -> dict[str, Gateway]:
    """The test gateways, started together.

    - ``default``: both upstreams served by the test upstream, no trusted proxies;
    - ``trusted``: the same, trusting loopback peers (127.0.0.0/8) as proxies;
    - ``core_down``: auth up, core pointing at a port nobody listens on;
    - ``redis_down``: REDIS_URL (shared, unprefixed) pointing at a closed port;
    - ``bulk``: request bodies up to 256 MiB (the flat-memory upload).
    """
    both = {"auth_url": upstream.url, "core_url": upstream.url, **BARE_PROXY}
    names = ["default", "trusted", "core_down", "redis_down", "bulk"]
    started = start_gateway(
        both,
        {**both, "trusted_proxies": "127.0.0.0/8"},
        {"auth_url": upstream.url, "core_url": f"http://127.0.0.1:{free_port()}", **BARE_PROXY},
        {**both, "extra_env": {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}},
        # 200 MiB through a test upstream that hashes it: on a loaded 2-core machine that
        # can take longer than the suite's short read timeout (what these tests measure
        # is the gateway's memory, not its timeouts)
        {**both, "max_body_size": str(256 * MIB), "upstream_read_timeout": "120"},
    )
    return dict(zip(names, started, strict=True))


@pytest.fixture(scope="session")
def gateway(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["default"]


@pytest.fixture(scope="session")
def bulk_gateway(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["bulk"]


@pytest.fixture(scope="session")
def trusted_gateway(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["trusted"]


@pytest.fixture(scope="session")
def core_down_gateway(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["core_down"]


@pytest.fixture(scope="session")
def redis_down_gateway(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["redis_down"]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=20) as http:
        yield http


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


RawRequest = Callable[..., Any]


@pytest.fixture
def raw_request() -> RawRequest:
    """Send a request line exactly as written (httpx would normalise it)."""

    async def send(
        port: int, target: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> RawResponse:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=20)
        writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parsed = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            parsed[name.strip().lower()] = value.strip()
        if parsed.get("transfer-encoding") == "chunked":
            decoded = b""
            while True:
                size_line, _, body = body.partition(b"\r\n")
                size = int(size_line, 16)
                if size == 0:
                    break
                decoded += body[:size]
                body = body[size + 2 :]
            body = decoded
        return RawResponse(int(status_line.split()[1]), parsed, body)

    return send


@dataclass(frozen=True)
class Spec:
    """The upstream's fixed behaviour, for tests to compare against."""

    sse_events: int = SSE_EVENTS
    sse_interval: float = SSE_INTERVAL
    read_timeout: float = READ_TIMEOUT
    large_len: int = LARGE_CHUNK * LARGE_CHUNKS
    large_sha256: str = field(
        default_factory=lambda: hashlib.sha256(b"".join(large_body_chunks())).hexdigest()
    )
    # /huge: huge_block repeated huge_blocks times (the flat-memory transfers).
    huge_block: bytes = HUGE_BLOCK
    huge_blocks: int = HUGE_MIB

    @property
    def huge_len(self) -> int:
        return len(self.huge_block) * self.huge_blocks

    @property
    def huge_sha256(self) -> str:
        digest = hashlib.sha256()
        for _ in range(self.huge_blocks):
            digest.update(self.huge_block)
        return digest.hexdigest()


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec()


# --- tokens: an Ed25519 key published as the stand-in auth's JWKS ---


@dataclass
class Signer:
    """Mints access tokens like auth does (EdDSA, kid, iss/aud/exp/sub/plan)."""

    key: Any
    kid: str
    issuer: str = "launchforge-auth"
    audience: str = "launchforge"

    def jwk(self) -> dict[str, Any]:
        from jwt.algorithms import OKPAlgorithm

        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "EdDSA"}

    def mint(
        self, sub: str | None = None, *, key: Any = None, kid: str | None = None, **claims: Any
    ) -> str:
        import jwt

        now = int(time.time())
        payload = {
            "sub": sub or uuid.uuid4().hex,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + 600,
            "plan": "free",
            **claims,
        }
        headers = {"kid": kid or self.kid}
        return jwt.encode(payload, key or self.key, algorithm="EdDSA", headers=headers)


@pytest.fixture(scope="session")
def signer(upstream: Upstream) -> Signer:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signer = Signer(key=Ed25519PrivateKey.generate(), kid="test-key-1")
    upstream.state.jwks = {"keys": [signer.jwk()]}
    return signer


# --- a private Redis each outage test may stop and start at will ---


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    with PrivateRedis(directory=tmp_path_factory.mktemp("redis")) as server:
        yield server


# --- the edge gateways (edge auth, rate limits, CORS, size limits on) ---

ORIGIN = "https://app.example"


@pytest.fixture(scope="session")
def edge_gateways(
    start_gateway: GatewayFactory, upstream: Upstream, signer: Signer, private_redis: PrivateRedis
) -> dict[str, Gateway]:
    """Gateways with the edge rules on, started together.

    - ``edge``: trusts loopback peers as proxies (so each test picks its own
      client IP with X-Forwarded-For and gets its own buckets), CORS for
      ``ORIGIN``, plan limits free=3/pro=6, API keys 4, anonymous 50,
      bodies 100 kB (1 MB under /v1/projects/big/*);
    - ``pair_a``/``pair_b``: no trusted proxies, no edge auth, anonymous 5/min, a
      ``burst`` route 20/min, sharing one Redis: the concurrency pair;
    - ``outage``: on the private Redis (stopped and restarted by a test);
    - ``closed``: Redis unreachable and configured to fail closed;
    - ``auth_down``: auth (JWKS, introspection) unreachable.
    """
    both = {"auth_url": upstream.url, "core_url": upstream.url}
    pair = {
        **both,
        "edge_auth_enabled": "false",
        "rate_limit_anonymous": "5",
        "rate_limit_routes": json.dumps(
            [{"name": "burst", "path": "/v1/projects/burst", "limit": 20, "window": 60}]
        ),
    }
    names = ["edge", "pair_a", "pair_b", "outage", "closed", "auth_down"]
    started = start_gateway(
        {
            **both,
            "trusted_proxies": "127.0.0.0/8",
            "cors_origins": ORIGIN,
            "rate_limit_anonymous": "50",
            "rate_limit_plans": json.dumps({"free": 3, "pro": 6}),
            "rate_limit_api_key": "4",
            "rate_limit_key_lookups": "5",
            "max_body_size": "100000",
            "body_size_routes": json.dumps([{"path": "/v1/projects/big/*", "limit": 1_000_000}]),
            "jwks_min_refetch_interval": "30",
        },
        pair,
        pair,
        {
            **both,
            "edge_auth_enabled": "false",
            "rate_limit_anonymous": "1000",
            "redis_retry_after": "0.2",
            "extra_env": {"REDIS_URL": private_redis.url},
        },
        {
            **both,
            "rate_limit_redis_down": "closed",
            "extra_env": {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"},
        },
        {"auth_url": f"http://127.0.0.1:{free_port()}", "core_url": upstream.url},
    )
    return dict(zip(names, started, strict=True))


@pytest.fixture(scope="session")
def edge(edge_gateways: dict[str, Gateway]) -> Gateway:
    return edge_gateways["edge"]


@pytest.fixture
def fresh_ip() -> Callable[[], str]:
    """Fresh client addresses from 2001:db8::/32, each in a /64 (a bucket) of its own."""

    def make() -> str:
        return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"

    return make
