"""RequestContextMiddleware's one send wrapper: ids, default headers, inner layers' headers."""

from __future__ import annotations

import httpx
from launchforge_common.middleware import RESPONSE_HEADERS, RequestContextMiddleware
from starlette.types import Receive, Scope, Send

DEFAULTS = [(b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer")]


async def inner(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["path"] == "/boom":
        raise RuntimeError("boom")
    if scope["path"] == "/limited":
        scope[RESPONSE_HEADERS] = [(b"ratelimit", b'"default";r=4;t=60')]
    headers = [(b"X-Request-ID", b"upstream-id")]
    if scope["path"] == "/own-policy":
        headers.append((b"Referrer-Policy", b"same-origin"))
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_one_wrapper_stamps_every_response() -> None:
    observed: list[tuple[str, int]] = []
    app = RequestContextMiddleware(
        inner,
        default_headers=DEFAULTS,
        observe=lambda scope, status, seconds: observed.append((scope["path"], status)),
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        plain = await http.get("/plain", headers={"x-request-id": "caller-id-123"})
        own = await http.get("/own-policy")
        limited = await http.get("/limited")
        boom = await http.get("/boom")

    assert plain.headers["x-request-id"] == "caller-id-123"  # the upstream's is replaced
    assert plain.headers.get_list("x-request-id") == ["caller-id-123"]
    assert plain.headers["x-frame-options"] == "DENY"
    assert "ratelimit" not in plain.headers
    # A header the app set wins over the default of that name, whatever its case.
    assert own.headers.get_list("referrer-policy") == ["same-origin"]
    assert limited.headers["ratelimit"] == '"default";r=4;t=60'
    # The 500 made from an escaped exception is stamped too.
    assert boom.status_code == 500
    assert boom.headers["x-frame-options"] == "DENY"
    assert boom.headers["x-request-id"]
    assert observed == [("/plain", 201), ("/own-policy", 201), ("/limited", 201), ("/boom", 500)]
