"""Tools for the fault drills: private servers to break, and a steady load.

The shared PostgreSQL and Redis on this machine serve other work, so a drill
that stops a server starts its own: ``PrivateRedis`` and ``PrivatePostgres``
run on free loopback ports and can be stopped and started again on the same
port. ``SteadyLoad`` keeps a fixed number of clients busy against the gateway
while a drill breaks something, and records every request so the drill can
assert on what the clients saw. ``record_result`` writes a drill's figures to
``tests-e2e/drills/.results/`` (ignored by git) for the README table.

Importable as ``drill_kit`` (``pythonpath`` in the pytest settings).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from launchforge_common import testing
from launchforge_common.testing import free_port, wait_for_port
from prometheus_client.parser import text_string_to_metric_families

RESULTS_DIR = Path(__file__).parent / "drills" / ".results"
PG_BIN = Path(os.environ.get("PG_BIN", "")) if os.environ.get("PG_BIN") else None
SERVER_START_TIMEOUT_S = 60.0
PASSWORD = "drill passphrase, long enough"

# Limits far above anything a drill sends: a drill measures faults, and a 429
# from its own steady load would hide them (429s are still not 5xx).
_HIGH = 1_000_000
GENEROUS_RATE_LIMITS: dict[str, str] = {
    "GATEWAY_RATE_LIMIT_ANONYMOUS": str(_HIGH),
    "GATEWAY_RATE_LIMIT_USER": str(_HIGH),
    "GATEWAY_RATE_LIMIT_API_KEY": str(_HIGH),
    "GATEWAY_RATE_LIMIT_PLANS": json.dumps(
        {p: _HIGH for p in ("free", "starter", "pro", "enterprise")}
    ),
    "GATEWAY_RATE_LIMIT_ROUTES": json.dumps(
        [
            {"name": "login", "path": "/v1/auth/login", "method": "POST", "limit": _HIGH},
            {"name": "register", "path": "/v1/auth/register", "method": "POST", "limit": _HIGH},
        ]
    ),
}


class _SyncAndAsyncContext:
    """Lets the private servers be used with ``with`` or ``async with``.

    Starting and stopping take well under a second, so blocking the event loop
    briefly in a test is acceptable and keeps the code plain.
    """

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self.__enter__()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(et, ev, tb)

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class PrivateRedis(testing.PrivateRedis, _SyncAndAsyncContext):
    """``launchforge_common.testing.PrivateRedis``, also as ``async with``, with probes.

    ``stop()`` kills it (data is gone, as after a real Redis crash without
    persistence); ``start()`` brings it back on the same port.
    """

    def __init__(self, *, port: int | None = None, log_dir: Path | None = None) -> None:
        super().__init__(port=port, log_dir=log_dir, start_timeout=SERVER_START_TIMEOUT_S)

    def command(self, *args: str) -> str:
        """Run one ``redis-cli`` command against this server (for assertions)."""
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return result.stdout

    def calls(self, command: str) -> int:
        """How often ``command`` ran since this server started (INFO commandstats)."""
        for line in self.command("INFO", "commandstats").splitlines():
            if line.startswith(f"cmdstat_{command.lower()}:"):
                fields = dict(item.split("=", 1) for item in line.split(":", 1)[1].split(","))
                return int(fields["calls"])
        return 0

    def keys(self, pattern: str = "*") -> list[str]:
        """Keys matching ``pattern`` (SCAN, so it never blocks the server)."""
        return [k for k in self.command("--scan", "--pattern", pattern).splitlines() if k]


class HangingServer:
    """A TCP server on loopback that accepts, reads everything, and never answers.

    An upstream stuck in a way no timeout of its own ends: requests to it
    wait until the *caller* gives up. Runs in the test's event loop.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.accepted = 0
        self._open: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def open_connections(self) -> int:
        return len(self._open)

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._open):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._open.add(writer)
        try:
            while await reader.read(65536):
                pass  # swallow the request, answer nothing, until the peer closes
        except OSError:
            pass
        finally:
            self._open.discard(writer)
            writer.close()


def _pg_bin() -> Path:
    if PG_BIN is not None:
        return PG_BIN
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("no PostgreSQL binaries found (set PG_BIN)")
    return Path(initdb).parent


