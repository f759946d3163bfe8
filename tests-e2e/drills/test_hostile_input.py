"""Hostile input, written by hand: each gets a clean 4xx and leaves no trace elsewhere.

Against the real processes of the session platform: a gateway of its own
(``hostile_gateway``, same code, started with settings this drill needs: a
3 s body deadline, a tight per-IP limit on one route, a trusted proxy on
127.0.0.2) and, where the service's own defence is the point, core directly.

Two users, Alice and Bob. Alice owns a project, a finished build (its files
and events), an API key, a provider key and a session; Bob is the attacker.
Before and after every test Alice's whole view of her account is read and
compared: no hostile input may change (or reveal) anything of hers.

Every refusal must be a 4xx ``application/problem+json``, including the ones
written before any app runs (unparseable requests, oversize or slow
headers: ``launchforge_common.http_protocol``). Raw sockets send what HTTP
clients refuse to (CR/LF in a header, unencoded ``../`` in a path).

The count of hostile requests sent is recorded for the README table.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from drill_kit import GENEROUS_RATE_LIMITS, PASSWORD, record_result
from e2e_platform import REFRESH_REUSE_GRACE_SECONDS, Platform

# The first test also waits for the session platform (up to 180 s on a loaded
# machine), this drill's gateway and Alice's build: beyond the default timeout.
pytestmark = pytest.mark.timeout(600)

MiB = 1024 * 1024
MAX_BODY = 10 * MiB  # the gateway's default GATEWAY_MAX_BODY_SIZE
BODY_TIMEOUT_S = 3.0  # this drill's GATEWAY_BODY_TIMEOUT
HEADER_TIMEOUT_S = 10.0  # launchforge_common.http_protocol's default
XFF_LIMIT = 5  # GET /.well-known/jwks.json per client IP per minute, on the drill's gateway
TRUSTED_PROXY = "127.0.0.2"  # the drill gateway's only trusted proxy (Linux routes all of 127/8)
BUILD_WITHIN_S = 240.0

INPUTS: Counter[str] = Counter()


def tried(kind: str, n: int = 1) -> None:
    INPUTS[kind] += n


# --- raw HTTP/1.1 over a socket ------------------------------------------------


@dataclass
class Answer:
    """One parsed response (``status`` 0 when the server closed without answering)."""

    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float

    def problem(self) -> dict[str, Any]:
        """The problem+json body, asserting the answer is a clean 4xx."""
        assert 400 <= self.status < 500, (self.status, self.body[:300])
        assert self.headers.get("content-type") == "application/problem+json", self.headers
        problem: dict[str, Any] = json.loads(self.body)
        assert problem["status"] == self.status
        return problem


def _complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
        if name.strip().lower() == b"transfer-encoding":
            return body.endswith(b"0\r\n\r\n")
    return False


def _parse(data: bytes, elapsed: float) -> Answer:
    if not data:
        return Answer(0, {}, b"", elapsed)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        decoded, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2 :]
        body = decoded
    return Answer(int(lines[0].split()[1]), headers, body, elapsed)


async def raw(
    port: int,
    pieces: Iterable[bytes],
    *,
    pause: float = 0.0,
    within: float = 30.0,
    local_address: str | None = None,
) -> Answer:
    """Send ``pieces`` (``pause`` s apart) until the server answers; read its answer.

    Sending stops as soon as an answer starts (a server may refuse before
    reading everything); ``within`` bounds the whole exchange.
    """
    started = time.monotonic()
    local = (local_address, 0) if local_address else None
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=local)
    data = b""

    async def read() -> None:
        nonlocal data
        with contextlib.suppress(ConnectionError):
            while not _complete(data) and (more := await reader.read(65536)):
                data += more

    reading = asyncio.create_task(read())
    try:
        async with asyncio.timeout(within):
            for piece in pieces:
                if reading.done():
                    break
                try:
                    writer.write(piece)
                    await writer.drain()
                except ConnectionError:
                    break
                if pause:
                    await asyncio.sleep(pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reading, max(0.1, within - (time.monotonic() - started)))
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        writer.close()
    return _parse(data, time.monotonic() - started)


def request(
    method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """An HTTP/1.1 request, byte for byte as written (no normalisation)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body and not any(
        k.lower() in ("content-length", "transfer-encoding") for k in headers or {}
    ):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# --- the cast ------------------------------------------------------------------


@dataclass
class User:
    email: str
    id: str
    access: str
    refresh: str
    session_id: str = ""
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


@dataclass
class World:
    gateway_url: str
    gateway_port: int
    auth_url: str
    core_url: str
    core_port: int
    alice: User
    bob: User


