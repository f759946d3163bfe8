"""Drill: the core worker SIGKILLed mid-build, a new one started.

A SIGKILL gives the worker no chance to hand its builds back: they stay
``running`` under a lease nobody renews. The queue (see
``launchforge_core/repositories/queue.py``) makes that safe: once the lease
expires another worker re-claims the build with ``attempt + 1``, and every
write is fenced by the attempt, so a build still ends exactly once. The
drill checks it end to end with real processes:

- several builds are queued; the worker is killed while it runs some of them
  (after their pipeline has started) and a new worker is started, which is
  killed the same way in turn; a third one is left to finish;
- every build reaches a terminal state, within a bound, and none is left
  ``queued`` or ``running``;
- each build has exactly one terminal event (in the table and on the SSE
  stream, whose ids stay gap-free), one artifact, one "build finished" line
  across the workers' logs, and an attempt counter that agrees with its
  events: the killed builds were re-run (attempt >= 2), the terminal event
  belongs to the last attempt, and no event of an earlier attempt follows a
  later one.

Leases are short here (5 s, renewed every 1 s) so a dead worker's builds come
back quickly; production uses 30 s.
"""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from drill_kit import GENEROUS_RATE_LIMITS, record_result, register_and_login, wait_until
from e2e_platform import Platform, launch_platform
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

BUILDS = 6
KILLS = 2  # a build killed in both runs is on attempt 3, within worker_max_attempts
LEASE_S = 5
TERMINAL = {"succeeded", "failed", "cancelled"}
# A build's pipeline runs the generated app's tests: tens of seconds each on
# a loaded 2-core machine, two at a time per worker.
ALL_DONE_WITHIN_S = 240.0
OVERRIDES = {
    **GENEROUS_RATE_LIMITS,
    "CORE_WORKER_LEASE_SECONDS": str(LEASE_S),
    "CORE_WORKER_HEARTBEAT_SECONDS": "1",
    "CORE_WORKER_CONCURRENCY": "2",
    # Two kills put a build on attempt 3, the production limit; room for one
    # more lost lease on a stalled machine, so every build must succeed.
    "CORE_WORKER_MAX_ATTEMPTS": "5",
    "CORE_PLAN_LIMITS": json.dumps({"free": None}),
}


@pytest.fixture
async def crash_platform(log_dir: Path) -> AsyncIterator[Platform]:
    async with launch_platform(log_dir, overrides=OVERRIDES, with_worker=True) as plat:
        yield plat


@pytest.fixture
async def core_db(crash_platform: Platform) -> AsyncIterator[AsyncEngine]:
    """The platform's core database, read directly for what the API does not show."""
    engine = create_async_engine(crash_platform.env["CORE_DATABASE_URL"], poolclass=NullPool)
    try:
        yield engine
    finally:
        await engine.dispose()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        result = await conn.execute(text(sql), params)
        return [dict(row) for row in result.mappings()]


