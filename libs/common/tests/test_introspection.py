"""The API-key introspection client against a stand-in of auth's endpoint."""

from __future__ import annotations

import uuid

import httpx
import pytest
from launchforge_common.cache import Cache
from launchforge_common.introspection import (
    APIKeyIntrospector,
    AuthUnavailableError,
    key_fingerprint,
)
from launchforge_common.redis import RedisHealth
from launchforge_common.tokens import InvalidTokenError
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class FakeAuth:
    """Answers introspection from a dict of live keys and counts calls."""

    def __init__(self) -> None:
        self.live: dict[str, dict[str, object]] = {}
        self.calls = 0
        self.seen_internal_tokens: list[str | None] = []

    async def introspect(self, request: Request) -> JSONResponse:
        self.calls += 1
        self.seen_internal_tokens.append(request.headers.get("x-internal-token"))
        token = (await request.json())["token"]
        if token in self.live:
            return JSONResponse({"active": True, **self.live[token]})
        return JSONResponse({"active": False})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/internal/introspect", self.introspect, methods=["POST"])])


@pytest.fixture
def fake_auth() -> FakeAuth:
    return FakeAuth()


def introspector(fake: FakeAuth, redis: Redis | None, **kwargs: object) -> APIKeyIntrospector:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app()), base_url="http://a")
    cache = (
        Cache(redis, prefix=f"lf:test:{uuid.uuid4().hex[:8]}", health=RedisHealth(retry_after=0))
        if redis
        else None
    )
    return APIKeyIntrospector("http://a", http=http, cache=cache, **kwargs)  # type: ignore[arg-type]


async def test_live_key_resolves_and_is_cached(fake_auth: FakeAuth, redis_client: Redis) -> None:
    key = "lf_abcd1234_secretsecret"
    fake_auth.live[key] = {
        "sub": "u1",
        "plan": "pro",
        "roles": ["user"],
        "scopes": ["builds"],
        "key_id": "k1",
    }
    intro = introspector(fake_auth, redis_client, internal_token="s3cret")
    first = await intro.introspect(key)
    second = await intro.introspect(key)
    assert first.user_id == "u1"
    assert first.plan == "pro"
    assert first.api_key_id == "k1"
    assert first.scopes == ("builds",)
    assert second == first
    assert fake_auth.calls == 1, "second lookup served from Redis"
    assert fake_auth.seen_internal_tokens == ["s3cret"]
    stored = await redis_client.keys(f"*{key_fingerprint(key)}")
    assert stored, "cached under the key's hash"
    assert all(key.encode() not in k for k in stored)


async def test_inactive_and_non_api_keys_refused(fake_auth: FakeAuth) -> None:
    intro = introspector(fake_auth, None)
    with pytest.raises(InvalidTokenError):
        await intro.introspect("lf_unknown_key")
    with pytest.raises(InvalidTokenError):
        await intro.introspect("eyJhbGciOi.not.a.key")
    assert fake_auth.calls == 1


async def test_revocation_visible_once_cache_entry_expires(
    fake_auth: FakeAuth, redis_client: Redis
) -> None:
    key = "lf_rev0ke00_secret"
    fake_auth.live[key] = {"sub": "u2"}
    intro = introspector(fake_auth, redis_client, cache_ttl=0.2)
    assert (await intro.introspect(key)).user_id == "u2"
    del fake_auth.live[key]
    import asyncio

    await asyncio.sleep(0.3)
    with pytest.raises(InvalidTokenError):
        await intro.introspect(key)


async def test_auth_down_is_a_distinct_error() -> None:
    http = httpx.AsyncClient(timeout=0.5)
    intro = APIKeyIntrospector("http://127.0.0.1:1", http=http, cache=None)
    with pytest.raises(AuthUnavailableError):
        await intro.introspect("lf_any_key")
    await http.aclose()