@pytest.fixture(scope="module")
def hostile_gateway(platform: Platform) -> Iterator[str]:
    """A gateway process on the platform with the settings this drill needs."""
    xff_route = {
        "name": "xff-drill",
        "path": "/.well-known/jwks.json",
        "method": "GET",
        "limit": XFF_LIMIT,
        "window": 60,
        "by": "ip",
    }
    env = {
        **GENEROUS_RATE_LIMITS,
        "GATEWAY_RATE_LIMIT_ROUTES": json.dumps([xff_route]),
        "GATEWAY_TRUSTED_PROXIES": f"{TRUSTED_PROXY}/32",
        "GATEWAY_BODY_TIMEOUT": str(BODY_TIMEOUT_S),
        "GATEWAY_RATE_LIMIT_KEY_PREFIX": f"lf:rl:hostile:{uuid.uuid4().hex[:12]}",
    }
    with platform.extra_gateway("hostile", env) as url:
        yield url


async def sign_up(gw: httpx.AsyncClient, email: str | None = None) -> User:
    email = email or f"hostile-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": PASSWORD}
    registered = await gw.post("/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    login = await gw.post("/v1/auth/login", json=body)
    assert login.status_code == 200, login.text
    pair = login.json()
    user = User(
        email=registered.json()["email"],
        id=registered.json()["id"],
        access=pair["access_token"],
        refresh=pair["refresh_token"],
    )
    sessions = (await gw.get("/v1/auth/sessions", headers=user.headers)).json()
    user.session_id = next(s["id"] for s in sessions if s["current"])
    return user


async def finished_build(gw: httpx.AsyncClient, user: User, project_id: str, idea: str) -> str:
    created = await gw.post(
        f"/v1/projects/{project_id}/builds", json={"idea": idea}, headers=user.headers
    )
    assert created.status_code == 202, created.text
    build_id: str = created.json()["id"]
    deadline = time.monotonic() + BUILD_WITHIN_S
    while (await gw.get(f"/v1/builds/{build_id}", headers=user.headers)).json()["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, "the build never finished"
        await asyncio.sleep(0.5)
    return build_id


@pytest.fixture(scope="module")
async def world(platform: Platform, hostile_gateway: str) -> World:
    async with httpx.AsyncClient(base_url=hostile_gateway, timeout=30) as gw:
        alice, bob = await sign_up(gw), await sign_up(gw)
        project = await gw.post(
            "/v1/projects",
            json={"name": "Alice's secret plans", "description": "only for Alice"},
            headers=alice.headers,
        )
        assert project.status_code == 201, project.text
        alice.ids["project"] = project.json()["id"]
        alice.ids["build"] = await finished_build(
            gw, alice, alice.ids["project"], "A diary app where I keep private notes"
        )
        key = await gw.post(
            "/v1/auth/api-keys", json={"name": "alice-key", "scopes": []}, headers=alice.headers
        )
        assert key.status_code == 201, key.text
        alice.ids["api_key"] = key.json()["id"]
        stored = await gw.put(
            "/v1/provider-keys/openai",
            json={"api_key": "sk-alice-secret-1234"},
            headers=alice.headers,
        )
        assert stored.status_code == 200, stored.text
        bob_key = await gw.post(
            "/v1/auth/api-keys", json={"name": "bob-key", "scopes": ["*"]}, headers=bob.headers
        )
        assert bob_key.status_code == 201, bob_key.text
        bob.ids["api_key_secret"] = bob_key.json()["key"]
    return World(
        gateway_url=hostile_gateway,
        gateway_port=int(hostile_gateway.rsplit(":", 1)[1]),
        auth_url=platform.auth_url,
        core_url=platform.core_url,
        core_port=int(platform.core_url.rsplit(":", 1)[1]),
        alice=alice,
        bob=bob,
    )


@pytest.fixture
async def gw(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=world.gateway_url, timeout=30) as client:
        yield client


def _without(items: Any, *volatile: str) -> Any:
    if isinstance(items, list):
        return [{k: v for k, v in item.items() if k not in volatile} for item in items]
    return {k: v for k, v in items.items() if k not in volatile}


async def alice_view(world: World) -> dict[str, Any]:
    """Everything Alice can see of her account (volatile timestamps left out)."""
    alice, pid, bid = world.alice, world.alice.ids["project"], world.alice.ids["build"]
    async with httpx.AsyncClient(base_url=world.gateway_url, timeout=30) as gw:

        async def get(path: str) -> Any:
            response = await gw.get(path, headers=alice.headers)
            assert response.status_code == 200, (path, response.status_code, response.text)
            if response.headers["content-type"].startswith("application/json"):
                return response.json()
            return hashlib.sha256(response.content).hexdigest()

        return {
            "me": await get("/v1/auth/me"),
            "projects": await get("/v1/projects"),
            "project": await get(f"/v1/projects/{pid}"),
            "builds": await get(f"/v1/projects/{pid}/builds"),
            "build": await get(f"/v1/builds/{bid}"),
            "files": await get(f"/v1/builds/{bid}/files"),
            "readme": await get(f"/v1/builds/{bid}/files/README.md"),
            "download": await get(f"/v1/builds/{bid}/download"),
            "usage": await get("/v1/usage"),
            "api_keys": _without(await get("/v1/auth/api-keys"), "last_used_at"),
            "provider_keys": await get("/v1/provider-keys"),
            "sessions": _without(await get("/v1/auth/sessions"), "last_used_at"),
        }


@pytest.fixture(autouse=True)
async def alice_unchanged(world: World) -> AsyncIterator[None]:
    """Alice's account reads the same before and after every hostile test."""
    before = await alice_view(world)
    yield
    assert await alice_view(world) == before


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    if INPUTS:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(INPUTS.items()))
        record_result(
            "hostile-input",
            {"inputs": sum(INPUTS.values()), "by_kind": dict(INPUTS), "notes": kinds},
        )


# --- oversize and slow bodies ----------------------------------------------------


def _chunked(total: int, chunk: int = MiB) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"%x\r\n%s\r\n" % (chunk, b"[" * chunk)
        sent += chunk
    yield b"0\r\n\r\n"


@pytest.mark.parametrize("target", ["/v1/projects", "/v1/auth/register"])
@pytest.mark.parametrize("framing", ["declared", "chunked"])
async def test_oversize_bodies_are_413(world: World, target: str, framing: str) -> None:
    """Declared too big: refused before a byte is read; chunked: cut at the limit."""
    headers = {**world.alice.headers, "Content-Type": "application/json"}
    if framing == "declared":
        head = request("POST", target, {**headers, "Content-Length": str(MAX_BODY + 1)})
        answer = await raw(world.gateway_port, [head], within=30)
    else:
        head = request("POST", target, {**headers, "Transfer-Encoding": "chunked"})
        answer = await raw(world.gateway_port, [head, *_chunked(MAX_BODY + 2 * MiB)], within=60)
    tried("oversize body")
    assert answer.status == 413, answer
    answer.problem()


@pytest.mark.parametrize(
    ("framing", "pieces"),
    [
        # A byte every 0.25 s of a declared 100-byte body: would take 25 s.
        ("trickle", [b"{"] + [b" "] * 99),
        # Half the body, then nothing.
        ("stall", [b'{"name": "half'] + [b""] * 60),
        ("chunked-trickle", [b"1\r\n \r\n"] * 100),
    ],
)
async def test_slow_bodies_get_408_within_the_body_timeout(
    world: World, framing: str, pieces: list[bytes]
) -> None:
    length = (
        {"Transfer-Encoding": "chunked"}
        if framing.startswith("chunked")
        else {"Content-Length": "100"}
    )
    head = request(
        "POST",
        "/v1/projects",
        {**world.alice.headers, "Content-Type": "application/json", **length},
    )
    answer = await raw(world.gateway_port, [head, *pieces], pause=0.25, within=30)
    tried("slow body")
    assert answer.status == 408, answer
    answer.problem()
    assert answer.elapsed < BODY_TIMEOUT_S + 10


async def test_slow_and_idle_headers_are_cut_within_the_header_timeout(world: World) -> None:
    """Slowloris on the headers (and a connection that says nothing) is closed in time."""
    trickle = request("GET", "/v1/projects", {**world.alice.headers, "X-Slow": "x" * 60})
    slow, idle = await asyncio.gather(
        raw(world.gateway_port, [bytes([b]) for b in trickle], pause=0.5, within=60),
        raw(world.gateway_port, [], within=60),
    )
    tried("slow headers", 2)
    assert slow.status == 408, slow
    slow.problem()
    assert slow.elapsed < HEADER_TIMEOUT_S + 15
    assert idle.status == 0, "nothing is answered to a connection that sent nothing"
    assert idle.elapsed < HEADER_TIMEOUT_S + 15


# --- malformed bodies --------------------------------------------------------------

# (JSON in UTF-16/32 or behind a UTF-8 BOM is decoded, as RFC 8259 allows: not malformed.)
MALFORMED_BODIES: dict[str, bytes] = {
    "truncated": b'{"name": ',
    "not-json": b"name=x&description=y",
    "trailing-comma": b'{"name": "x",}',
    "single-quotes": b"{'name': 'x'}",
    "array": b'["name", "x"]',
    "null": b"null",
    "empty": b"",
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "deep-object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "invalid-utf8": b'{"name": "\xff\xfe\xfd"}',
    "overlong-utf8": b'{"name": "\xc0\xaf"}',
    "nul-escape": b'{"name": "a\\u0000b", "description": "c\\u0000d"}',
    "lone-surrogate": b'{"name": "a\\ud800b"}',
    "huge-number": b'{"name": 1e999999}',
    "nan": b'{"name": NaN}',
    "huge-string": b'{"name": "' + b"x" * (2 * MiB) + b'"}',
    "many-keys": b"{" + b",".join(b'"k%d": %d' % (i, i) for i in range(50_000)) + b"}",
}
# Routes taking JSON bodies (method, path template), called with Alice's token.
BODY_ROUTES = [
    ("POST", "/v1/projects"),
    ("PATCH", "/v1/projects/{project}"),
    ("POST", "/v1/projects/{project}/builds"),
    ("PUT", "/v1/provider-keys/openai"),
    ("POST", "/v1/auth/register"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/api-keys"),
    ("POST", "/v1/auth/password/change"),
]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=[f"{m} {p}" for m, p in BODY_ROUTES])
async def test_malformed_json_is_a_clean_4xx(
    world: World, gw: httpx.AsyncClient, method: str, path: str
) -> None:
    url = path.format(**world.alice.ids)
    for name, body in MALFORMED_BODIES.items():
        response = await gw.request(
            method,
            url,
            content=body,
            headers={**world.alice.headers, "Content-Type": "application/json"},
        )
        tried("malformed json")
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:300])
        assert response.headers["content-type"] == "application/problem+json", name
        # Never the input echoed back (it may be a password).
        assert b"\xff\xfe" not in response.content
        assert len(response.content) < 10_000, name


