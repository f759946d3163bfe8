"""App factory and lifespan helpers shared by the FastAPI services.

A service's ``create_app(settings)`` calls :func:`create_service_app`, which
wires the same cross-cutting pieces everywhere: logging, the request-context
middleware, problem+json handlers and health endpoints. Resources (engine,
Redis) are opened in the service's lifespan with the context managers below
and stored on ``app.state``, never in module globals.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from launchforge_common.body_limit import BodyLimitMiddleware
from launchforge_common.cache import Cache
from launchforge_common.db import check_database, create_engine, create_sessionmaker, redact_url
from launchforge_common.errors import install_error_handlers
from launchforge_common.health import health_router, register_check
from launchforge_common.logging import configure_logging_from
from launchforge_common.middleware import RequestContextMiddleware
from launchforge_common.openapi import install_problem_openapi
from launchforge_common.redis import RedisHealth, check_redis, create_redis
from launchforge_common.settings import DatabaseSettings, ServiceSettings
from launchforge_common.tracing import (
    instrument_asgi,
    instrument_engine,
    instrument_redis,
    setup_tracing,
)

logger = logging.getLogger("launchforge.app")

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    lifespan: Lifespan,
    version: str = "0.1.0",
    **fastapi_kwargs: Any,
) -> FastAPI:
    configure_logging_from(settings)
    app = FastAPI(title=title, version=version, lifespan=lifespan, **fastapi_kwargs)
    app.state.settings = settings
    app.state.readiness_checks = {}
    install_error_handlers(app)
    install_problem_openapi(app)
    app.include_router(health_router())
    # Inside the request context: a 413/408 carries the request id and is logged.
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_size=settings.max_body_size,
        body_timeout=settings.body_timeout,
    )
    app.add_middleware(RequestContextMiddleware)
    if setup_tracing(settings.service_name, settings.tracing):
        # Outermost: the server span covers everything, errors included.
        app.add_middleware(_TracingMiddleware)
    return app


class _TracingMiddleware:
    """A server span per request, continuing the caller's W3C ``traceparent``."""

    def __init__(self, app: Any) -> None:
        self.app = instrument_asgi(app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@asynccontextmanager
async def open_database(app: FastAPI, settings: DatabaseSettings) -> AsyncIterator[AsyncEngine]:
    """Create the pooled engine, expose it on app.state, dispose it on exit."""
    engine = create_engine(settings)
    instrument_engine(engine)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    register_check(app.state, "database", lambda: check_database(engine))
    logger.info("database pool ready", extra={"url": redact_url(settings.database_url)})
    try:
        yield engine
    finally:
        await engine.dispose()
        logger.info("database pool closed")


@asynccontextmanager
async def open_redis(app: FastAPI, settings: ServiceSettings) -> AsyncIterator[Redis]:
    """Create the Redis client, its outage tracker and the cache on app.state."""
    client = create_redis(settings)
    instrument_redis()
    health = RedisHealth("redis", retry_after=settings.redis_retry_after)
    app.state.redis = client
    app.state.redis_health = health
    app.state.cache = Cache(client, prefix=f"lf:{settings.service_name}", health=health)
    # Optional: caches bypass Redis and rate limits fall back while it is down.
    register_check(app.state, "redis", lambda: check_redis(client), critical=False)
    try:
        yield client
    finally:
        await client.aclose()


def mark_draining(app: FastAPI) -> None:
    """Readiness turns false from here on, so load balancers stop sending."""
    app.state.draining = True
