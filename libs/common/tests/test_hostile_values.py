"""Hostile values: 422 problem+json, never a 500, never an outsized answer.

Values PostgreSQL refuses are the client's mistake.

Found by the schemathesis drill: an API key named ``"a\\u0000b"`` passed
validation (it is a valid JSON string) and the INSERT failed with a
``DBAPIError`` the handlers answered 500. The same holds for an unpaired
surrogate (``"\\ud800"``) and an integer outside ``bigint``. A real outage
stays a 503.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from launchforge_common.errors import (
    MAX_REPORTED_ERRORS,
    install_error_handlers,
    is_data_exception,
)
from pydantic import BaseModel, ConfigDict
from sqlalchemy import text


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def with_echo(app: FastAPI) -> FastAPI:
    @app.post("/echo")
    async def echo(body: dict[str, Any]) -> dict[str, Any]:
        async with app.state.sessionmaker() as session:
            value = await session.scalar(
                text("SELECT CAST(:v AS text)")
                if isinstance(body["v"], str)
                else text("SELECT CAST(:v AS bigint)"),
                {"v": body["v"]},
            )
        return {"v": value}

    return app


@pytest.fixture
async def client(
    database_url: str, app_on_database: Callable[[str], FastAPI]
) -> AsyncIterator[httpx.AsyncClient]:
    app = with_echo(app_on_database(database_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


@pytest.mark.parametrize(
    "raw",
    [b'{"v": "a\\u0000b"}', b'{"v": "a\\ud800b"}', b'{"v": 1180591620717411303424}'],
    ids=["nul", "lone-surrogate", "beyond-bigint"],
)
async def test_unstorable_values_are_422_problems(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post("/echo", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 422
    assert response.json()["errors"] == []


async def test_ordinary_values_still_work(client: httpx.AsyncClient) -> None:
    response = await client.post("/echo", json={"v": "'; DROP TABLE x; --"})
    assert response.status_code == 200
    assert response.json() == {"v": "'; DROP TABLE x; --"}


def test_only_data_exceptions_count() -> None:
    assert not is_data_exception(ValueError("not a database error"))
    assert not is_data_exception(ConnectionError())


async def test_a_flood_of_field_errors_is_answered_with_a_bounded_list() -> None:
    """Found by the hostile-input drill: 50 000 bad keys got a 4 MB problem back."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/strict")
    async def strict(body: Strict) -> None:
        return None

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post("/strict", json={f"k{i}": i for i in range(50_000)})
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == MAX_REPORTED_ERRORS
    assert problem["errors_omitted"] == 50_000 - MAX_REPORTED_ERRORS
    assert len(response.content) < 10_000
