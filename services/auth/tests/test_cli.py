from __future__ import annotations

import asyncio
import base64
import os
import signal
import sys
import time
from collections.abc import Callable

import httpx
import pytest
from launchforge_auth.__main__ import main
from launchforge_auth.config import AuthSettings
from launchforge_common.testing import free_port, temporary_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def test_generate_key_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-key"]) == 0
    assert len(base64.b64decode(capsys.readouterr().out.strip(), validate=True)) == 32


async def test_migrate_command_uses_the_settings_url(monkeypatch: pytest.MonkeyPatch) -> None:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_auth_cli") as url:
        monkeypatch.setenv("AUTH_DATABASE_URL", url)
        monkeypatch.setenv("AUTH_ENVIRONMENT", "test")
        assert await asyncio.to_thread(main, ["migrate"]) == 0
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        finally:
            await engine.dispose()
        assert version == "0002"


async def test_serve_answers_and_shuts_down_on_sigterm(
    database_url: str, make_settings: Callable[..., AuthSettings]
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "AUTH_DATABASE_URL": database_url,
        "AUTH_ENVIRONMENT": "test",
        "AUTH_PORT": str(port),
        "AUTH_ARGON2_TIME_COST": "1",
        "AUTH_ARGON2_MEMORY_COST": "8",
        "AUTH_ARGON2_PARALLELISM": "1",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launchforge_auth",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            while True:
                try:
                    response = await client.get("/readyz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or proc.returncode is not None:
                        raise
                    await asyncio.sleep(0.1)
            assert response.status_code == 200
            assert "server" not in response.headers
            jwks = await client.get("/.well-known/jwks.json")
            assert jwks.status_code == 200
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
        shutdown_s = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = output.decode()
    # uvicorn re-raises the signal once it has shut down gracefully.
    assert proc.returncode in (0, -signal.SIGTERM), log
    assert shutdown_s < 5, log
    assert "Application shutdown complete" in log
    assert "database pool closed" in log
    assert "auth ready" in log
    assert "Application startup complete" in log
    assert "GET /readyz" not in log  # probes are not access-logged
    assert "GET /.well-known/jwks.json 200" in log
