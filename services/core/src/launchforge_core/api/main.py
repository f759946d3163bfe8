"""All of core's API routers, joined in one place."""

from fastapi import APIRouter

from launchforge_core.api.routes import (
    builds,
    changes,
    previews,
    projects,
    provider_keys,
    specs,
    usage,
    versions,
)

api_router = APIRouter()
api_router.include_router(projects.router)
api_router.include_router(builds.router)
api_router.include_router(provider_keys.router)
api_router.include_router(usage.router)
api_router.include_router(specs.router)
api_router.include_router(changes.router)
api_router.include_router(versions.router)
api_router.include_router(previews.router)
