"""Launch the whole platform as real processes, for the e2e suite and the drills.

``launch_platform`` creates fresh auth and core databases (dropped afterwards),
runs the services' migrations with their own CLI, starts auth, core, a core
worker and the gateway on free ports, and waits until the gateway reports
everything ready. The e2e suite runs one for the session; the drills start
their own (they stop, kill and restart the parts), pointing a service at a
private PostgreSQL or Redis when the drill takes that one down.

Importable as ``e2e_platform`` (``pythonpath`` in the pytest settings).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from launchforge_common.testing import free_port, free_ports, temporary_database

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Four Python processes start at once (core's worker too); on a loaded 2-core
# machine imports alone can take most of a minute.
STARTUP_TIMEOUT_S = float(os.environ.get("E2E_STARTUP_TIMEOUT_S", "180"))
SERVICES = ("auth", "core", "gateway")
# Seconds in which a spent refresh token presented again gets a new pair
# (AUTH_REFRESH_REUSE_GRACE_SECONDS); after them a replay revokes the session.
REFRESH_REUSE_GRACE_SECONDS = 3


@dataclass
class Platform:
    """Handles on a running LaunchForge: URLs, environment, processes."""

    gateway_url: str
    auth_url: str
    core_url: str
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(
        self,
        name: str,
        *,
        service: str | None = None,
        command: str = "serve",
        env: Mapping[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start ``launchforge_<service or name> <command>`` (e.g. core's ``worker``)."""
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", f"launchforge_{service or name}", command],
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> int | None:
        """Send ``sig`` and wait for the exit; SIGKILL after ``timeout`` seconds."""
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def logs(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_ready(self, url: str | None = None) -> None:
        wait_ready(url or self.gateway_url, self.processes)

    @contextmanager
    def extra_gateway(self, label: str, env: Mapping[str, str]) -> Iterator[str]:
        """A second gateway on this platform's services with ``env`` on top; yields its URL.

        For tests that need other gateway settings (limits, trusted proxies)
        without touching the platform's own gateway.
        """
        port = free_port()
        name = f"gateway-{label}-{port}"
        proc = self.start(name, service="gateway", env={**env, "GATEWAY_PORT": str(port)})
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, {name: proc})
            yield url
        finally:
            self.stop(name)


def wait_ready(url: str, processes: Mapping[str, subprocess.Popen[bytes]]) -> None:
    """Poll ``url``/readyz until everything is up; fail fast when a process exits meanwhile.

    Up means status ``ok``: the gateway answers 200 ``degraded`` while an
    upstream (or Redis) is still starting.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        for name, proc in processes.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} during startup")
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
            if response.status_code == 200 and response.json().get("status") == "ok":
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise RuntimeError(f"platform not ready after {STARTUP_TIMEOUT_S}s: {last}")


def migrate(service: str, env: Mapping[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", f"launchforge_{service}", "migrate"],
        env=dict(env),
        check=True,
        timeout=120,
    )


def platform_env(
    *, auth_db: str, core_db: str, redis_url: str, ports: Mapping[str, int]
) -> dict[str, str]:
    """The environment every process of one platform shares (test settings)."""
    auth_url = f"http://127.0.0.1:{ports['auth']}"
    core_url = f"http://127.0.0.1:{ports['core']}"
    env = os.environ.copy()
    env.update(
        {
            "REDIS_URL": redis_url,
            "AUTH_ENVIRONMENT": "test",
            "AUTH_DATABASE_URL": auth_db,
            "AUTH_PORT": str(ports["auth"]),
            # Cheap hashes keep the suite fast; production uses argon2's defaults.
            "AUTH_ARGON2_TIME_COST": "1",
            "AUTH_ARGON2_MEMORY_COST": "8192",
            "AUTH_ARGON2_PARALLELISM": "1",
            # A short reuse grace window (production: 10 s): the browser suite
            # needs one (a page that navigates mid-refresh never sees the answer),
            # and the reuse-detection tests wait it out. Quick key reloads and
            # mail, lockout state of this run only.
            "AUTH_REFRESH_REUSE_GRACE_SECONDS": str(REFRESH_REUSE_GRACE_SECONDS),
            "AUTH_KEY_RELOAD_INTERVAL_SECONDS": "1",
            "AUTH_MAIL_POLL_INTERVAL_SECONDS": "0.2",
            "AUTH_REDIS_KEY_PREFIX": f"lf:auth:e2e:{uuid.uuid4().hex[:12]}",
            # A revoked API key stops working within this many seconds.
            "GATEWAY_INTROSPECTION_CACHE_TTL": "2",
            # Every browser page load refreshes its session without a credential, all
            # from 127.0.0.1: the suite spends more of the anonymous per-IP budget in
            # a minute than the production 100 allows one address.
            "GATEWAY_RATE_LIMIT_ANONYMOUS": "1000",
            # The suite logs in more than the production 5/min per IP allows.
            "GATEWAY_RATE_LIMIT_ROUTES": (
                '[{"name": "login", "path": "/v1/auth/login", "method": "POST",'
                ' "limit": 60, "window": 60}]'
            ),
            "CORE_INTROSPECTION_CACHE_TTL": "2",
            "CORE_ENVIRONMENT": "test",
            # Builds run only in the core worker process started below.
            "CORE_WORKER_CONCURRENCY": "2",
            "CORE_WORKER_POLL_SECONDS": "0.2",
            "CORE_DATABASE_URL": core_db,
            "CORE_PORT": str(ports["core"]),
            "CORE_AUTH_URL": auth_url,
            "GATEWAY_ENVIRONMENT": "test",
            "GATEWAY_PORT": str(ports["gateway"]),
            "GATEWAY_AUTH_URL": auth_url,
            "GATEWAY_CORE_URL": core_url,
        }
    )
    return env


@asynccontextmanager
async def launch_platform(
    log_dir: Path,
    *,
    auth_database_url: str = BASE_DATABASE_URL,
    core_database_url: str = BASE_DATABASE_URL,
    redis_url: str = REDIS_URL,
    overrides: Mapping[str, str] | None = None,
    with_worker: bool = True,
) -> AsyncIterator[Platform]:
    """Run a whole platform until the block exits, then stop every process.

    ``*_database_url`` name the PostgreSQL server each service's fresh database
    is created on (a drill gives one service a private server it can restart);
    ``overrides`` are extra environment variables for every process.
    """
    async with (
        temporary_database(auth_database_url, "lf_e2e_auth") as auth_db,
        temporary_database(core_database_url, "lf_e2e_core") as core_db,
    ):
        ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
        env = platform_env(auth_db=auth_db, core_db=core_db, redis_url=redis_url, ports=ports)
        env.update(overrides or {})
        migrate("auth", env)
        migrate("core", env)
        plat = Platform(
            gateway_url=f"http://127.0.0.1:{ports['gateway']}",
            auth_url=f"http://127.0.0.1:{ports['auth']}",
            core_url=f"http://127.0.0.1:{ports['core']}",
            env=env,
            log_dir=log_dir,
        )
        for name in SERVICES:
            plat.start(name)
        if with_worker:
            plat.start("core-worker", service="core", command="worker")
        try:
            plat.wait_ready()
            yield plat
        except BaseException:
            for name in (*SERVICES, "core-worker"):
                sys.stderr.write(f"--- {name} log ---\n{plat.logs(name)[-4000:]}\n")
            raise
        finally:
            for name in list(plat.processes):
                plat.stop(name)
