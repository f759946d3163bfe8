"""Every router of the auth service, joined in one place."""

from __future__ import annotations

from fastapi import APIRouter

from launchforge_auth.api.routes import (
    account_email,
    admin,
    api_keys,
    auth,
    internal,
    jwks,
    sessions,
)


def api_router(*, development_tools: bool) -> APIRouter:
    """All routes; the development outbox only when ``development_tools``."""
    router = APIRouter()
    for module in (auth, account_email, sessions, api_keys, admin, jwks, internal):
        router.include_router(module.router)
    if development_tools:
        router.include_router(internal.dev_router)
    return router