async def test_invalid_utf8_outside_the_body(world: World) -> None:
    """Undecodable bytes in the path, the query, a header: 4xx, never a 5xx."""
    auth = {**world.alice.headers}
    cases = [
        request("GET", "/v1/projects/%FF%FE", auth),
        request("GET", "/v1/projects?cursor=%FF%FE%00", auth),
        request("GET", "/v1/projects?limit=%C0%AF", auth),
        request("GET", "/v1/builds/\xff\xfe/files/README.md", auth),
        request("GET", "/v1/projects", {"Authorization": "Bearer \xff\xfe\xfd"}),
    ]
    for case in cases:
        answer = await raw(world.gateway_port, [case])
        tried("invalid utf-8")
        answer.problem()
    # In a header that is only echoed: replaced, the request itself is fine.
    answer = await raw(
        world.gateway_port, [request("GET", "/v1/projects", {**auth, "X-Request-ID": "\xff\xfe"})]
    )
    tried("invalid utf-8")
    assert answer.status == 200, answer
    assert answer.headers["x-request-id"].isascii()


# --- header injection, long headers and paths -------------------------------------------


@pytest.mark.parametrize(
    "injected",
    [
        b"X-Note: a\r\nSet-Cookie: injected=1",  # a header smuggled into a value, CRLF kept
        b"X-Note: a\rSet-Cookie: injected=1",
        b"X-Note: a\nSet-Cookie: injected=1",
        b"X-Note: a\x00b",
        b"X Note: spaces in the name",
        b"X-Note : space before the colon",
        b"X-Note: a\r\n folded: continuation",
        b"Content-Length: 0\r\nContent-Length: 5",
        b"Transfer-Encoding: chunked\r\nContent-Length: 5",
    ],
    ids=["crlf", "cr", "lf", "nul", "name-space", "colon-space", "obs-fold", "dup-cl", "te-cl"],
)
async def test_header_injection_is_refused(world: World, injected: bytes) -> None:
    head = request(
        "POST", "/v1/projects", {**world.alice.headers, "Content-Type": "application/json"}
    )
    body = b'{"name": "smuggled"}'
    wire = head[:-2] + injected + b"\r\n\r\n" + body
    answer = await raw(world.gateway_port, [wire])
    tried("header injection")
    answer.problem()
    assert "set-cookie" not in answer.headers
    assert "injected" not in json.dumps(answer.headers)


