"""New-password rules: 8-128 characters, no common passwords, no composition rules."""

from __future__ import annotations

import uuid

import httpx
import pytest
from launchforge_auth.core.password_policy import check_new_password, common_passwords


def _email() -> str:
    return f"policy-{uuid.uuid4().hex[:10]}@example.com"


@pytest.mark.parametrize(
    "password", ["Password123", "Password1", "12345678", "QWERTYUIOP", "iloveyou"]
)
async def test_common_passwords_are_refused_without_echoing_them(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await client.post(
        "/v1/auth/register", json={"email": _email(), "password": password}
    )
    assert response.status_code == 422
    assert "too common" in response.text
    assert password not in response.text


@pytest.mark.parametrize(
    ("password", "status"),
    [
        ("a" * 7, 422),
        ("horse staple", 201),  # lowercase letters and a space only: fine
        ("zzzzzzzzzzzz", 201),
        ("é" * 8, 201),
        ("x" * 128, 201),
        ("x" * 129, 422),
    ],
)
async def test_length_is_the_only_composition_rule(
    client: httpx.AsyncClient, password: str, status: int
) -> None:
    response = await client.post(
        "/v1/auth/register", json={"email": _email(), "password": password}
    )
    assert response.status_code == status, response.text


def test_the_shipped_list_is_loaded_and_checked_case_insensitively() -> None:
    assert len(common_passwords()) > 100
    assert all(len(p) >= 8 for p in common_passwords())
    with pytest.raises(ValueError, match="too common"):
        check_new_password("LetMeIn123")
    assert check_new_password("correct horse battery staple") == "correct horse battery staple"
