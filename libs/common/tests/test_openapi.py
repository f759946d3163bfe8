"""The OpenAPI document says what the API answers: every error is problem+json.

Found by the schemathesis drill: the generated documents declared only the
success answer and FastAPI's own 422 shape (``application/json``), so every
real 401, 404 or 422 was a contract violation for a client reading them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from launchforge_common.app import create_service_app
from launchforge_common.openapi import problem_responses
from launchforge_common.settings import ServiceSettings
from pydantic import BaseModel


class Thing(BaseModel):
    name: str


def document() -> dict[str, Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(ServiceSettings(service_name="demo"), title="demo", lifespan=lifespan)
    router = APIRouter(prefix="/things", responses=problem_responses(401))

    @router.post("", status_code=201)
    async def create(body: Thing) -> Thing:
        return body

    @router.get("/{thing_id}", responses=problem_responses(404))
    async def read(thing_id: int) -> Thing:
        return Thing(name=str(thing_id))

    @router.get("")
    async def listing() -> list[Thing]:
        return []

    app.include_router(router)
    return app.openapi()


def test_every_error_answer_is_problem_json() -> None:
    doc = document()
    paths = doc["paths"]
    create = paths["/things"]["post"]["responses"]
    read = paths["/things/{thing_id}"]["get"]["responses"]
    listing = paths["/things"]["get"]["responses"]
    # Declared by the router and the route, plus what any request can get.
    assert set(create) == {"201", "401", "422", "429", "503", "400"}  # 400: undecodable body
    assert set(read) == {"200", "401", "404", "422", "429", "503"}
    assert set(listing) == {"200", "401", "429", "503"}
    for responses in (create, read, listing):
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], status
    assert create["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationProblem"
    }
    assert read["404"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert {"Problem", "ValidationProblem", "FieldError"} <= schemas.keys()
    assert set(schemas["Problem"]["required"]) == {"title", "status"}


def test_the_document_is_built_once() -> None:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(ServiceSettings(service_name="demo"), title="demo", lifespan=lifespan)
    assert app.openapi() is app.openapi()
