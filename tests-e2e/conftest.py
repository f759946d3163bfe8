"""End-to-end fixtures: the three services as real processes.

Each run gets fresh auth and core databases (dropped afterwards), runs the
services' migrations with their own CLI, starts auth, core and the gateway
with uvicorn on free ports, and waits until the gateway reports everything
ready. Tests then talk only to the gateway, as a client would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from launchforge_common.testing import free_port, temporary_database

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Four Python processes start at once (core's worker too); on a loaded 2-core
# machine imports alone can take most of a minute.
STARTUP_TIMEOUT_S = float(os.environ.get("E2E_STARTUP_TIMEOUT_S", "180"))


@dataclass
class Platform:
    """Handles on a running LaunchForge: URLs, environment, processes."""

    gateway_url: str
    auth_url: str
    core_url: str
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *, service: str | None = None, command: str = "serve") -> None:
        """Start ``launchforge_<service or name> <command>`` (e.g. core's ``worker``)."""
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", f"launchforge_{service or name}", command],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> int | None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def logs(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def wait_ready(url: str, processes: dict[str, subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        for name, proc in processes.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} during startup")
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise RuntimeError(f"platform not ready after {STARTUP_TIMEOUT_S}s: {last}")


def migrate(service: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", f"launchforge_{service}", "migrate"],
        env=env,
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
async def platform_databases() -> AsyncIterator[tuple[str, str]]:
    async with (
        temporary_database(BASE_DATABASE_URL, "lf_e2e_auth") as auth_db,
        temporary_database(BASE_DATABASE_URL, "lf_e2e_core") as core_db,
    ):
        yield auth_db, core_db


@pytest.fixture(scope="session")
def platform(
    platform_databases: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    auth_db, core_db = platform_databases
    ports = {name: free_port() for name in ("gateway", "auth", "core")}
    auth_url = f"http://127.0.0.1:{ports['auth']}"
    core_url = f"http://127.0.0.1:{ports['core']}"
    env = os.environ.copy()
    env.update(
        {
            "REDIS_URL": REDIS_URL,
            "AUTH_ENVIRONMENT": "test",
            "AUTH_DATABASE_URL": auth_db,
            "AUTH_PORT": str(ports["auth"]),
            # Cheap hashes keep the suite fast; production uses argon2's defaults.
            "AUTH_ARGON2_TIME_COST": "1",
            "AUTH_ARGON2_MEMORY_COST": "8192",
            "AUTH_ARGON2_PARALLELISM": "1",
            # Auth lifecycle tests: reuse detection without a grace window,
            # quick key reloads and mail, lockout state of this run only.
            "AUTH_REFRESH_REUSE_GRACE_SECONDS": "0",
            "AUTH_KEY_RELOAD_INTERVAL_SECONDS": "1",
            "AUTH_MAIL_POLL_INTERVAL_SECONDS": "0.2",
            "AUTH_REDIS_KEY_PREFIX": f"lf:auth:e2e:{uuid.uuid4().hex[:12]}",
            # A revoked API key stops working within this many seconds.
            "GATEWAY_INTROSPECTION_CACHE_TTL": "2",
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
    migrate("auth", env)
    migrate("core", env)
    plat = Platform(
        gateway_url=f"http://127.0.0.1:{ports['gateway']}",
        auth_url=auth_url,
        core_url=core_url,
        env=env,
        log_dir=tmp_path_factory.mktemp("platform-logs"),
    )
    for name in ("auth", "core", "gateway"):
        plat.start(name)
    plat.start("core-worker", service="core", command="worker")
    try:
        wait_ready(plat.gateway_url, plat.processes)
        yield plat
    except BaseException:
        for name in ("auth", "core", "core-worker", "gateway"):
            sys.stderr.write(f"--- {name} log ---\n{plat.logs(name)[-4000:]}\n")
        raise
    finally:
        for name in list(plat.processes):
            plat.stop(name)


@pytest.fixture
async def gateway(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as client:
        yield client