class PrivatePostgres(_SyncAndAsyncContext):
    """A private PostgreSQL cluster on a free loopback port, trust auth.

    PostgreSQL refuses to run as root, so when the tests run as root the
    cluster belongs to the ``postgres`` OS user (``runuser``). The data
    directory lives in a temporary directory removed on exit.
    """

    def __init__(self, *, port: int | None = None, os_user: str = "postgres") -> None:
        self.port = port or free_port()
        self.os_user = os_user if os.geteuid() == 0 else None
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="lf-drill-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self._initialised = False

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.os_user is not None:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        subprocess.run(cmd, check=True, timeout=timeout, capture_output=True)

    def _init(self) -> None:
        if self.os_user is not None:
            shutil.chown(self.root, user=self.os_user, group=None)
            os.chmod(self.root, 0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        conf = (
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            f"unix_socket_directories = '{self.root}'\n"
            "max_connections = 100\n"
            "fsync = off\n"  # a process restart, not a power cut, is what drills test
            "full_page_writes = off\n"
            "shared_buffers = 32MB\n"
        )
        with (self.data / "postgresql.conf").open("a") as handle:
            handle.write(conf)
        self._initialised = True

    def start(self) -> None:
        if not self._initialised:
            self._init()
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60", "start"
        )
        wait_for_port(self.port, up=True, timeout=SERVER_START_TIMEOUT_S)

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m fast`` (or ``immediate`` for a crash-like stop)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        wait_for_port(self.port, up=False, timeout=10)

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, TimeoutError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""


RequestFn = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Sample:
    """One request of a load: what the client saw and when."""

    kind: str
    started: float  # time.monotonic() at send
    latency: float  # seconds until the answer or the error
    status: int | None  # None when the request raised
    error: str | None = None  # exception type name when it raised
    content_type: str = ""
    body: str = ""  # kept only for failures, to explain them

    @property
    def failed(self) -> bool:
        """An exception or a 5xx: what a client counts as the platform failing it."""
        return self.status is None or self.status >= 500

    @property
    def outcome(self) -> str:
        return str(self.status) if self.status is not None else (self.error or "error")


