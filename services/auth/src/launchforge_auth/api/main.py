"""Every router of the auth service, joined in one place."""

from __future__ import annotations

from fastapi import APIRouter

from launchforge_auth.api import auth, jwks

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(jwks.router)
