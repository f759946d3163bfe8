"""Drill: an upstream that hangs, under steady load on it and on the others.

The gateway is restarted with core's URL pointing at a server that accepts
connections and never answers (auth stays real). Requests routed to core must
get 504 problem+json once the gateway's read timeout passes, never hang
longer, and never tie up the routes of other upstreams: auth routes served
meanwhile all answer 200. ``/readyz`` still answers within its own check
limit, names core as the failing check and stays 200 (``degraded``). Once the clients are gone, the
gateway has let go of every connection to the stuck upstream.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from drill_kit import (
    GENEROUS_RATE_LIMITS,
    HangingServer,
    SteadyLoad,
    metric,
    record_result,
    register_and_login,
    wait_until,
)
from e2e_platform import launch_platform

READ_TIMEOUT_S = 2.0
READINESS_TIMEOUT_S = 1.0
LOAD_S = 8.0
# Scheduling delays on a loaded 2-core machine, on top of the timeout itself.
MARGIN_S = 3.0


@pytest.mark.timeout(360)
async def test_hanging_upstream_gets_504_and_other_routes_keep_serving(log_dir: Path) -> None:
    async with (
        HangingServer() as hanging,
        launch_platform(log_dir, overrides=GENEROUS_RATE_LIMITS, with_worker=False) as plat,
        httpx.AsyncClient(base_url=plat.gateway_url, timeout=30) as gw,
    ):
        _, user = await register_and_login(gw)

        plat.stop("gateway")
        plat.start(
            "gateway",
            env={
                "GATEWAY_CORE_URL": hanging.url,
                "GATEWAY_UPSTREAM_READ_TIMEOUT": str(READ_TIMEOUT_S),
                "GATEWAY_READINESS_TIMEOUT": str(READINESS_TIMEOUT_S),
            },
        )

        async def gateway_up() -> bool:
            assert plat.processes["gateway"].poll() is None, plat.logs("gateway")[-2000:]
            try:
                return (await gw.get("/livez")).status_code == 200
            except httpx.TransportError:
                return False

        await wait_until(gateway_up, within=120, interval=0.3)

        async def list_projects(c: httpx.AsyncClient) -> httpx.Response:
            return await c.get("/v1/projects", headers=user)

        async def create_project(c: httpx.AsyncClient) -> httpx.Response:
            return await c.post("/v1/projects", json={"name": "stuck"}, headers=user)

        async def me(c: httpx.AsyncClient) -> httpx.Response:
            return await c.get("/v1/auth/me", headers=user)

        async def jwks(c: httpx.AsyncClient) -> httpx.Response:
            return await c.get("/.well-known/jwks.json")

        stuck = SteadyLoad(
            plat.gateway_url,
            {"list": list_projects, "create": create_project},
            concurrency=4,
            max_requests=2_000,
            max_seconds=60,
        )
        healthy = SteadyLoad(
            plat.gateway_url,
            {"me": me, "jwks": jwks},
            concurrency=4,
            max_requests=20_000,
            max_seconds=60,
        )
        async with stuck, healthy:
            await asyncio.sleep(LOAD_S / 2)
            started = time.monotonic()
            ready = await gw.get("/readyz")
            readyz_s = time.monotonic() - started
            await asyncio.sleep(LOAD_S / 2)
        timeouts = await metric(
            gw, "gateway_upstream_errors_total", upstream="core", kind="timeout"
        )

        # Every request to the stuck upstream: 504 problem+json, after the
        # read timeout and not much later.
        assert stuck.total > 0
        assert set(stuck.statuses()) == {"504"}, stuck.statuses()
        assert {s.content_type for s in stuck.samples} == {"application/problem+json"}
        latencies = [s.latency for s in stuck.samples]
        assert min(latencies) >= READ_TIMEOUT_S * 0.9, min(latencies)
        assert max(latencies) < READ_TIMEOUT_S + MARGIN_S, max(latencies)
        assert timeouts == stuck.total

        # Meanwhile every other route answered, without a single failure.
        assert healthy.total > stuck.total
        assert set(healthy.statuses()) == {"200"}, healthy.statuses()

        # Readiness does not hang on the stuck upstream either, and the gateway
        # stays ready (degraded): it still serves every other upstream.
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["core"] == {"status": "fail", "reason": "timeout"}
        assert ready.json()["checks"]["auth"]["status"] == "ok"
        assert readyz_s < READINESS_TIMEOUT_S + MARGIN_S, readyz_s

        # Timed-out upstream connections are closed, not pooled or leaked.
        async def released() -> bool:
            return hanging.open_connections == 0

        await wait_until(released, within=15)

        record_result(
            "hanging-upstream",
            {
                "requests": stuck.total + healthy.total,
                "seconds": round(max(stuck.duration, healthy.duration), 2),
                "req_per_s": round((stuck.total + healthy.total) / healthy.duration, 1),
                "concurrency": stuck.concurrency + healthy.concurrency,
                "faults_survived": 1,
                "hanging_requests_504": stuck.total,
                "slowest_504_s": round(max(latencies), 3),
                "read_timeout_s": READ_TIMEOUT_S,
                "other_routes_served": healthy.total,
                "other_routes_failed": len(healthy.failures()),
                "requests_lost": len(healthy.failures()),
                "readyz_s": round(readyz_s, 3),
                "upstream_connections_accepted": hanging.accepted,
            },
        )
