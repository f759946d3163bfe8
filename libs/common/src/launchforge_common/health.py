"""Liveness and readiness endpoints.

``/livez`` says the process answers. ``/readyz`` runs every registered check
(database, Redis, upstreams) concurrently with a time limit and names each
one that failed; any failure makes it 503 so Kubernetes stops routing here.
While the server drains after SIGTERM (see ``server.py``), ``/readyz`` is
503 with the ``shutdown`` check failed, whatever the other checks say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

Check = Callable[[], Awaitable[Any]]

CHECK_TIMEOUT_S = 2.0
DRAINING_CHECK = {"status": "fail", "reason": "draining"}


def draining_response() -> JSONResponse:
    """The readiness answer of a process that is shutting down."""
    return JSONResponse(
        {"status": "fail", "checks": {"shutdown": dict(DRAINING_CHECK)}}, status_code=503
    )


def register_check(app_state: Any, name: str, check: Check) -> None:
    """Add a readiness check (called from a service's lifespan)."""
    checks: dict[str, Check] = getattr(app_state, "readiness_checks", None) or {}
    checks[name] = check
    app_state.readiness_checks = checks


async def _run(check: Check) -> dict[str, str]:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        return {"status": "fail", "reason": "timeout"}
    except Exception as exc:
        # The exception's class names the failure without leaking its message
        # (which may hold hosts or credentials).
        return {"status": "fail", "reason": type(exc).__name__}
    return {"status": "ok"}


async def run_checks(checks: dict[str, Check]) -> tuple[bool, dict[str, dict[str, str]]]:
    names = list(checks)
    results = await asyncio.gather(*(_run(checks[n]) for n in names))
    report = dict(zip(names, results, strict=True))
    return all(r["status"] == "ok" for r in results), report


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", include_in_schema=False)
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, Check] = getattr(request.app.state, "readiness_checks", {}) or {}
        ok, report = await run_checks(checks)
        if getattr(request.app.state, "draining", False):
            ok = False
            report["shutdown"] = dict(DRAINING_CHECK)
        return JSONResponse(
            {"status": "ok" if ok else "fail", "checks": report},
            status_code=200 if ok else 503,
        )

    return router
