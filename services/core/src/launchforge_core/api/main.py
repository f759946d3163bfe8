"""All of core's API routers, joined in one place."""

from fastapi import APIRouter

from launchforge_core.api.routes import projects

api_router = APIRouter()
api_router.include_router(projects.router)