async def test_request_line_injection_and_request_id_are_contained(world: World) -> None:
    smuggled = request("GET", "/v1/projects?x=1\r\nX-Injected: 1", world.alice.headers)
    answer = await raw(world.gateway_port, [smuggled])
    tried("header injection")
    answer.problem()
    # A hostile X-Request-ID is replaced, never echoed into headers or logs.
    for hostile in ("<script>alert(1)</script>", "a" * 500, "id with spaces", "x;rm -rf"):
        wire = request("GET", "/v1/projects", {**world.alice.headers, "X-Request-ID": hostile})
        answer = await raw(world.gateway_port, [wire])
        tried("header injection")
        assert answer.status == 200, answer
        assert answer.headers["x-request-id"] != hostile
        assert len(answer.headers["x-request-id"]) <= 128


LONG_REQUESTS = {
    "one 1 MiB header": (request("GET", "/v1/projects", {"X-Big": "a" * MiB}), 431),
    "20000 headers": (
        request("GET", "/v1/projects", {f"X-H{i}": "v" for i in range(20_000)}),
        431,
    ),
    "a 100 KiB path": (request("GET", "/v1/projects/" + "a" * (100 * 1024)), 431),
    "a 1 MiB query": (request("GET", "/v1/projects?cursor=" + "a" * MiB), 431),
    # Under the header limit: the route's own validation refuses them.
    "an 8 KiB path segment": (request("GET", "/v1/projects/" + "a" * 8192), None),
    "a 60 KiB cursor": (request("GET", "/v1/projects?cursor=" + "a" * 60_000), None),
}


