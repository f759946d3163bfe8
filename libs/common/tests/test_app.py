"""The shared app factory: problem+json errors, request ids, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from launchforge_common.app import create_service_app
from launchforge_common.errors import ConflictError
from launchforge_common.health import register_check
from launchforge_common.settings import ServiceSettings
from pydantic import BaseModel, Field


class Payload(BaseModel):
    password: str = Field(min_length=8)


def build_app(fail_check: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def ok() -> None:
            return None

        async def broken() -> None:
            raise ConnectionRefusedError("db.internal:5432 refused")

        register_check(app.state, "database", broken if fail_check else ok)
        yield

    app = create_service_app(ServiceSettings(service_name="demo"), title="demo", lifespan=lifespan)

    @app.post("/things")
    async def create(payload: Payload) -> dict[str, str]:
        raise ConflictError("That thing already exists.")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_domain_error_is_problem_json() -> None:
    async with client(build_app()) as c:
        r = await c.post("/things", json={"password": "long enough"})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["title"] == "Conflict"
    assert body["status"] == 409
    assert body["detail"] == "That thing already exists."
    assert body["request_id"] == r.headers["x-request-id"]


async def test_validation_error_never_echoes_input() -> None:
    async with client(build_app()) as c:
        r = await c.post("/things", json={"password": "hunter2"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in r.text
    assert r.json()["errors"][0]["loc"] == ["body", "password"]


async def test_malformed_json_is_422_problem() -> None:
    async with client(build_app()) as c:
        r = await c.post(
            "/things", content=b'{"password": ', headers={"content-type": "application/json"}
        )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


async def test_unhandled_error_is_generic_500_with_request_id() -> None:
    async with client(build_app()) as c:
        r = await c.get("/boom", headers={"X-Request-ID": "abc-123"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "abc-123"
    assert "secret internal detail" not in r.text
    assert "Traceback" not in r.text


async def test_request_id_generated_or_replaced_when_malformed() -> None:
    async with client(build_app()) as c:
        generated = await c.get("/livez")
        hostile = await c.get("/livez", headers={"X-Request-ID": "bad id\twith spaces"})
        unknown = await c.get("/nope")
    assert len(generated.headers["x-request-id"]) == 32
    assert hostile.headers["x-request-id"] != "bad id\twith spaces"
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_readyz_names_failed_check_without_internals() -> None:
    from asgi_lifespan import LifespanManager

    app = build_app(fail_check=True)
    async with LifespanManager(app), client(app) as c:
        r = await c.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["checks"]["database"] == {"status": "fail", "reason": "ConnectionRefusedError"}
    assert "db.internal" not in r.text

    healthy = build_app()
    async with LifespanManager(healthy), client(healthy) as c:
        r = await c.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"]["database"]["status"] == "ok"


def test_overall_status_fails_only_on_critical_checks() -> None:
    from launchforge_common.health import overall_status

    ok, fail = {"status": "ok"}, {"status": "fail", "reason": "timeout"}
    assert overall_status({"database": ok, "redis": ok}, {"redis"}) == "ok"
    assert overall_status({"database": ok, "redis": fail}, {"redis"}) == "degraded"
    assert overall_status({"database": fail, "redis": ok}, {"redis"}) == "fail"
    assert overall_status({"database": fail, "redis": fail}) == "fail"


def build_limited_app(received: list[int]) -> FastAPI:
    """A service app with a 1,000-byte body limit; ``received`` records what the route read."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    settings = ServiceSettings(service_name="demo", max_body_size=1000)
    app = create_service_app(settings, title="demo", lifespan=lifespan)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()
        received.append(len(body))
        return {"size": len(body)}

    return app


async def test_a_service_refuses_a_declared_body_over_its_limit() -> None:
    received: list[int] = []
    async with client(build_limited_app(received)) as c:
        small = await c.post("/echo", content=b"x" * 1000)
        big = await c.post("/echo", content=b"x" * 1001, headers={"X-Request-ID": "big-1"})
    assert small.status_code == 200
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"
    assert big.json()["status"] == 413
    assert big.headers["x-request-id"] == "big-1"
    assert received == [1000]  # the route never ran for the big one


async def test_a_service_refuses_a_streamed_body_as_it_passes_the_limit() -> None:
    received: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 300

    async with client(build_limited_app(received)) as c:
        response = await c.post("/echo", content=chunks())  # chunked: no Content-Length
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert received == []


async def test_the_access_log_never_holds_a_preview_token(caplog) -> None:
    import logging

    from launchforge_common.logging import ACCESS_LOGGER
    from launchforge_common.middleware import loggable_path

    assert loggable_path("/preview/b1/tok.en/api/x") == "/preview/b1/[redacted]/api/x"
    assert loggable_path("/preview/b1/tok") == "/preview/b1/[redacted]"
    assert loggable_path("/v1/projects/p/preview") == "/v1/projects/p/preview"
    app = build_app()
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        async with client(app) as c:
            await c.get("/preview/b1/SECRET-TOKEN/page")
    lines = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert lines, "no access line written"
    assert all("SECRET-TOKEN" not in r.getMessage() for r in lines)
    assert all("SECRET-TOKEN" not in str(getattr(r, "path", "")) for r in lines)
    assert any(getattr(r, "path", "") == "/preview/b1/[redacted]/page" for r in lines)
