"""Drill: Redis stopped for 10 s under steady load, then started again.

Every service shares one Redis (``REDIS_URL``); here it is a private
``redis-server`` so stopping it touches nothing else. Redis is an accelerator
in LaunchForge, never a dependency a request waits on, so while it is down:

- the gateway's rate limiting falls back to its in-process limiter (the
  ``gateway_rate_limit_redis_fallback`` gauge turns 1, responses still carry
  ``RateLimit`` headers) and goes back to Redis once it answers (the gauge
  turns 0 and the fresh, empty Redis runs the GCRA script again);
- the caches (API-key introspection in gateway and core, project reads in
  core) are bypassed, and refill after the restart;
- the clients see no 5xx and no error at all: every request answers 200.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from drill_kit import (
    GENEROUS_RATE_LIMITS,
    PASSWORD,
    PrivateRedis,
    SteadyLoad,
    bearer,
    metric,
    record_result,
    register_and_login,
    wait_until,
)
from e2e_platform import launch_platform

OUTAGE_S = 10.0
WARMUP_S = 3.0
AFTER_S = 3.0
# Redis is probed again at most every REDIS_RETRY_AFTER (1 s) after a failure.
RETURN_WITHIN_S = 15.0
FALLBACK = "gateway_rate_limit_redis_fallback"


@pytest.mark.timeout(360)
async def test_redis_outage_under_load(log_dir: Path) -> None:
    with PrivateRedis(log_dir=log_dir) as redis:
        async with (
            launch_platform(
                log_dir, redis_url=redis.url, overrides=GENEROUS_RATE_LIMITS, with_worker=False
            ) as plat,
            httpx.AsyncClient(base_url=plat.gateway_url, timeout=15) as gw,
        ):
            email, user = await register_and_login(gw)
            created = await gw.post(
                "/v1/auth/api-keys",
                json={"name": "drill", "scopes": ["projects:read"]},
                headers=user,
            )
            assert created.status_code == 201, created.text
            api_key = bearer(created.json()["key"])
            project = await gw.post("/v1/projects", json={"name": "drill"}, headers=user)
            assert project.status_code == 201, project.text
            project_id = project.json()["id"]

            async def list_projects(c: httpx.AsyncClient) -> httpx.Response:
                return await c.get("/v1/projects", headers=user)

            async def read_project(c: httpx.AsyncClient) -> httpx.Response:
                # Core's project cache.
                return await c.get(f"/v1/projects/{project_id}", headers=user)

            async def list_with_api_key(c: httpx.AsyncClient) -> httpx.Response:
                # Introspection, cached in the gateway and in core.
                return await c.get("/v1/projects", headers=api_key)

            async def me_with_api_key(c: httpx.AsyncClient) -> httpx.Response:
                return await c.get("/v1/auth/me", headers=api_key)

            async def anonymous_jwks(c: httpx.AsyncClient) -> httpx.Response:
                # Anonymous: rate limited per IP.
                return await c.get("/.well-known/jwks.json")

            async def login(c: httpx.AsyncClient) -> httpx.Response:
                # Auth's login throttle keeps its counters in Redis.
                return await c.post("/v1/auth/login", json={"email": email, "password": PASSWORD})

            load = SteadyLoad(
                plat.gateway_url,
                {
                    "list": list_projects,
                    "read": read_project,
                    "list-key": list_with_api_key,
                    "me-key": me_with_api_key,
                    "anonymous": anonymous_jwks,
                    "login": login,
                },
                concurrency=4,
                max_requests=30_000,
                max_seconds=120,
            )
            async with load:
                await asyncio.sleep(WARMUP_S)
                assert await metric(gw, FALLBACK) == 0
                # GCRA runs as a script in Redis (its buckets expire within ms at
                # these limits, so the script's calls are the evidence).
                assert redis.calls("evalsha") > 0, "rate limiting does not use Redis"
                assert redis.keys("lf:gateway:apikey:*"), "the gateway does not cache introspection"

                redis.stop()
                down_at = time.monotonic()

                async def falls_back() -> bool:
                    return await metric(gw, FALLBACK) == 1

                fallback_after = await wait_until(falls_back, within=OUTAGE_S)
                # Limited responses still carry the headers, from the local limiter.
                during = await gw.get("/v1/projects", headers=user)
                assert during.status_code == 200, during.text
                assert "ratelimit" in during.headers
                # Degraded, not unready: every replica shares this Redis, so
                # failing readiness on it would take them all out of service.
                ready = await gw.get("/readyz")
                assert ready.status_code == 200, ready.text
                assert ready.json()["status"] == "degraded"
                assert ready.json()["checks"]["redis"]["status"] == "fail"
                readyz_during = ready.status_code
                local_before = await metric(
                    gw, "gateway_rate_limit_decisions_total", backend="local"
                )
                await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
                local_decisions = (
                    await metric(gw, "gateway_rate_limit_decisions_total", backend="local")
                    - local_before
                )

                redis.start()
                up_at = time.monotonic()

                async def back_on_redis() -> bool:
                    # Redis restarted empty: any script call is made after the restart.
                    return await metric(gw, FALLBACK) == 0 and redis.calls("evalsha") > 0

                async def caches_refilled() -> bool:
                    # Redis restarted empty: any entry is written after the restart.
                    return bool(redis.keys("lf:gateway:apikey:*")) and bool(redis.keys("lf:core:*"))

                rate_limit_back_s = await wait_until(back_on_redis, within=RETURN_WITHIN_S)
                cache_back_s = await wait_until(caches_refilled, within=RETURN_WITHIN_S)
                await asyncio.sleep(AFTER_S)

            during_outage = load.select(since=down_at, until=up_at)
            assert not load.failures(), [
                (s.kind, s.outcome, s.body[:200]) for s in load.failures()[:10]
            ]
            assert load.count_5xx() == 0
            assert set(load.statuses()) == {"200"}, load.statuses()
            # The outage really happened under load, for every kind of request.
            assert {s.kind for s in during_outage} == {s.kind for s in load.samples}
            assert local_decisions > 0
            assert "available again" in plat.logs("gateway")

            record_result(
                "redis-outage",
                {
                    **load.summary(),
                    "outage_s": OUTAGE_S,
                    "requests_during_outage": len(during_outage),
                    "faults_survived": 1,
                    "requests_lost": len(load.failures()),
                    "fallback_after_s": round(fallback_after, 2),
                    "local_rate_limit_decisions": int(local_decisions),
                    "rate_limit_back_on_redis_s": round(rate_limit_back_s, 2),
                    "caches_refilled_s": round(cache_back_s, 2),
                    "gateway_readyz_during_outage": readyz_during,
                },
            )