@dataclass
class SteadyLoad:
    """Keep ``concurrency`` clients looping requests until the block exits.

    ``requests`` is one request function or several by name; each client
    cycles through them in order, so the mix stays fixed. The load also stops
    by itself after ``max_requests`` requests or ``max_seconds``, so a drill
    that hangs cannot run forever.
    """

    base_url: str
    requests: RequestFn | Mapping[str, RequestFn]
    concurrency: int = 4
    max_requests: int = 20_000
    max_seconds: float = 120.0
    timeout: float = 30.0
    pause: float = 0.0  # seconds each client waits between requests
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    stopped: float = 0.0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _client: httpx.AsyncClient | None = None
    _issued: int = 0

    async def __aenter__(self) -> Self:
        limits = httpx.Limits(max_connections=self.concurrency * 2, max_keepalive_connections=None)
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, limits=limits
        )
        self.started = time.monotonic()
        named = (
            dict(self.requests)
            if isinstance(self.requests, Mapping)
            else {"request": self.requests}
        )
        items = list(named.items())
        for index in range(self.concurrency):
            rotated = items[index % len(items) :] + items[: index % len(items)]
            self._tasks.append(asyncio.create_task(self._client_loop(rotated)))
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Let in-flight requests finish (up to ``timeout``), then close."""
        self._stop.set()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=self.timeout + 5)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for task in done:
                task.result()  # surface a bug in a request function
            self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if not self.stopped:
            self.stopped = time.monotonic()

    async def _client_loop(self, items: list[tuple[str, RequestFn]]) -> None:
        assert self._client is not None
        deadline = self.started + self.max_seconds
        turn = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self._issued >= self.max_requests:
                return
            self._issued += 1
            kind, fn = items[turn % len(items)]
            turn += 1
            self.samples.append(await self._one(kind, fn, self._client))
            if self.pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.pause)

    async def _one(self, kind: str, fn: RequestFn, client: httpx.AsyncClient) -> Sample:
        started = time.monotonic()
        try:
            response = await fn(client)
        except httpx.HTTPError as exc:
            return Sample(kind, started, time.monotonic() - started, None, type(exc).__name__)
        latency = time.monotonic() - started
        failed = response.status_code >= 500
        return Sample(
            kind,
            started,
            latency,
            response.status_code,
            content_type=response.headers.get("content-type", ""),
            body=response.text[:500] if failed else "",
        )

    @property
    def total(self) -> int:
        return len(self.samples)

    @property
    def duration(self) -> float:
        end = self.stopped or time.monotonic()
        return max(end - self.started, 1e-9)

    @property
    def rate(self) -> float:
        """Requests per second over the whole load."""
        return self.total / self.duration

    def select(
        self, kind: str | None = None, *, since: float | None = None, until: float | None = None
    ) -> list[Sample]:
        """Samples of one kind and/or started within ``[since, until)`` (monotonic)."""
        return [
            s
            for s in self.samples
            if (kind is None or s.kind == kind)
            and (since is None or s.started >= since)
            and (until is None or s.started < until)
        ]

    def statuses(self, kind: str | None = None) -> Counter[str]:
        """Outcome counts: status codes as strings, exception type names otherwise."""
        return Counter(s.outcome for s in self.select(kind))

    def count_5xx(self, kind: str | None = None) -> int:
        return sum(1 for s in self.select(kind) if s.status is not None and s.status >= 500)

    def failures(self, kind: str | None = None) -> list[Sample]:
        """Exceptions and 5xx answers."""
        return [s for s in self.select(kind) if s.failed]

    def summary(self) -> dict[str, Any]:
        """Figures for a result line: totals, rate, outcomes by kind."""
        kinds = sorted({s.kind for s in self.samples})
        return {
            "requests": self.total,
            "seconds": round(self.duration, 2),
            "req_per_s": round(self.rate, 1),
            "concurrency": self.concurrency,
            "failures": len(self.failures()),
            "by_kind": {k: dict(self.statuses(k)) for k in kinds},
        }


async def register_and_login(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """A fresh user through the gateway: its email and ``Authorization`` header.

    The password is :data:`PASSWORD`.
    """
    email = f"drill-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": PASSWORD}
    registered = await client.post("/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    login = await client.post("/v1/auth/login", json=body)
    assert login.status_code == 200, login.text
    return email, bearer(login.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def metric(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """Sum of the gateway's ``/metrics`` samples named ``name`` matching ``labels``."""
    response = await client.get("/metrics")
    response.raise_for_status()
    total = 0.0
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float, interval: float = 0.1
) -> float:
    """Poll ``check`` until true; return seconds taken, raise after ``within`` s."""
    started = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            raise TimeoutError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


def record_result(drill: str, figures: Mapping[str, Any]) -> Path:
    """Print a drill's figures as one JSON line and keep it in ``.results/``.

    The lead copies these into the README table; the directory ignores itself
    so results never end up in git.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    ignore = RESULTS_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    line = json.dumps({"drill": drill, **figures}, sort_keys=True, default=str)
    path = RESULTS_DIR / f"{drill}.json"
    path.write_text(line + "\n")
    sys.stdout.write(f"\nDRILL RESULT {line}\n")
    return path


@dataclass
class OfflineBuilds:
    """What ``build_ideas_offline`` saw: each idea's pipeline result, and the failures."""

    results: list[tuple[str, Any]]
    seconds: float

    @property
    def failed(self) -> dict[str, tuple[str | None, list[str]]]:
        return {
            idea: (result.error, [s.detail for s in result.stages if s.outcome == "failed"])
            for idea, result in self.results
            if result.status != "succeeded"
        }


async def build_ideas_offline(items: list[dict[str, Any]], concurrency: int) -> OfflineBuilds:
    """Build each idea as a person with no model would (provider ``offline``): spec,
    generate, and the app's own test suite in the validate stage; ``concurrency`` at a time."""
    # Imported here: the other drills load none of the pipeline.
    from launchforge_core.pipeline import BuildInput, PipelineEvent, PipelineSettings, run_pipeline

    async def ignore(_event: PipelineEvent) -> None:
        return None

    gate = asyncio.Semaphore(concurrency)

    async def build(item: dict[str, Any]) -> tuple[str, Any]:
        async with gate:
            result = await run_pipeline(
                BuildInput(idea=item["idea"]), llm=None, emit=ignore, settings=PipelineSettings()
            )
        return item["id"], result

    started = time.monotonic()
    results = await asyncio.gather(*(build(item) for item in items))
    return OfflineBuilds(results=list(results), seconds=time.monotonic() - started)
