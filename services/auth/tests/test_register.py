from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PROBLEM = "application/problem+json"


async def test_register_returns_201_with_id_and_normalised_email(
    client: httpx.AsyncClient, db: AsyncEngine
) -> None:
    local = f"Mixed.Case-{uuid.uuid4().hex[:8]}"
    response = await client.post(
        "/v1/auth/register",
        json={"email": f"  {local}@Example.COM ", "password": "s3cret-password"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email"}
    assert body["email"] == f"{local.lower()}@example.com"
    user_id = uuid.UUID(body["id"])

    async with db.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT email, password_hash, plan, roles, email_verified, disabled"
                    " FROM users WHERE id = :id"
                ),
                {"id": user_id},
            )
        ).one()
    assert row.email == body["email"]
    assert row.password_hash.startswith("$argon2id$")
    assert "s3cret-password" not in row.password_hash
    assert (row.plan, row.roles, row.email_verified, row.disabled) == (
        "free",
        ["user"],
        False,
        False,
    )


async def test_duplicate_email_is_409_problem_even_with_different_case(
    client: httpx.AsyncClient, email: str
) -> None:
    first = await client.post("/v1/auth/register", json={"email": email, "password": "x" * 10})
    assert first.status_code == 201
    again = await client.post(
        "/v1/auth/register", json={"email": email.upper(), "password": "y" * 10}
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    problem = again.json()
    assert problem["status"] == 409
    assert problem["title"] == "Conflict"


async def test_concurrent_registrations_of_one_email_create_one_account(
    client: httpx.AsyncClient, db: AsyncEngine, email: str
) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/register", json={"email": email, "password": f"password-{i}"})
            for i in range(8)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7
    async with db.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM users WHERE email = :email"), {"email": email}
        )
    assert count == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "long enough password"}, "email"),
        ({"email": "a@b", "password": "long enough password"}, "email"),
        ({"email": "valid@example.com", "password": "Sh0rt!x"}, "password"),
        ({"email": "valid@example.com", "password": "L" * 129}, "password"),
        ({"email": "valid@example.com"}, "password"),
    ],
)
async def test_invalid_input_is_422_problem_without_echoing_the_password(
    client: httpx.AsyncClient, payload: dict[str, str], field: str
) -> None:
    response = await client.post("/v1/auth/register", json=payload)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert any(err["loc"][-1] == field for err in problem["errors"])
    if "password" in payload:
        assert payload["password"] not in response.text


async def test_password_length_boundaries_are_accepted(client: httpx.AsyncClient) -> None:
    for password in ("8chars!!", "p" * 128):
        response = await client.post(
            "/v1/auth/register",
            json={"email": f"edge-{uuid.uuid4().hex[:8]}@example.com", "password": password},
        )
        assert response.status_code == 201, response.text
