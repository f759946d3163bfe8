"""The auth service's FastAPI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from launchforge_common.app import create_service_app, mark_draining, open_database, open_redis

from launchforge_auth.api.main import api_router
from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import KeySet, Passwords
from launchforge_auth.services.housekeeping import run_housekeeping
from launchforge_auth.services.login_throttle import LoginThrottle
from launchforge_auth.services.mail import OutboxDrainer, create_sender
from launchforge_auth.services.signing_keys import KeyManager, load_key_set

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
            app.state.key_ring = key_ring
            sessionmaker = app.state.sessionmaker

            async def load() -> KeySet:
                return await load_key_set(
                    sessionmaker=sessionmaker, settings=settings, key_ring=key_ring
                )

            keys = KeyManager(load, interval=settings.key_reload_interval_seconds)
            await keys.reload()
            app.state.keys = keys
            app.state.login_throttle = LoginThrottle(
                app.state.redis, app.state.redis_health, settings
            )
            drainer = OutboxDrainer(
                sessionmaker=sessionmaker,
                sender=create_sender(settings),
                key_ring=key_ring,
                settings=settings,
            )
            app.state.mail_drainer = drainer
            tasks = [
                asyncio.create_task(keys.run(), name="auth-key-reload"),
                asyncio.create_task(drainer.run(), name="auth-mail-outbox"),
                asyncio.create_task(
                    run_housekeeping(sessionmaker, settings.purge_interval_seconds),
                    name="auth-housekeeping",
                ),
            ]
            logger.info("auth ready", extra={"environment": settings.environment})
            try:
                yield
            finally:
                mark_draining(app)
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    app = create_service_app(settings, title="LaunchForge auth", lifespan=lifespan)
    app.include_router(api_router(development_tools=not settings.is_production))
    return app