@pytest.mark.parametrize("kind", list(LONG_REQUESTS))
async def test_long_headers_and_paths_are_refused(world: World, kind: str) -> None:
    wire, status = LONG_REQUESTS[kind]
    head, sep, rest = wire.partition(b"\r\n\r\n")
    authed = head + b"\r\n" + f"Authorization: Bearer {world.alice.access}".encode() + sep + rest
    answer = await raw(world.gateway_port, [authed], within=30)
    tried("long headers/paths")
    answer.problem()
    if status is not None:
        assert answer.status == status, (kind, answer)


# --- path traversal on the artifact file endpoints ----------------------------------------

TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%252e%252e%252fetc%252fpasswd",
    "..%5c..%5cwindows%5cwin.ini",
    "..\\..\\etc\\passwd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "//etc/passwd",
    "app/../../../etc/passwd",
    "app/./../README.md",
    "./README.md",
    "README.md%00.png",
    "README.md/..",
    "C:/Windows/win.ini",
    "file:///etc/passwd",
    "~/.ssh/id_rsa",
    "../" * 300 + "etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
]


@pytest.mark.parametrize("via", ["gateway", "core"])
async def test_path_traversal_in_artifact_paths(world: World, via: str) -> None:
    """Only paths of the build's own file index are ever served."""
    port = world.gateway_port if via == "gateway" else world.core_port
    bid = world.alice.ids["build"]
    control = await raw(
        port, [request("GET", f"/v1/builds/{bid}/files/README.md", world.alice.headers)]
    )
    assert control.status == 200, control
    for path in TRAVERSALS:
        answer = await raw(
            port, [request("GET", f"/v1/builds/{bid}/files/{path}", world.alice.headers)]
        )
        tried("path traversal")
        answer.problem()
        assert answer.status in (400, 404), (path, answer)
        assert b"root:" not in answer.body
        assert control.body not in answer.body, path


# --- SQL metacharacters in every string field --------------------------------------------

SQL_PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE projects; --",
    '" OR ""="',
    "1; DELETE FROM builds WHERE '1'='1",
    "Robert'); DROP TABLE users;--",
    "' UNION SELECT password_hash, email FROM users --",
    "$$; SELECT pg_sleep(10); $$",
    "%' AND 1=0 UNION SELECT NULL --",
    "\\'; --",
    "' || (SELECT current_user) || '",
    "/* */ OR /**/ 1=1",
]


