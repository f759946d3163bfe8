"""The SSRF guard on users' model server URLs (providers/egress.py)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from launchforge_core.core.config import CoreSettings
from launchforge_core.providers.egress import (
    EgressRefusedError,
    address_allowed,
    check_destination,
)

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
SECRET = "sk-test-egress-0123456789"


@pytest.mark.parametrize(
    ("address", "allowed", "expected"),
    [
        ("93.184.215.14", [], True),  # public
        ("2606:4700::1111", [], True),
        ("169.254.169.254", [], False),  # cloud metadata
        ("169.254.169.254", LOOPBACK, False),
        ("10.0.4.7", [], False),
        ("10.0.4.7", [ipaddress.ip_network("10.0.4.0/24")], True),
        ("10.0.5.7", [ipaddress.ip_network("10.0.4.0/24")], False),
        ("127.0.0.1", [], False),
        ("127.0.0.1", LOOPBACK, True),
        ("::1", LOOPBACK, True),
        ("::ffff:10.0.0.1", [], False),  # IPv4-mapped private
        ("::ffff:10.0.0.1", [ipaddress.ip_network("10.0.0.0/8")], True),
        ("100.64.0.1", [], False),  # carrier-grade NAT
        ("0.0.0.0", [], False),  # noqa: S104 - a destination under test, not a bind
    ],
)
def test_address_allowed(address: str, allowed: list[Any], expected: bool) -> None:
    assert address_allowed(ipaddress.ip_address(address), allowed) is expected


async def test_hostnames_are_checked_by_what_they_resolve_to() -> None:
    with pytest.raises(EgressRefusedError, match=r"localhost resolves to .*CORE_PROVIDER_"):
        await check_destination("http://localhost:11434/v1", [])
    await check_destination("http://localhost:11434/v1", LOOPBACK)


async def test_ip_literals_and_schemes() -> None:
    with pytest.raises(EgressRefusedError, match=r"169\.254\.169\.254"):
        await check_destination("http://169.254.169.254/latest/meta-data", LOOPBACK)
    with pytest.raises(EgressRefusedError, match="http"):
        await check_destination("file:///etc/passwd", LOOPBACK)
    await check_destination("https://93.184.215.14/v1", [])
    # A name that does not resolve is left to the request itself (a connect error).
    await check_destination("http://no-such-host.invalid/v1", [])


def test_default_networks_by_environment() -> None:
    dev = CoreSettings(environment="development")
    assert [str(n) for n in dev.allowed_provider_networks] == ["127.0.0.0/8", "::1/128"]
    explicit = CoreSettings(environment="development", provider_allowed_networks=["10.0.4.0/24"])
    assert [str(n) for n in explicit.allowed_provider_networks] == ["10.0.4.0/24"]


async def test_a_build_aimed_at_a_non_public_address_fails_without_calling_it(
    client, make_user, make_project, make_job_context, run_build_to_end
) -> None:
    user = make_user()
    put = await client.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": SECRET, "base_url": "http://169.254.169.254/latest"},
        headers=user.headers,
    )
    assert put.status_code == 200
    project_id = await make_project(user)
    created = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": "A plant watering planner", "provider": "openai_compatible"},
        headers=user.headers,
    )
    assert created.status_code == 202
    calls: list[Any] = []

    async def pipeline(inp: Any, *, llm: Any, emit: Any, settings: Any) -> Any:
        calls.append(inp)
        raise AssertionError("the pipeline must not run")

    ctx = make_job_context(run_pipeline=pipeline)
    row = await run_build_to_end(ctx, created.json()["id"])
    assert row.status == "failed"
    assert "169.254.169.254" in row.error
    assert "CORE_PROVIDER_ALLOWED_NETWORKS" in row.error
    assert calls == []
