"""The auth service's FastAPI app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from launchforge_common.app import create_service_app, mark_draining, open_database, open_redis

from launchforge_auth.api.main import api_router
from launchforge_auth.core.config import AuthSettings
from launchforge_auth.core.security import Passwords
from launchforge_auth.services.signing_keys import load_key_set

logger = logging.getLogger("launchforge.auth")


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or AuthSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        key_ring = settings.key_ring()
        passwords = Passwords.from_settings(settings)
        async with open_database(app, settings), open_redis(app, settings):
            await passwords.prepare()
            app.state.passwords = passwords
            app.state.key_set = await load_key_set(
                sessionmaker=app.state.sessionmaker, settings=settings, key_ring=key_ring
            )
            logger.info("auth ready", extra={"environment": settings.environment})
            try:
                yield
            finally:
                mark_draining(app)

    app = create_service_app(settings, title="LaunchForge auth", lifespan=lifespan)
    app.include_router(api_router)
    return app