async def test_sql_metacharacters_are_stored_and_echoed_verbatim(
    world: World, gw: httpx.AsyncClient
) -> None:
    bob = world.bob.headers
    for payload in SQL_PAYLOADS:
        created = await gw.post(
            "/v1/projects", json={"name": payload, "description": payload}, headers=bob
        )
        tried("sql metacharacters", 2)
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        assert (created.json()["name"], created.json()["description"]) == (payload, payload)
        renamed = await gw.patch(
            f"/v1/projects/{pid}",
            json={"name": payload[::-1], "description": payload[::-1]},
            headers=bob,
        )
        tried("sql metacharacters", 2)
        assert renamed.status_code == 200, renamed.text
        read = (await gw.get(f"/v1/projects/{pid}", headers=bob)).json()
        assert (read["name"], read["description"]) == (payload[::-1], payload[::-1])

        key = await gw.post("/v1/auth/api-keys", json={"name": payload}, headers=bob)
        tried("sql metacharacters")
        assert key.status_code == 201, key.text
        assert key.json()["name"] == payload
        revoked = await gw.delete(f"/v1/auth/api-keys/{key.json()['id']}", headers=bob)
        assert revoked.status_code == 204

        for params in ({"cursor": payload}, {"limit": payload}):
            listed = await gw.get("/v1/projects", params=params, headers=bob)
            tried("sql metacharacters")
            assert listed.status_code in (400, 422), listed.text
            assert listed.headers["content-type"] == "application/problem+json"
        admin_search = await gw.get("/v1/auth/admin/users", params={"email": payload}, headers=bob)
        tried("sql metacharacters")
        assert admin_search.status_code == 403

        stored = await gw.put(
            "/v1/provider-keys/groq", json={"api_key": "k" + payload.replace(" ", "")}, headers=bob
        )
        tried("sql metacharacters")
        assert stored.status_code in (200, 422), stored.text
        if stored.status_code == 200:
            assert stored.json()["last4"] == ("k" + payload.replace(" ", ""))[-4:]

    # Every project Bob made is there, with its text, and nothing else of anyone's.
    names: list[str] = []
    cursor: str | None = None
    while True:
        page = (
            await gw.get("/v1/projects", params={"cursor": cursor} if cursor else {}, headers=bob)
        ).json()
        names += [p["name"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(names) == sorted(p[::-1] for p in SQL_PAYLOADS)

    # One build, its free-text fields full of metacharacters.
    project = await gw.post("/v1/projects", json={"name": "sql build"}, headers=bob)
    idea = "A shop'; DROP TABLE builds; -- with ' OR 1=1 customers"
    build = await gw.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": idea, "target_users": SQL_PAYLOADS[1], "features": SQL_PAYLOADS[:3]},
        headers=bob,
    )
    tried("sql metacharacters", 5)
    assert build.status_code == 202, build.text
    echoed = (await gw.get(f"/v1/builds/{build.json()['id']}", headers=bob)).json()
    assert (echoed["idea"], echoed["target_users"]) == (idea, SQL_PAYLOADS[1])
    assert echoed["features"] == SQL_PAYLOADS[:3]


@pytest.mark.parametrize(
    "local",
    ["x'or'1'='1", "o'brien--", "a'/**/or/**/'1", "%'+union+select", "x=1;--"],
)
async def test_sql_metacharacters_in_emails(gw: httpx.AsyncClient, local: str) -> None:
    email = f"{local}.{uuid.uuid4().hex[:6]}@example.com"
    registered = await gw.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    tried("sql metacharacters")
    if registered.status_code == 422:  # not a valid address: refused, fine
        assert registered.headers["content-type"] == "application/problem+json"
        return
    assert registered.status_code == 201, registered.text
    assert registered.json()["email"] == email.lower()
    login = await gw.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = await gw.get(
        "/v1/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    assert me.json()["email"] == email.lower()
    wrong = await gw.post("/v1/auth/login", json={"email": email, "password": "' OR '1'='1"})
    tried("sql metacharacters")
    assert wrong.status_code == 401


# --- forged and tampered tokens -------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join(
        (_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(signature))
    )


def forged_tokens(alice: User, bob: User, jwks: dict[str, Any]) -> dict[str, str]:
    """Bearer values an attacker might try, by name."""
    header = jwt.get_unverified_header(alice.access)
    claims = jwt.decode(alice.access, options={"verify_signature": False})
    head_b64, _, sig_b64 = alice.access.split(".")
    as_bob = {**claims, "sub": bob.id}
    public = jwks["keys"][0]
    own_key = Ed25519PrivateKey.generate()
    long_lived = {**claims, "exp": int(time.time()) + 10 * 365 * 86400, "plan": "enterprise"}
    return {
        "alg-none": _forge({"alg": "none", "typ": "JWT"}, claims),
        "alg-none-caps": _forge({"alg": "NONE", "typ": "JWT", "kid": header["kid"]}, claims),
        "hs256-with-public-key": jwt.encode(
            claims,
            base64.urlsafe_b64decode(public["x"] + "=="),
            algorithm="HS256",
            headers={"kid": header["kid"]},
        ),
        "signature-stripped": f"{head_b64}.{alice.access.split('.')[1]}.",
        "payload-swapped-to-bob": f"{head_b64}.{_b64(json.dumps(as_bob).encode())}.{sig_b64}",
        "payload-extended": f"{head_b64}.{_b64(json.dumps(long_lived).encode())}.{sig_b64}",
        "signature-flipped": alice.access[:-4]
        + ("AAAA" if not alice.access.endswith("AAAA") else "BBBB"),
        "own-key-real-kid": jwt.encode(
            claims, own_key, algorithm="EdDSA", headers={"kid": header["kid"]}
        ),
        "own-key-jwk-embedded": jwt.encode(
            claims,
            own_key,
            algorithm="EdDSA",
            headers={"kid": "attacker", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}},
        ),
        "jku-to-attacker": jwt.encode(
            claims,
            own_key,
            algorithm="EdDSA",
            headers={"kid": "k", "jku": "http://127.0.0.1:9/jwks.json"},
        ),
        "kid-traversal": _forge({"alg": "EdDSA", "kid": "../../../../dev/null"}, claims, b"x"),
        "kid-sql": _forge({"alg": "EdDSA", "kid": "' OR '1'='1"}, claims, b"x"),
        "expired": _forge({**header}, {**claims, "exp": 1}, b"x" * 64),
        "refresh-token-as-access": alice.refresh,
        "fake-api-key": "lf_" + "A" * 40,
        "api-key-bob-tampered": bob.ids["api_key_secret"][:-3] + "zzz",
        "garbage": "not.a.jwt",
        "empty-segments": "..",
        "huge": "a" * 16_000,
        "unicode": "ʇɐʞǝu.ʇoʞǝu.ʇoʞǝu",
    }


TOKEN_ROUTES = ["/v1/projects", "/v1/auth/me", "/v1/usage", "/v1/auth/api-keys"]