async def sse_events(
    gw: httpx.AsyncClient, build_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """The build's whole SSE stream (it ends after the terminal event)."""
    events: list[dict[str, Any]] = []
    async with gw.stream(
        "GET", f"/v1/builds/{build_id}/events", headers=headers, timeout=60
    ) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:").strip()))
    return events


def finished_lines(log: str) -> Counter[str]:
    """``build finished`` log lines per build id in one worker's log."""
    counts: Counter[str] = Counter()
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("message") == "build finished":
            counts[str(record.get("build_id"))] += 1
    return counts


@pytest.mark.timeout(420)
async def test_worker_sigkilled_mid_build_every_build_ends_exactly_once(
    crash_platform: Platform, core_db: AsyncEngine
) -> None:
    plat = crash_platform
    async with httpx.AsyncClient(base_url=plat.gateway_url, timeout=30) as gw:
        _, user = await register_and_login(gw)
        project = await gw.post("/v1/projects", json={"name": "crash drill"}, headers=user)
        assert project.status_code == 201, project.text
        build_ids: list[str] = []
        for n in range(BUILDS):
            created = await gw.post(
                f"/v1/projects/{project.json()['id']}/builds",
                json={"idea": f"A reading log number {n} for books and notes"},
                headers=user,
            )
            assert created.status_code == 202, created.text
            build_ids.append(created.json()["id"])
        ids = [uuid.UUID(b) for b in build_ids]

        # Each worker in turn is killed once a build's pipeline is under way
        # in it; the next one takes over (and the last one is left to finish).
        workers = ["core-worker"]
        pid = plat.processes["core-worker"].pid
        victims: dict[str, int] = {}  # build id -> its attempt when its worker died
        runs_killed = 0  # (build, attempt) runs that died with their worker
        for kill in range(1, KILLS + 1):

            async def mid_build(owner: str = f"%:{pid}:%") -> bool:
                running = await rows(
                    core_db,
                    "SELECT b.id FROM builds b WHERE b.id = ANY(:ids)"
                    " AND b.status = 'running' AND b.lease_owner LIKE :owner"
                    " AND EXISTS (SELECT 1 FROM build_events e WHERE e.build_id = b.id"
                    " AND e.kind = 'stage' AND e.attempt = b.attempt)",
                    ids=ids,
                    owner=owner,
                )
                return bool(running)

            await wait_until(mid_build, within=120, interval=0.2)
            assert plat.stop(workers[-1], signal.SIGKILL) == -signal.SIGKILL
            killed_at = time.monotonic()
            dead = await rows(
                core_db,
                "SELECT id, attempt FROM builds"
                " WHERE id = ANY(:ids) AND status = 'running' AND lease_owner LIKE :owner",
                ids=ids,
                owner=f"%:{pid}:%",
            )
            assert dead, f"no build was running in worker {kill} when it was killed"
            victims.update({str(r["id"]): r["attempt"] for r in dead})
            runs_killed += len(dead)
            workers.append(f"core-worker-{kill + 1}")
            pid = plat.start(workers[-1], service="core", command="worker").pid

        async def all_terminal() -> bool:
            found = await rows(core_db, "SELECT status FROM builds WHERE id = ANY(:ids)", ids=ids)
            return all(r["status"] in TERMINAL for r in found)

        await wait_until(all_terminal, within=ALL_DONE_WITHIN_S, interval=0.5)
        recovered_s = time.monotonic() - killed_at

        # Nothing left behind in the queue.
        live = await rows(
            core_db, "SELECT id, status FROM builds WHERE status IN ('queued', 'running')"
        )
        assert live == []

        finished: Counter[str] = Counter()
        for worker in workers:
            finished += finished_lines(plat.logs(worker))
        statuses: Counter[str] = Counter()
        for build_id in build_ids:
            (build,) = await rows(
                core_db,
                "SELECT status, attempt, lease_owner, lease_expires_at, finished_at"
                " FROM builds WHERE id = :id",
                id=uuid.UUID(build_id),
            )
            statuses[build["status"]] += 1
            assert build["status"] == "succeeded", (build_id, build)
            assert build["lease_owner"] is None
            assert build["lease_expires_at"] is None
            assert build["finished_at"] is not None
            table = await rows(
                core_db,
                "SELECT seq, kind, status, attempt, message FROM build_events"
                " WHERE build_id = :id ORDER BY seq",
                id=uuid.UUID(build_id),
            )
            terminal = [e for e in table if e["kind"] == "status" and e["status"] in TERMINAL]
            assert len(terminal) == 1, (build_id, terminal)
            assert table[-1] == terminal[0]  # nothing after the end
            assert terminal[0]["attempt"] == build["attempt"]
            fenced = [e["attempt"] for e in table if e["attempt"] > 0]
            assert fenced == sorted(fenced), f"an old attempt wrote after a new one: {table}"
            started = [
                e["attempt"] for e in table if e["kind"] == "status" and e["status"] == "running"
            ]
            assert len(started) == len(set(started))
            assert set(started) <= set(range(1, build["attempt"] + 1))
            if build_id in victims:
                assert build["attempt"] > victims[build_id], (build_id, build)
            (artifact,) = await rows(
                core_db,
                "SELECT count(*) AS n FROM artifacts WHERE build_id = :id",
                id=uuid.UUID(build_id),
            )
            assert artifact["n"] == 1
            assert finished[build_id] == 1, (build_id, finished)

            # What a client following the build sees: one end, gap-free ids.
            stream = await sse_events(gw, build_id, user)
            assert [e["id"] for e in stream] == list(range(1, len(stream) + 1))
            assert [e["id"] for e in stream] == [e["seq"] for e in table]
            ends = [e for e in stream if e["kind"] == "status" and e["status"] in TERMINAL]
            assert ends == stream[-1:]
            assert ends[0]["status"] == "succeeded"
            download = await gw.get(f"/v1/builds/{build_id}/download", headers=user)
            assert download.status_code == 200
            assert download.headers["content-type"] == "application/zip"

        (attempts,) = await rows(
            core_db, "SELECT sum(attempt) AS n FROM builds WHERE id = ANY(:ids)", ids=ids
        )
        # One claim per build, one more per killed run (and more only if a
        # stalled worker lost a lease, which fencing also covers).
        assert attempts["n"] >= BUILDS + runs_killed
    record_result(
        "worker-sigkill",
        {
            "builds": BUILDS,
            "workers_killed": KILLS,
            "builds_killed_mid_run": len(victims),
            "builds_finished_exactly_once": sum(1 for b in build_ids if finished[b] == 1),
            "statuses": dict(statuses),
            "runs_killed": runs_killed,
            "attempts_total": attempts["n"],
            "lease_s": LEASE_S,
            "last_kill_to_all_done_s": round(recovered_s, 1),
        },
    )
