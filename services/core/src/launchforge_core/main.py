"""The core service's ASGI app: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI
from launchforge_common.app import create_service_app, mark_draining, open_database, open_redis
from launchforge_common.credential_checks import CredentialChecks
from launchforge_common.http import create_http_client
from starlette.routing import Route

from launchforge_core.api.main import api_router
from launchforge_core.api.mcp.endpoint import PATH as MCP_PATH
from launchforge_core.api.mcp.endpoint import MCPEndpoint, serve_mcp
from launchforge_core.api.mcp.server import build_mcp_server
from launchforge_core.api.preview_proxy import router as preview_router
from launchforge_core.api.state import CoreState
from launchforge_core.config import CoreSettings, keyring_from
from launchforge_core.services.artifacts import PostgresArtifactStore
from launchforge_core.services.builds import build_build_reader
from launchforge_core.services.previews import PreviewTokens
from launchforge_core.services.projects import build_project_reader


def create_app(settings: CoreSettings | None = None) -> FastAPI:
    settings = settings or CoreSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(open_database(app, settings))
            await stack.enter_async_context(open_redis(app, settings))
            http = await stack.enter_async_context(
                create_http_client(timeout=settings.jwks_timeout, max_connections=10)
            )
            cache = app.state.cache
            checks = CredentialChecks.from_settings(settings, http=http, cache=cache)
            sessionmaker = app.state.sessionmaker
            app.state.core = CoreState(
                settings=settings,
                sessionmaker=sessionmaker,
                redis=app.state.redis,
                redis_health=app.state.redis_health,
                cache=cache,
                http=http,
                verifier=checks.verifier,
                introspector=checks.introspector,
                project_reader=build_project_reader(cache, ttl=settings.project_cache_ttl),
                build_reader=build_build_reader(cache, ttl=settings.build_cache_ttl),
                keyring=keyring_from(settings),
                artifact_store=PostgresArtifactStore(
                    sessionmaker, max_bytes=settings.max_artifact_bytes
                ),
                preview_tokens=PreviewTokens.from_settings(settings),
                preview_http=await stack.enter_async_context(
                    httpx.AsyncClient(
                        timeout=httpx.Timeout(60.0, connect=5.0),
                        limits=httpx.Limits(max_connections=100),
                        follow_redirects=False,
                        trust_env=False,
                    )
                ),
            )
            await stack.enter_async_context(serve_mcp(app, mcp_server))
            try:
                yield
            finally:
                mark_draining(app)

    app = create_service_app(settings, title="LaunchForge core", lifespan=lifespan)
    app.include_router(api_router)
    mcp_server = build_mcp_server(app)
    # A plain Starlette route (not a Mount): "/mcp" itself, with no redirect to "/mcp/";
    # every method reaches the endpoint, which takes POST and answers 405 otherwise.
    app.router.routes.append(Route(MCP_PATH, endpoint=MCPEndpoint()))
    app.include_router(preview_router)
    return app
