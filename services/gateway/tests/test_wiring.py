"""The middleware is handed what it needs, and fails closed without it.

The rate limiter used to find the gateway in the lifespan state and let
every request through when it was not there. These tests build the stack
in-process around a stand-in app that would answer 200, so a pass-through
would show; the limiter, when present, is the real one on the real Redis.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from launchforge_common.redis import RedisHealth
from launchforge_common.redis_pipeline import PipelinedRedis
from launchforge_gateway.app import create_app
from launchforge_gateway.authn import EdgeAuthenticator
from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.middleware import build_middleware_stack
from launchforge_gateway.ratelimit import RateLimiter
from starlette.types import Receive, Scope, Send

from .conftest import Upstream


@dataclass
class Resources:
    rate_limiter: RateLimiter | None = None
    authenticator: EdgeAuthenticator | None = None


class Inner:
    """Stands in for the gateway: answers 200 and counts the requests it got."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"inner"})


def _settings(**overrides: object) -> GatewaySettings:
    return GatewaySettings(
        environment="test",
        log_json=False,
        rate_limit_key_prefix=f"lf:rltest:{uuid.uuid4().hex[:12]}",
        **overrides,  # type: ignore[arg-type]
    )


async def _get(app: object, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
        return await http.get(path)


async def test_missing_rate_limiter_fails_closed() -> None:
    inner = Inner()
    app = build_middleware_stack(inner, _settings(), Resources())
    # A public path: only the limiter stands between the client and the app.
    response = await _get(app, "/v1/auth/login")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["status"] == 503
    assert inner.calls == 0


async def test_probes_and_disabled_limits_do_not_need_the_limiter() -> None:
    inner = Inner()
    app = build_middleware_stack(inner, _settings(), Resources())
    assert (await _get(app, "/livez")).status_code == 200
    unlimited = build_middleware_stack(inner, _settings(rate_limit_enabled=False), Resources())
    assert (await _get(unlimited, "/v1/auth/login")).status_code == 200
    assert inner.calls == 2


async def test_missing_authenticator_refuses_protected_routes() -> None:
    inner = Inner()
    settings = _settings(rate_limit_enabled=False)
    app = build_middleware_stack(inner, settings, Resources())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
        response = await http.get("/v1/projects", headers={"authorization": "Bearer x.y.z"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert inner.calls == 0


async def test_handed_limiter_limits_and_admits() -> None:
    settings = _settings(rate_limit_anonymous=2)
    redis = PipelinedRedis(settings.redis_url, connect_timeout=0.5, read_timeout=0.5)
    limiter = RateLimiter(
        redis, RedisHealth("redis", retry_after=1.0), key_prefix=settings.rate_limit_key_prefix
    )
    inner = Inner()
    app = build_middleware_stack(inner, settings, Resources(rate_limiter=limiter))
    try:
        statuses = [(await _get(app, "/v1/auth/login")) for _ in range(3)]
    finally:
        await redis.aclose()
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[0].headers["ratelimit-policy"].startswith('"default"')
    assert all(r.headers["ratelimit"] for r in statuses)
    assert inner.calls == 2


@pytest.mark.timeout(60)
async def test_gateway_wires_itself_and_refuses_after_shutdown(upstream: Upstream) -> None:
    settings = _settings(auth_url=upstream.url, core_url=upstream.url)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30):
        live = await _get(app, "/v1/auth/login")
    after = await _get(app, "/v1/auth/login")
    assert live.status_code == 200
    assert "ratelimit" in live.headers  # the limiter the gateway made at startup ran
    assert after.status_code == 503
    assert after.headers["content-type"] == "application/problem+json"
