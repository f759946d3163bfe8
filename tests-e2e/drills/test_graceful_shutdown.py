"""Drill: SIGTERM to auth, core and the gateway, each under a steady load.

What a client of the stopping process must see (``launchforge_common.server``):

1. after SIGTERM, ``/readyz`` turns 503 (``shutdown: draining``) while every
   other request is still answered, for the whole drain (2 s here, 5 s in
   production);
2. no request the process received fails: each gets its complete answer
   (2xx; no 5xx, no timeout, no connection dropped under it);
3. once the listener closes (not before the drain is over, and after
   readiness was seen false) new connections are refused
   (``httpx.ConnectError``);
4. the process exits on its own, gracefully (status 0 or -SIGTERM).

The one exception the kernel makes to 3: a connection still in the listen
backlog at the instant the listener closes is reset rather than refused. The
client sees a ``ReadError`` for a request the process never received; every
request carries an ``X-Request-ID``, and the drill proves from the process's
access log that each such request never reached it, and that it happened only
after the drain. It is counted apart (``reset_at_close``).

The load goes straight to the process that is stopped (auth's and core's own
ports, or the gateway's): with one replica of each, a stopped service behind
the gateway fails the gateway's requests to it, and covering for that is the
cluster's job (more replicas), not the process's. Each client alternates a
request on a kept-alive connection with one on a new connection, since a
drain must break neither. After each drill the process is started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from drill_kit import (
    GENEROUS_RATE_LIMITS,
    Sample,
    SteadyLoad,
    record_result,
    register_and_login,
    wait_until,
)
from e2e_platform import Platform, launch_platform

DRAIN_S = 2.0
CONCURRENCY = 6
WARMUP_ANSWERS = 40  # answered requests before the signal
REFUSALS_AFTER_EXIT = 10  # refused connections seen after the exit, then the load stops
EXIT_WITHIN_S = 60.0
READY_POLL_S = 0.05
# What a client sees when the connection it sent on is reset or closed unanswered.
RESET_ERRORS = frozenset({"ReadError", "RemoteProtocolError", "WriteError"})

Headers = dict[str, str]
RequestFn = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
Call = Callable[[httpx.AsyncClient, Headers], Awaitable[httpx.Response]]
NEW_CONNECTION = {"Connection": "close"}  # httpx opens a new connection for the next one


@dataclass
class ReadinessWatch:
    """Polls ``/readyz`` and records when each answer arrived (monotonic)."""

    base_url: str
    seen: list[tuple[float, str]] = field(default_factory=list)

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while True:
                try:
                    response = await client.get("/readyz")
                    outcome = str(response.status_code)
                    if response.status_code == 503:
                        shutdown = response.json().get("checks", {}).get("shutdown", {})
                        if shutdown.get("reason") == "draining":
                            outcome = "draining"
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                self.seen.append((time.monotonic(), outcome))
                await asyncio.sleep(READY_POLL_S)

    def first(self, outcome: str) -> float | None:
        return next((at for at, seen in self.seen if seen == outcome), None)


@dataclass(frozen=True)
class Unanswered:
    """A request whose connection failed after it was sent (not a refused connect)."""

    request_id: str
    kind: str
    error: str
    at: float  # monotonic, when the error was raised


@dataclass
class Tracer:
    """Gives every request an ``X-Request-ID`` and remembers the unanswered ones."""

    unanswered: list[Unanswered] = field(default_factory=list)

    def wrap(self, kind: str, call: Call) -> RequestFn:
        async def traced(client: httpx.AsyncClient) -> httpx.Response:
            request_id = uuid.uuid4().hex
            try:
                return await call(client, {"X-Request-ID": request_id})
            except httpx.ConnectError:
                raise
            except httpx.HTTPError as exc:
                self.unanswered.append(
                    Unanswered(request_id, kind, type(exc).__name__, time.monotonic())
                )
                raise

        return traced


def answered(sample: Sample) -> bool:
    return sample.status is not None and 200 <= sample.status < 300


def refused(sample: Sample) -> bool:
    return sample.error == "ConnectError"


def access_log_ids(log: str) -> set[str]:
    """Request ids of every request the process's access log recorded."""
    ids: set[str] = set()
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "launchforge.access":
            ids.add(str(record.get("request_id")))
    return ids


