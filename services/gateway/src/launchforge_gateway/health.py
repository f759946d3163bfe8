"""The gateway's own probes: ``/livez`` and ``/readyz``.

``/readyz`` checks the gateway's Redis and each upstream's ``/readyz``
concurrently, each with a short time limit, and names every check that
failed. Each upstream's entry carries that upstream's own checks
(``auth: {status, checks: {database, redis}}``), so one ``curl /readyz``
shows the health of every service's backing stores and ``status`` is ``ok``
only when all of it is.

None of them makes the gateway unready (it answers 200 ``degraded``): every
gateway replica shares the same Redis and upstreams, so failing readiness on
them would take all replicas out of service at once, and routes to a healthy
upstream (auth while core is down) would fail with the rest. The gateway
answers for a failed upstream itself (502/504 problem+json) and falls back to
in-process rate limits without Redis. Only draining after SIGTERM makes it 503.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import aiohttp
from launchforge_common.context import propagation_headers
from launchforge_common.health import Check, overall_status, run_checks
from launchforge_common.redis import check_redis
from redis.asyncio import Redis
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from launchforge_gateway.proxy import Upstream


async def livez(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"status": "ok"})(scope, receive, send)


def _redis_check(client: Redis | None, timeout: float) -> Check:
    async def check() -> None:
        if client is None:
            raise RuntimeError("redis client not started")
        await asyncio.wait_for(check_redis(client), timeout)

    return check


async def _upstream_report(upstream: Upstream, limit_s: float) -> dict[str, Any]:
    """The upstream's readiness, with its own checks (database, redis, ...) inside."""
    try:
        async with upstream.session.get(
            f"{upstream.base_url}/readyz",
            headers=propagation_headers(),
            timeout=aiohttp.ClientTimeout(total=limit_s),
            allow_redirects=False,
        ) as response:
            raw = await response.read()
            status = response.status
    except TimeoutError:
        return {"status": "fail", "reason": "timeout"}
    except (aiohttp.ClientError, OSError) as exc:
        return {"status": "fail", "reason": type(exc).__name__}
    report: dict[str, Any] = {"status": "ok" if status == 200 else "fail"}
    if status != 200:
        report["reason"] = f"readyz answered {status}"
    try:
        document = json.loads(raw)
    except ValueError:
        document = None
    if status == 200 and isinstance(document, dict) and document.get("status") == "degraded":
        report["status"] = "degraded"
    checks = document.get("checks") if isinstance(document, dict) else None
    if isinstance(checks, dict):
        # Only status and reason per check: nothing else of the upstream's
        # answer is echoed to whoever can reach /readyz.
        report["checks"] = {
            str(name): {k: str(v) for k, v in item.items() if k in ("status", "reason")}
            for name, item in checks.items()
            if isinstance(item, dict)
        }
    return report


async def readyz(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    redis: Redis | None,
    upstreams: Mapping[str, Upstream],
    check_timeout: float,
    detailed: bool = True,
) -> None:
    """The gateway's readiness; ``detailed`` adds every check (for in-cluster callers)."""
    names = list(upstreams)
    (_, report), *upstream_reports = await asyncio.gather(
        run_checks({"redis": _redis_check(redis, check_timeout)}),
        *(_upstream_report(upstreams[name], check_timeout) for name in names),
    )
    for name, upstream_report in zip(names, upstream_reports, strict=True):
        report[name] = upstream_report
    if not upstreams:  # before startup or after shutdown: nothing to route to
        report["upstreams"] = {"status": "fail", "reason": "not started"}
    status = overall_status(report, optional=set(report) - {"upstreams"})
    body: dict[str, Any] = {"status": status}
    if detailed:
        body["checks"] = report
    await JSONResponse(body, status_code=503 if status == "fail" else 200)(scope, receive, send)