async def test_forged_and_tampered_tokens_are_401(world: World, gw: httpx.AsyncClient) -> None:
    # Straight from auth: the gateway's JWKS route is the rate-limit drill's.
    async with httpx.AsyncClient(timeout=30) as auth:
        jwks = (await auth.get(f"{world.auth_url}/.well-known/jwks.json")).json()
    tokens = forged_tokens(world.alice, world.bob, jwks)
    schemes = ["Bearer {}", "bearer  {}", "Basic {}", "Bearer {} extra", "Token {}"]
    async with httpx.AsyncClient(base_url=world.core_url, timeout=30) as core:
        for name, token in tokens.items():
            for path in TOKEN_ROUTES:
                response = await gw.get(
                    path, headers={b"Authorization": b"Bearer " + token.encode()}
                )
                tried("forged token")
                assert response.status_code == 401, (name, path, response.text)
                assert response.headers["content-type"] == "application/problem+json"
                assert "www-authenticate" in response.headers
            # core checks tokens itself, the gateway's check notwithstanding.
            direct = await core.get(
                "/v1/projects", headers={b"Authorization": b"Bearer " + token.encode()}
            )
            tried("forged token")
            assert direct.status_code == 401, (name, direct.text)
        for scheme in schemes:
            value = scheme.format("x" + world.alice.access[1:])  # tampered first byte
            response = await gw.get("/v1/projects", headers={"Authorization": value})
            tried("forged token")
            assert response.status_code == 401, (scheme, response.text)


