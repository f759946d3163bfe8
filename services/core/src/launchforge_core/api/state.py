"""Core's wiring as one typed object: what the lifespan opens, what routes and tools use.

``app.state`` is an untyped bag: a misspelt or missing attribute there is an
``AttributeError`` at request time. The lifespan builds one :class:`CoreState`
instead, and every reader goes through :func:`core_state`, so mypy checks each
use and a request that arrives before the lifespan ran fails with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import Request
from launchforge_common.cache import Cache
from launchforge_common.crypto import KeyRing
from launchforge_common.introspection import APIKeyIntrospector
from launchforge_common.redis import RedisHealth
from launchforge_common.tokens import JWKSVerifier
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.types import ASGIApp

from launchforge_core.config import CoreSettings
from launchforge_core.services.artifacts import ArtifactStore
from launchforge_core.services.builds import BuildReader
from launchforge_core.services.events import Publisher
from launchforge_core.services.previews import PreviewTokens
from launchforge_core.services.projects import ProjectReader


@dataclass
class CoreState:
    """Everything a request of core may need, opened once per app run."""

    settings: CoreSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: Redis | None
    redis_health: RedisHealth
    cache: Cache
    # auth's JWKS and introspection, and the client they share
    http: httpx.AsyncClient
    verifier: JWKSVerifier
    introspector: APIKeyIntrospector
    project_reader: ProjectReader
    build_reader: BuildReader
    keyring: KeyRing
    artifact_store: ArtifactStore
    # Preview requests stream to the worker running the app (api/preview_proxy).
    preview_tokens: PreviewTokens
    preview_http: httpx.AsyncClient
    # Set once the MCP session manager runs (api/mcp/endpoint.serve_mcp).
    mcp_app: ASGIApp | None = None
    mcp_rest: httpx.AsyncClient | None = None

    def publisher(self) -> Publisher:
        return Publisher(self.redis, self.redis_health)


def app_state(app: Starlette) -> CoreState:
    """The app's :class:`CoreState`; RuntimeError before the lifespan has built it."""
    state = getattr(app.state, "core", None)
    if not isinstance(state, CoreState):
        raise RuntimeError("core's state is not ready: the app's lifespan has not run")
    return state


def core_state(request: Request) -> CoreState:
    """For routes and dependencies: the state of the app serving ``request``."""
    return app_state(request.app)
