"""The web app (``webapp.py``) as plain ASGI against a temporary build directory."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from launchforge_gateway.webapp import (
    ASSET_CACHE,
    CONTENT_SECURITY_POLICY,
    WEB_DIST_ENV,
    WebApp,
    web_dist_dir,
    with_webapp,
)
from starlette.types import Message, Receive, Scope, Send

INDEX = (
    b"<!doctype html><html><head>"
    b'<script type="module" src="/assets/app-1a2b3c.js"></script>'
    b'</head><body><div id="app"></div></body></html>'
)
ASSET = b"console.log('launchforge');\n"
SECRET = b"root:x:0:0:secret\n"
HTML = {"accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for the gateway's routing: says it was reached, and where."""
    body = json.dumps({"fallback": scope["path"], "method": scope["method"]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-fallback", b"1")],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (root / "assets" / "app-1a2b3c.js").write_bytes(ASSET)
    (root / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    # A file next to the build that must never be reachable through it.
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "assets" / "link.txt").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
async def client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=WebApp(fallback, dist))
    async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as c:
        yield c


def assert_web_headers(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "x-fallback" not in response.headers


async def test_index_at_root_is_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert_web_headers(response)
    # ETag revalidation: an unchanged index answers 304 without a body.
    again = await client.get("/", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("path", ["/projects", "/projects/0b0e/x", "/builds/abc", "/login"])
async def test_client_routes_get_index(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["cache-control"] == "no-cache"
    assert_web_headers(response)


async def test_head_of_a_client_route(client: httpx.AsyncClient) -> None:
    response = await client.head("/settings", headers=HTML)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == len(INDEX)


async def test_hashed_asset_cached_for_a_year(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/app-1a2b3c.js")
    assert response.status_code == 200
    assert response.content == ASSET
    assert response.headers["cache-control"] == ASSET_CACHE
    assert "javascript" in response.headers["content-type"]
    assert_web_headers(response)


async def test_missing_asset_is_404_not_index(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/nope-123.js", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404
    assert INDEX not in response.content
    assert "immutable" not in response.headers["cache-control"]


async def test_asset_write_methods_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/assets/app-1a2b3c.js", content=b"x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


async def test_top_level_build_file(client: httpx.AsyncClient) -> None:
    response = await client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.content.startswith(b"<svg")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/projects",
        "/v1/auth/login",
        "/mcp",
        "/.well-known/jwks.json",
        "/internal/introspect",
        "/livez",
        "/readyz",
        "/metrics",
        "/preview/b1/t0k/",
    ],
)
async def test_api_paths_pass_through_even_for_html(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=HTML)
    assert response.json() == {"fallback": path, "method": "GET"}
    assert response.headers["x-fallback"] == "1"
    # API responses keep their own headers: the web app adds nothing.
    assert "content-security-policy" not in response.headers


async def test_non_html_unknown_path_and_writes_pass_through(client: httpx.AsyncClient) -> None:
    response = await client.get("/projects", headers={"accept": "application/json"})
    assert response.json()["fallback"] == "/projects"
    response = await client.post("/projects", headers=HTML, content=b"{}")
    assert response.json() == {"fallback": "/projects", "method": "POST"}


async def call(app: WebApp, path: str, raw_path: bytes | None = None) -> tuple[int, bytes]:
    """One raw ASGI request (no client-side URL normalisation)."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": raw_path if raw_path is not None else path.encode("latin-1"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"web.test"), (b"accept", b"text/html")],
        "client": ("127.0.0.1", 1234),
        "server": ("web.test", 80),
    }
    messages: list[Message] = []
    requested = False

    async def receive() -> Message:
        # The body once; after that, like a server, wait until the client leaves.
        nonlocal requested
        if requested:
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


@pytest.mark.parametrize(
    ("path", "raw_path"),
    [
        # As a server delivers them: the path percent-decoded, raw_path as sent.
        ("/assets/../../etc/passwd", b"/assets/../../etc/passwd"),
        ("/assets/../../etc/passwd", b"/assets/%2e%2e/%2e%2e/etc/passwd"),
        ("/assets/../../etc/passwd", b"/assets/..%2f..%2fetc%2fpasswd"),
        ("/assets/../../secret.txt", b"/assets/%2E%2E/%2E%2E/secret.txt"),
        ("/assets/..\\..\\secret.txt", b"/assets/..%5c..%5csecret.txt"),
        ("/assets//etc/passwd", b"/assets//etc/passwd"),
        ("/assets/%2e%2e/%2e%2e/secret.txt", b"/assets/%252e%252e/%252e%252e/secret.txt"),
        ("/assets/link.txt", b"/assets/link.txt"),
        ("/assets/\x00../secret.txt", b"/assets/%00../secret.txt"),
        ("/../secret.txt", b"/../secret.txt"),
        ("/./index.html/../../secret.txt", b"/./index.html/../../secret.txt"),
    ],
)
async def test_traversal_refused(dist: Path, path: str, raw_path: bytes) -> None:
    status, body = await call(WebApp(fallback, dist), path, raw_path)
    assert status == 404
    assert b"root:x" not in body
    assert SECRET not in body
    assert b"fallback" not in body


async def test_traversal_through_http_client(client: httpx.AsyncClient) -> None:
    for url in ("/assets/%2e%2e/%2e%2e/secret.txt", "/assets/..%2F..%2Fsecret.txt"):
        response = await client.get(url)
        assert response.status_code == 404
        assert SECRET not in response.content


def test_dist_directory_from_env(dist: Path, tmp_path: Path) -> None:
    assert web_dist_dir({WEB_DIST_ENV: str(dist)}) == dist
    # No build there: the web app is off.
    assert web_dist_dir({WEB_DIST_ENV: str(tmp_path / "missing")}) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    assert web_dist_dir({WEB_DIST_ENV: str(empty)}) is None


async def test_with_webapp_off_without_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WEB_DIST_ENV, str(tmp_path / "missing"))
    assert with_webapp(fallback) is fallback
    monkeypatch.setenv(WEB_DIST_ENV, str(tmp_path))
    (tmp_path / "index.html").write_bytes(INDEX)
    wrapped = with_webapp(fallback)
    assert isinstance(wrapped, WebApp)
    status, body = await call(wrapped, "/")
    assert (status, body) == (200, INDEX)