async def test_replayed_refresh_tokens_revoke_the_family(gw: httpx.AsyncClient) -> None:
    carol = await sign_up(gw)
    first = carol.refresh
    tampered = first[:-2] + ("AA" if not first.endswith("AA") else "BB")
    bad = await gw.post("/v1/auth/refresh", json={"refresh_token": tampered})
    tried("replayed refresh token")
    assert bad.status_code == 401
    rotated = await gw.post("/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200, rotated.text
    current = rotated.json()["refresh_token"]
    # The spent token comes back (stolen) after the grace window: refused, and the
    # whole family with it.
    await asyncio.sleep(REFRESH_REUSE_GRACE_SECONDS + 0.5)
    replay = await gw.post("/v1/auth/refresh", json={"refresh_token": first})
    tried("replayed refresh token")
    assert replay.status_code == 401
    assert replay.headers["content-type"] == "application/problem+json"
    victim = await gw.post("/v1/auth/refresh", json={"refresh_token": current})
    tried("replayed refresh token")
    assert victim.status_code == 401
    # Concurrent replays of one fresh token within the window all stay in its one
    # session; a replay after the window ends every pair they got.
    dave = await sign_up(gw)
    answers = await asyncio.gather(
        *(gw.post("/v1/auth/refresh", json={"refresh_token": dave.refresh}) for _ in range(5))
    )
    tried("replayed refresh token", 5)
    assert all(a.status_code in (200, 401) for a in answers), [a.status_code for a in answers]
    pairs = [a.json() for a in answers if a.status_code == 200]
    assert pairs
    sids = {
        jwt.decode(p["access_token"], options={"verify_signature": False})["sid"] for p in pairs
    }
    assert sids == {dave.session_id}
    await asyncio.sleep(REFRESH_REUSE_GRACE_SECONDS + 0.5)
    late = await gw.post("/v1/auth/refresh", json={"refresh_token": dave.refresh})
    tried("replayed refresh token")
    assert late.status_code == 401
    for pair in pairs:
        ended = await gw.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        tried("replayed refresh token")
        assert ended.status_code == 401


# --- IDOR: Bob with Alice's ids on every route ---------------------------------------------


def idor_requests(alice: User) -> list[tuple[str, str, dict[str, Any] | None]]:
    pid, bid = alice.ids["project"], alice.ids["build"]
    return [
        ("GET", f"/v1/projects/{pid}", None),
        ("PATCH", f"/v1/projects/{pid}", {"name": "pwned", "description": "by Bob"}),
        ("DELETE", f"/v1/projects/{pid}", None),
        ("GET", f"/v1/projects/{pid}/builds", None),
        ("POST", f"/v1/projects/{pid}/builds", {"idea": "Bob builds on Alice's project"}),
        ("GET", f"/v1/builds/{bid}", None),
        ("POST", f"/v1/builds/{bid}/cancel", None),
        ("POST", f"/v1/builds/{bid}/retry", None),
        ("GET", f"/v1/builds/{bid}/events", None),
        ("GET", f"/v1/builds/{bid}/events?after=0", None),
        ("GET", f"/v1/builds/{bid}/download", None),
        ("GET", f"/v1/builds/{bid}/files", None),
        ("GET", f"/v1/builds/{bid}/files/README.md", None),
        ("GET", f"/v1/projects/{pid}/versions", None),
        ("GET", f"/v1/projects/{pid}/versions/1", None),
        ("GET", f"/v1/projects/{pid}/versions/1/download", None),
        ("POST", f"/v1/projects/{pid}/versions/1/restore", None),
        ("GET", f"/v1/projects/{pid}/diff?from={bid}&to={bid}", None),
        ("GET", f"/v1/projects/{pid}/diff?from_version=1&to_version=1", None),
        ("DELETE", f"/v1/auth/api-keys/{alice.ids['api_key']}", None),
        ("DELETE", f"/v1/auth/sessions/{alice.session_id}", None),
        ("DELETE", "/v1/provider-keys/openai", None),  # per user: Bob has none of his own
    ]


@pytest.mark.parametrize("credential", ["access-token", "api-key"])
async def test_another_users_ids_are_404_on_every_route(
    world: World, gw: httpx.AsyncClient, credential: str
) -> None:
    bob = (
        world.bob.headers
        if credential == "access-token"
        else {"Authorization": f"Bearer {world.bob.ids['api_key_secret']}"}
    )
    strip = {"request_id"}
    for method, path, body in idor_requests(world.alice):
        if credential == "api-key" and path.startswith("/v1/auth/"):
            continue  # sessions and API keys need a signed-in session: 403 for any key
        response = await gw.request(method, path, json=body, headers=bob)
        tried("idor")
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        # Indistinguishable from an id that does not exist at all.
        missing = path.replace(world.alice.ids["project"], str(uuid.uuid4()))
        missing = missing.replace(world.alice.ids["build"], str(uuid.uuid4()))
        missing = missing.replace(world.alice.ids["api_key"], str(uuid.uuid4()))
        missing = missing.replace(world.alice.session_id, str(uuid.uuid4()))
        if missing != path:
            other = await gw.request(method, missing, json=body, headers=bob)
            assert {k: v for k, v in other.json().items() if k not in strip} == {
                k: v for k, v in response.json().items() if k not in strip
            }, path
    admin = await gw.patch(
        f"/v1/auth/admin/users/{world.alice.id}", json={"disabled": True}, headers=bob
    )
    tried("idor")
    assert admin.status_code == 403
    listed = (await gw.get("/v1/projects", headers=bob)).json()["items"]
    assert world.alice.ids["project"] not in [p["id"] for p in listed]


# --- spoofed X-Forwarded-For ---------------------------------------------------------


async def _hit_limited_route(
    world: World, headers: Sequence[dict[str, str]], *, local_address: str | None = None
) -> list[httpx.Response]:
    transport = httpx.AsyncHTTPTransport(local_address=local_address) if local_address else None
    async with httpx.AsyncClient(
        base_url=world.gateway_url, timeout=30, transport=transport
    ) as client:
        return [await client.get("/.well-known/jwks.json", headers=h) for h in headers]


async def test_spoofed_forwarding_headers_do_not_pick_the_rate_limit_bucket(
    world: World,
) -> None:
    spoofs = [
        {"X-Forwarded-For": f"198.51.100.{i}"}
        if i % 3 == 0
        else {"Forwarded": f"for=198.51.100.{i}"}
        if i % 3 == 1
        else {"X-Real-IP": f"198.51.100.{i}", "X-Forwarded-For": f"10.0.0.{i}, 198.51.100.{i}"}
        for i in range(3 * XFF_LIMIT)
    ]
    # A direct client (untrusted peer 127.0.0.1): its headers change nothing.
    direct = await _hit_limited_route(world, spoofs)
    tried("spoofed x-forwarded-for", len(spoofs))
    admitted = [r for r in direct if r.status_code == 200]
    refused = [r for r in direct if r.status_code == 429]
    assert len(admitted) + len(refused) == len(direct), [r.status_code for r in direct]
    assert len(admitted) <= XFF_LIMIT + 1, "spoofed addresses got buckets of their own"
    assert refused, "the per-IP limit never applied"
    assert refused[0].headers["content-type"] == "application/problem+json"
    assert "retry-after" in refused[0].headers

    # Behind the trusted proxy (127.0.0.2), the client is the rightmost untrusted
    # hop: whatever the client prepends, its bucket stays the same.
    behind = [{"X-Forwarded-For": f"203.0.113.{i}, 192.0.2.77"} for i in range(3 * XFF_LIMIT)]
    proxied = await _hit_limited_route(world, behind, local_address=TRUSTED_PROXY)
    tried("spoofed x-forwarded-for", len(behind))
    assert sum(r.status_code == 200 for r in proxied) <= XFF_LIMIT + 1
    assert any(r.status_code == 429 for r in proxied)
    # ...while another real client behind that proxy has a bucket of its own.
    other = await _hit_limited_route(
        world, [{"X-Forwarded-For": "192.0.2.78"}], local_address=TRUSTED_PROXY
    )
    assert other[0].status_code == 200
