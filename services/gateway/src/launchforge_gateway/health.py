"""The gateway's own probes: ``/livez`` and ``/readyz``.

``/readyz`` checks the gateway's Redis and each upstream's ``/readyz``
concurrently, each with a short time limit, and names every check that
failed; any failure makes it 503.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
from launchforge_common.context import propagation_headers
from launchforge_common.health import Check, run_checks
from launchforge_common.redis import check_redis
from redis.asyncio import Redis
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from launchforge_gateway.proxy import Upstream


class UpstreamNotReadyError(Exception):
    """The upstream answered its /readyz with something other than 200."""


async def livez(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"status": "ok"})(scope, receive, send)


def _redis_check(client: Redis | None, timeout: float) -> Check:
    async def check() -> None:
        if client is None:
            raise RuntimeError("redis client not started")
        await asyncio.wait_for(check_redis(client), timeout)

    return check


def _upstream_check(upstream: Upstream, timeout: float) -> Check:
    async def check() -> None:
        async with upstream.session.get(
            f"{upstream.base_url}/readyz",
            headers=propagation_headers(),
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
        ) as response:
            await response.read()
            if response.status != 200:
                raise UpstreamNotReadyError

    return check


async def readyz(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    redis: Redis | None,
    upstreams: Mapping[str, Upstream],
    check_timeout: float,
) -> None:
    checks: dict[str, Check] = {"redis": _redis_check(redis, check_timeout)}
    for name, upstream in upstreams.items():
        checks[name] = _upstream_check(upstream, check_timeout)
    ok, report = await run_checks(checks)
    await JSONResponse(
        {"status": "ok" if ok else "fail", "checks": report},
        status_code=200 if ok else 503,
    )(scope, receive, send)
