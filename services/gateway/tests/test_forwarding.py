"""X-Forwarded-* and X-Request-ID handling."""

from __future__ import annotations

import re

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def received(response) -> dict[str, str]:
    return {name: value for name, value in response.json()["headers"]}


async def test_untrusted_peer_forwarded_headers_replaced(gateway, client) -> None:
    response = await client.get(
        f"{gateway.url}/v1/projects",
        headers={
            "X-Forwarded-For": "6.6.6.6",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
            "Forwarded": "for=6.6.6.6",
            "X-Real-IP": "6.6.6.6",
        },
    )
    headers = received(response)
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == f"127.0.0.1:{gateway.port}"
    assert "forwarded" not in headers
    assert "x-real-ip" not in headers


async def test_trusted_peer_chain_appended(trusted_gateway, client) -> None:
    response = await client.get(
        f"{trusted_gateway.url}/v1/projects",
        headers={
            "X-Forwarded-For": "203.0.113.7, 10.0.0.2",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "app.launchforge.dev",
        },
    )
    headers = received(response)
    assert headers["x-forwarded-for"] == "203.0.113.7, 10.0.0.2, 127.0.0.1"
    assert headers["x-forwarded-proto"] == "https"
    assert headers["x-forwarded-host"] == "app.launchforge.dev"


async def test_trusted_peer_without_chain(trusted_gateway, client) -> None:
    headers = received(await client.get(f"{trusted_gateway.url}/v1/projects"))
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == f"127.0.0.1:{trusted_gateway.port}"


async def test_request_id_generated_when_absent(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/v1/projects")
    rid = response.headers["x-request-id"]
    assert HEX_ID.match(rid)
    assert received(response)["x-request-id"] == rid


async def test_request_id_kept_when_well_formed(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/v1/projects", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert received(response)["x-request-id"] == "abc-123"


async def test_request_id_replaced_when_malformed(gateway, client) -> None:
    bad = "bad id <script>" + "x" * 200
    response = await client.get(f"{gateway.url}/v1/projects", headers={"X-Request-ID": bad})
    rid = response.headers["x-request-id"]
    assert rid != bad
    assert HEX_ID.match(rid)
    assert received(response)["x-request-id"] == rid


async def test_upstream_request_id_overwritten_by_gateway_id(gateway, client) -> None:
    response = await client.get(f"{gateway.url}/v1/projects/hop", headers={"X-Request-ID": "r-1"})
    assert response.headers.get_list("x-request-id") == ["r-1"]


async def test_request_id_on_gateway_errors(gateway, core_down_gateway, client) -> None:
    cases = [
        (gateway.url + "/internal/x", 404),
        (core_down_gateway.url + "/v1/projects", 502),
        (gateway.url + "/v1/projects/hang", 504),
    ]
    for url, status in cases:
        response = await client.get(url, headers={"X-Request-ID": f"err-{status}"})
        assert response.status_code == status
        assert response.headers["x-request-id"] == f"err-{status}"
        assert response.json()["request_id"] == f"err-{status}"
        generated = await client.get(url)
        assert HEX_ID.match(generated.headers["x-request-id"])
        assert generated.json()["request_id"] == generated.headers["x-request-id"]


async def test_auth_gets_the_resolved_client_vouched_by_the_internal_token(
    start_gateway, upstream, client
) -> None:
    """Auth needs to trust no address range: the gateway tells it who the client is."""
    (gateway,) = start_gateway(
        {
            "auth_url": upstream.url,
            "core_url": upstream.url,
            "edge_auth_enabled": "false",
            "trusted_proxies": "127.0.0.0/8",
            "internal_token": "gateway-internal-token",
        }
    )
    forged = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Internal-Token": "forged",
        "X-Client-IP": "6.6.6.6",
    }
    to_auth = received(await client.post(f"{gateway.url}/v1/auth/login", headers=forged))
    assert to_auth["x-internal-token"] == "gateway-internal-token"
    assert to_auth["x-client-ip"] == "203.0.113.9"
    to_core = received(await client.get(f"{gateway.url}/v1/projects", headers=forged))
    assert "x-internal-token" not in to_core
    assert "x-client-ip" not in to_core