async def sigterm_under_load(
    plat: Platform, name: str, base_url: str, calls: dict[str, Call]
) -> dict[str, Any]:
    """SIGTERM ``name`` while ``calls`` load ``base_url``; assert; return the figures."""
    proc = plat.processes[name]
    tracer = Tracer()
    requests = {kind: tracer.wrap(kind, call) for kind, call in calls.items()}
    watch = ReadinessWatch(base_url)
    watcher = asyncio.create_task(watch.run())
    try:
        async with SteadyLoad(
            base_url, requests, concurrency=CONCURRENCY, max_seconds=120, timeout=30, pause=0.01
        ) as load:

            async def warmed_up() -> bool:
                ready = bool(watch.seen) and watch.seen[-1][1] == "200"
                return ready and sum(map(answered, load.samples)) >= WARMUP_ANSWERS

            await wait_until(warmed_up, within=60)
            signalled = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            returncode = await asyncio.to_thread(proc.wait, EXIT_WITHIN_S)
            exited = time.monotonic()

            async def refusals_seen() -> bool:
                late = [s for s in load.select(since=exited) if refused(s)]
                return len(late) >= REFUSALS_AFTER_EXIT

            await wait_until(refusals_seen, within=30)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher

    log = plat.logs(name)
    samples = load.samples
    assert returncode in (0, -signal.SIGTERM), log[-3000:]
    assert "draining before shutdown" in log
    assert "drain over; shutting down" in log

    unready = watch.first("draining")
    assert unready is not None, f"/readyz never reported draining: {watch.seen[-20:]}"
    refusals = [s for s in samples if refused(s)]
    assert refusals, "the stopped process never refused a connection"
    first_refusal = min(s.started + s.latency for s in refusals)
    assert signalled < unready < first_refusal
    # The listener stays open for the whole drain.
    assert first_refusal - signalled >= DRAIN_S

    # Every answer is a 2xx: no 5xx (nor any other status) while stopping.
    statuses = [s for s in samples if s.status is not None and not answered(s)]
    assert statuses == [], f"{len(statuses)} unexpected statuses: {statuses[:5]}"
    # Every other failure is a connection reset at the listener's close, for a
    # request the process never received.
    errors = [s for s in samples if s.status is None and not refused(s)]
    assert len(errors) == len(tracer.unanswered)
    received = access_log_ids(log)
    in_flight_lost = [u for u in tracer.unanswered if u.request_id in received]
    assert in_flight_lost == [], f"requests received, then lost: {in_flight_lost}"
    for lost in tracer.unanswered:
        assert lost.error in RESET_ERRORS, lost
        assert lost.at - signalled >= DRAIN_S, f"lost during the drain: {lost}"

    served_while_unready = [s for s in samples if answered(s) and s.started >= unready]
    assert served_while_unready, "no request was served during the drain"
    after_signal = [s for s in samples if signalled <= s.started < first_refusal]
    return {
        "requests": len(samples),
        "requests_after_sigterm": len(after_signal),
        "answered_while_unready": len(served_while_unready),
        "refused_after_close": len(refusals),
        "reset_at_close_never_received": len(tracer.unanswered),
        "reset_errors": dict(Counter(u.error for u in tracer.unanswered)),
        "failed_in_flight": len(in_flight_lost) + len(statuses),
        "drain_s": DRAIN_S,
        "sigterm_to_unready_s": round(unready - signalled, 2),
        "sigterm_to_refused_s": round(first_refusal - signalled, 2),
        "sigterm_to_exit_s": round(exited - signalled, 2),
        "exit_status": returncode,
        "concurrency": CONCURRENCY,
    }


async def restart(plat: Platform, name: str) -> None:
    """Start ``name`` again once it has exited, and wait for the platform to be ready."""
    proc = plat.processes.get(name)
    if proc is not None and proc.poll() is None:
        return  # the drill failed before the process stopped
    plat.start(name)
    await asyncio.to_thread(plat.wait_ready)


@pytest.fixture(scope="module")
async def shutdown_platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    drain = {f"{p}_SHUTDOWN_DRAIN_SECONDS": str(DRAIN_S) for p in ("AUTH", "CORE", "GATEWAY")}
    async with launch_platform(
        tmp_path_factory.mktemp("shutdown-logs"),
        overrides={**GENEROUS_RATE_LIMITS, **drain},
        with_worker=False,
    ) as plat:
        yield plat


@pytest.fixture(scope="module")
async def user(shutdown_platform: Platform) -> Headers:
    async with httpx.AsyncClient(base_url=shutdown_platform.gateway_url, timeout=15) as gw:
        _, headers = await register_and_login(gw)
    return headers


def get(path: str, user: Headers, *, new_connection: bool = False) -> Call:
    extra = NEW_CONNECTION if new_connection else {}

    async def call(client: httpx.AsyncClient, headers: Headers) -> httpx.Response:
        return await client.get(path, headers={**user, **headers, **extra})

    return call


def create_project(user: Headers) -> Call:
    async def call(client: httpx.AsyncClient, headers: Headers) -> httpx.Response:
        return await client.post("/v1/projects", json={"name": "drained"}, headers=user | headers)

    return call


@pytest.mark.timeout(300)
@pytest.mark.parametrize("target", ["auth", "core", "gateway"])
async def test_sigterm_under_load_fails_no_request(
    shutdown_platform: Platform, user: Headers, target: str
) -> None:
    plat = shutdown_platform
    url = {"auth": plat.auth_url, "core": plat.core_url, "gateway": plat.gateway_url}[target]
    calls = {
        "auth": {
            "kept-alive": get("/v1/auth/me", user),
            "new-connection": get("/v1/auth/me", user, new_connection=True),
        },
        # Writes too: a project created during the drain is answered 201.
        "core": {
            "kept-alive-write": create_project(user),
            "new-connection": get("/v1/projects", user, new_connection=True),
        },
        # Through the gateway to both upstreams.
        "gateway": {
            "kept-alive-core": get("/v1/projects", user),
            "new-connection-core": get("/v1/projects", user, new_connection=True),
            "kept-alive-auth": get("/v1/auth/me", user),
        },
    }[target]
    try:
        figures = await sigterm_under_load(plat, target, url, calls)
    finally:
        await restart(plat, target)
    record_result(f"sigterm-{target}", figures)
    async with httpx.AsyncClient(base_url=url, timeout=15) as client:
        assert (await client.get("/readyz")).status_code == 200  # serving again
