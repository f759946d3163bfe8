"""Liveness and readiness endpoints.

``/livez`` says the process answers. ``/readyz`` runs every registered check
(database, Redis, ...) concurrently with a time limit and names each one
that failed. Only a *critical* check (the service's own database) makes it
503 so Kubernetes stops routing here; a failed optional one (Redis: caches
bypass it, rate limits fall back to memory) makes it 200 ``degraded``. Every
replica shares the same Redis, so failing readiness on it would take them
all out of service at once and turn a degraded platform into an outage.
While the server drains after SIGTERM (see ``server.py``), ``/readyz`` is
503 with the ``shutdown`` check failed, whatever the other checks say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
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


def register_check(app_state: Any, name: str, check: Check, *, critical: bool = True) -> None:
    """Add a readiness check (called from a service's lifespan).

    A non-critical check that fails makes readiness ``degraded`` (still 200).
    """
    checks: dict[str, Check] = getattr(app_state, "readiness_checks", None) or {}
    checks[name] = check
    app_state.readiness_checks = checks
    optional: set[str] = set(getattr(app_state, "optional_checks", None) or ())
    if critical:
        optional.discard(name)
    else:
        optional.add(name)
    app_state.optional_checks = optional


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


async def run_checks(
    checks: dict[str, Check], optional: Collection[str] = ()
) -> tuple[str, dict[str, dict[str, str]]]:
    """Run the checks concurrently: the overall status and each check's result."""
    names = list(checks)
    results = await asyncio.gather(*(_run(checks[n]) for n in names))
    report = dict(zip(names, results, strict=True))
    return overall_status(report, optional), report


def overall_status(report: Mapping[str, Mapping[str, Any]], optional: Collection[str] = ()) -> str:
    """``fail`` when a critical check failed, ``degraded`` when only optional ones did."""
    failed = {name for name, result in report.items() if result.get("status") != "ok"}
    if failed - set(optional):
        return "fail"
    return "degraded" if failed else "ok"


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", include_in_schema=False)
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, Check] = getattr(request.app.state, "readiness_checks", {}) or {}
        optional = getattr(request.app.state, "optional_checks", None) or ()
        status, report = await run_checks(checks, optional)
        if getattr(request.app.state, "draining", False):
            status = "fail"
            report["shutdown"] = dict(DRAINING_CHECK)
        return JSONResponse(
            {"status": status, "checks": report},
            status_code=503 if status == "fail" else 200,
        )

    return router
