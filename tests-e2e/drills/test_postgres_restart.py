"""Drill: core's PostgreSQL restarted under a steady load of writes and reads.

Core's database lives on a private cluster (auth stays on the shared one), so
the restart touches nothing else. While the database is down, core answers
503 problem+json quickly (connection refused, or the pool timeout at worst:
never a hang, never a 500) and its ``/readyz`` says 503; once the database is
back, the pool reconnects by itself (pre-ping), and core answers again within
5 s without a restart. No committed write is lost: every project the client
was told was created (201) is in the database, and a row the client was not
told about may exist only where the client saw an error (a commit whose
answer was lost with the connection).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from drill_kit import (
    GENEROUS_RATE_LIMITS,
    PrivatePostgres,
    SteadyLoad,
    record_result,
    register_and_login,
    wait_until,
)
from e2e_platform import launch_platform
from sqlalchemy.engine import make_url

OUTAGE_S = 5.0
WARMUP_S = 3.0
AFTER_S = 3.0
RECOVERY_LIMIT_S = 5.0
POOL_TIMEOUT_S = 2.0
CONNECT_TIMEOUT_S = 2.0
# A failed request may wait for a pool slot and then a connection attempt,
# never more; the margin covers a loaded 2-core machine.
FAIL_FAST_LIMIT_S = POOL_TIMEOUT_S + CONNECT_TIMEOUT_S + 3.0


@pytest.mark.timeout(360)
async def test_core_database_restart_under_load(log_dir: Path) -> None:
    overrides = {
        **GENEROUS_RATE_LIMITS,
        "CORE_DB_POOL_TIMEOUT": str(POOL_TIMEOUT_S),
        "CORE_DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT_S),
    }
    async with (
        PrivatePostgres() as pg,
        launch_platform(
            log_dir, core_database_url=pg.url, overrides=overrides, with_worker=False
        ) as plat,
        httpx.AsyncClient(base_url=plat.gateway_url, timeout=15) as gw,
    ):
        _, user = await register_and_login(gw)
        numbers = itertools.count()
        answered: dict[str, set[str]] = {"created": set(), "error": set()}

        async def create(c: httpx.AsyncClient) -> httpx.Response:
            name = f"drill-{next(numbers)}"
            try:
                response = await c.post("/v1/projects", json={"name": name}, headers=user)
            except httpx.HTTPError:
                answered["error"].add(name)
                raise
            answered["created" if response.status_code == 201 else "error"].add(name)
            return response

        async def list_projects(c: httpx.AsyncClient) -> httpx.Response:
            return await c.get("/v1/projects", params={"limit": 5}, headers=user)

        async def core_ready() -> bool:
            return (await gw.get(f"{plat.core_url}/readyz")).status_code == 200

        async def core_not_ready() -> bool:
            response = await gw.get(f"{plat.core_url}/readyz")
            return response.status_code == 503 and (
                response.json()["checks"]["database"]["status"] == "fail"
            )

        async def core_answers() -> bool:
            return (await list_projects(gw)).status_code == 200

        load = SteadyLoad(
            plat.gateway_url,
            {"create": create, "list": list_projects},
            concurrency=4,
            max_requests=20_000,
            max_seconds=120,
        )
        async with load:
            await asyncio.sleep(WARMUP_S)
            assert load.statuses("create")["201"] > 0, load.statuses()

            pg.stop()
            down_at = time.monotonic()
            await wait_until(core_not_ready, within=OUTAGE_S)
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))

            pg.start()
            up_at = time.monotonic()
            recovered_s = await wait_until(core_answers, within=30)
            await wait_until(core_ready, within=30)
            await asyncio.sleep(AFTER_S)

        failures = load.failures()
        outage = load.select(since=down_at, until=up_at)
        # Clients were never left hanging or cut off: every request got an answer.
        assert all(s.status is not None for s in load.samples), load.statuses()
        # Every failure is core's fast 503 problem+json (no 500, 502 or 504).
        assert {s.status for s in failures} <= {503}, [(s.outcome, s.body) for s in failures]
        assert all(s.content_type == "application/problem+json" for s in failures)
        slowest_failure = max((s.latency for s in failures), default=0.0)
        assert slowest_failure < FAIL_FAST_LIMIT_S, slowest_failure
        # The outage was real and seen by the load, and it ended.
        assert any(s.status == 503 for s in outage), load.statuses()
        assert recovered_s < RECOVERY_LIMIT_S, recovered_s
        # Once core answered again it stayed up (a request started a moment
        # before may still have waited on the dead pool, hence the second).
        settled = load.select(since=up_at + recovered_s + 1.0)
        assert settled, "no load after the recovery"
        assert not [s for s in settled if s.failed], load.statuses()

        database = make_url(plat.env["CORE_DATABASE_URL"]).database
        conn = await asyncpg.connect(
            host="127.0.0.1", port=pg.port, user="postgres", database=database
        )
        try:
            rows = {r["name"] for r in await conn.fetch("SELECT name FROM projects")}
        finally:
            await conn.close()
        lost = answered["created"] - rows
        unacknowledged = rows - answered["created"]
        assert not lost, f"{len(lost)} writes answered 201 are missing: {sorted(lost)[:10]}"
        assert unacknowledged <= answered["error"], sorted(unacknowledged - answered["error"])

        record_result(
            "postgres-restart",
            {
                **load.summary(),
                "outage_s": OUTAGE_S,
                "faults_survived": 1,
                "outage_503": sum(1 for s in failures if s.status == 503),
                "slowest_503_s": round(slowest_failure, 3),
                "recovery_s": round(recovered_s, 2),
                "writes_acknowledged": len(answered["created"]),
                "rows_in_database": len(rows),
                "writes_lost": len(lost),
                "rows_committed_but_answered_error": len(unacknowledged),
                "requests_lost": len(lost),
            },
        )
