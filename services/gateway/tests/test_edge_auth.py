"""Edge authentication through a real gateway process (auth is a stand-in upstream)."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(signer, **claims) -> str:
    """An ``alg: none`` token with otherwise valid claims."""
    now = int(time.time())
    payload = {
        "sub": "attacker",
        "iss": signer.issuer,
        "aud": signer.audience,
        "iat": now,
        "exp": now + 600,
        **claims,
    }
    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': signer.kid})}.{b64(payload)}."


def tampered(signer) -> str:
    """A real token whose payload was changed after signing (another subject)."""
    header, payload, signature = signer.mint("victim").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "attacker"
    return f"{header}.{b64(claims)}.{signature}"


BAD_TOKENS = {
    "alg_none": lambda s: unsigned(s),
    "forged_payload": tampered,
    "wrong_key_same_kid": lambda s: s.mint(key=Ed25519PrivateKey.generate()),
    "unknown_kid": lambda s: s.mint(key=Ed25519PrivateKey.generate(), kid="attacker-key"),
    "expired": lambda s: s.mint(exp=int(time.time()) - 60, iat=int(time.time()) - 700),
    "wrong_audience": lambda s: s.mint(aud="someone-else"),
    "wrong_issuer": lambda s: s.mint(iss="https://evil.example"),
    "garbage": lambda s: "not.a.jwt",
    "hs256_with_public_key": lambda s: _hs256(s),
}


def _hs256(signer) -> str:
    import jwt

    now = int(time.time())
    claims = {"sub": "x", "iss": signer.issuer, "aud": signer.audience, "iat": now, "exp": now + 60}
    return jwt.encode(claims, "x" * 32, algorithm="HS256", headers={"kid": signer.kid})


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
async def test_bad_tokens_are_401_and_never_reach_a_service(
    kind, edge, upstream, signer, client, fresh_ip
) -> None:
    path = f"/v1/projects/{uuid.uuid4().hex}"
    response = await client.get(
        edge.url + path,
        headers={
            "Authorization": f"Bearer {BAD_TOKENS[kind](signer)}",
            "X-Forwarded-For": fresh_ip(),
        },
    )
    assert response.status_code == 401, kind
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    assert path not in upstream.state.paths


async def test_missing_token_is_401_on_protected_routes(edge, upstream, client, fresh_ip) -> None:
    for path in ("/v1/projects", f"/v1/builds/{uuid.uuid4().hex}", "/v1/auth/me", "/v1/usage"):
        response = await client.get(edge.url + path, headers={"X-Forwarded-For": fresh_ip()})
        assert response.status_code == 401, path
        assert response.json()["detail"] == "A bearer token is required."
    response = await client.get(
        edge.url + "/v1/projects", headers={"Authorization": "Basic dXNlcjpwYXNz"}
    )
    assert response.status_code == 401


async def test_valid_token_is_forwarded_with_its_header(edge, signer, client, fresh_ip) -> None:
    token = signer.mint()
    response = await client.get(
        f"{edge.url}/v1/projects/p1",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": fresh_ip()},
    )
    assert response.status_code == 200
    received = dict(response.json()["headers"])
    # Services verify tokens themselves: the header is passed on untouched.
    assert received["authorization"] == f"Bearer {token}"


async def test_unknown_kid_refetches_jwks_at_most_once_per_interval(
    edge, upstream, signer, client, fresh_ip
) -> None:
    before = upstream.state.jwks_fetches
    for _ in range(5):
        token = signer.mint(key=Ed25519PrivateKey.generate(), kid=uuid.uuid4().hex)
        response = await client.get(
            f"{edge.url}/v1/projects",
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": fresh_ip()},
        )
        assert response.status_code == 401
    # The edge gateway refetches at most once per 30 s: five forged kids in a
    # row cost auth at most one fetch.
    assert upstream.state.jwks_fetches - before <= 1


@pytest.mark.parametrize(
    "path",
    [
        "/v1/auth/register",
        "/v1/auth/refresh",
        "/v1/auth/verify-email",
        "/v1/auth/verify-email/resend",
        "/v1/auth/password/forgot",
        "/v1/auth/password/reset",
        "/.well-known/jwks.json",
    ],
)
async def test_public_routes_need_no_token(edge, path, client, fresh_ip) -> None:
    response = await client.post(
        edge.url + path,
        headers={"X-Forwarded-For": fresh_ip(), "Authorization": "Bearer stale.invalid.token"},
    )
    # The stand-in auth answers 200; an invalid token on a public route is ignored.
    assert response.status_code == 200, path


async def test_outside_v1_needs_no_token(edge, client) -> None:
    # Not routed (a future web app would be): the gateway's own 404, not a 401.
    response = await client.get(f"{edge.url}/some/page")
    assert response.status_code == 404
    assert (await client.get(f"{edge.url}/livez")).status_code == 200


async def test_api_keys_are_introspected(edge, upstream, client, fresh_ip) -> None:
    live = f"lf_{uuid.uuid4().hex}"
    revoked = f"lf_{uuid.uuid4().hex}"
    upstream.state.api_keys[live] = {
        "active": True,
        "sub": "user-with-key",
        "plan": "pro",
        "key_id": uuid.uuid4().hex,
        "scopes": ["projects:read"],
    }
    upstream.state.api_keys[revoked] = {"active": False}
    ok = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer {live}", "X-Forwarded-For": fresh_ip()},
    )
    assert ok.status_code == 200
    assert ok.headers["ratelimit-policy"] == '"api-key";q=4;w=60'
    refused = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer {revoked}", "X-Forwarded-For": fresh_ip()},
    )
    assert refused.status_code == 401
    unknown = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer lf_{uuid.uuid4().hex}", "X-Forwarded-For": fresh_ip()},
    )
    assert unknown.status_code == 401


async def test_the_mcp_endpoint_is_authenticated_like_v1(edge, upstream, client, fresh_ip) -> None:
    key = f"lf_{uuid.uuid4().hex}"
    upstream.state.api_keys[key] = {
        "active": True,
        "sub": "mcp-user",
        "plan": "pro",
        "key_id": uuid.uuid4().hex,
        "scopes": ["builds:read"],
    }
    before = upstream.state.paths.count("/mcp")
    for headers in ({}, {"Authorization": f"Bearer lf_{uuid.uuid4().hex}"}):
        refused = await client.post(
            f"{edge.url}/mcp", json={}, headers={**headers, "X-Forwarded-For": fresh_ip()}
        )
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
    assert upstream.state.paths.count("/mcp") == before
    ok = await client.post(
        f"{edge.url}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": fresh_ip()},
    )
    assert ok.status_code == 200
    # Charged to the key's own bucket, and the key goes on to core untouched.
    assert ok.headers["ratelimit-policy"] == '"api-key";q=4;w=60'
    assert dict(ok.json()["headers"])["authorization"] == f"Bearer {key}"
    assert upstream.state.paths.count("/mcp") == before + 1


async def test_auth_down_while_introspecting_is_503(edge_gateways, client) -> None:
    gateway = edge_gateways["auth_down"]
    response = await client.get(
        f"{gateway.url}/v1/projects", headers={"Authorization": f"Bearer lf_{uuid.uuid4().hex}"}
    )
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    # A JWT whose keys cannot be fetched is simply not verifiable: 401, never 5xx.
    response = await client.get(
        f"{gateway.url}/v1/projects", headers={"Authorization": "Bearer a.b.c"}
    )
    assert response.status_code == 401


async def test_api_key_traffic_is_also_charged_to_the_owners_plan(
    edge, upstream, client, fresh_ip
) -> None:
    """Two keys (4/min each) of one pro user (6/min): six requests in all, not eight."""
    owner = f"user-{uuid.uuid4().hex[:8]}"
    keys = []
    for _ in range(2):
        key = f"lf_{uuid.uuid4().hex}"
        upstream.state.api_keys[key] = {
            "active": True,
            "sub": owner,
            "plan": "pro",
            "key_id": uuid.uuid4().hex,
            "scopes": ["*"],
        }
        keys.append(key)

    async def get(key: str) -> httpx.Response:
        return await client.get(
            f"{edge.url}/v1/projects",
            headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": fresh_ip()},
        )

    first = [(await get(keys[0])).status_code for _ in range(4)]
    second = [await get(keys[1]) for _ in range(4)]
    assert first == [200] * 4
    assert [r.status_code for r in second] == [200, 200, 429, 429]
    assert second[-1].headers["ratelimit-policy"] == '"plan-pro";q=6;w=60'
    assert second[-1].headers["content-type"] == "application/problem+json"


async def test_ipv6_clients_share_a_bucket_per_64(edge, client) -> None:
    """Anonymous limits count a /64 as one client (it can hold 2^64 addresses)."""
    prefix = f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    remaining = []
    for i in range(3):
        response = await client.post(
            f"{edge.url}/v1/auth/verify-email", headers={"X-Forwarded-For": f"{prefix}::{i + 1}"}
        )
        remaining.append(response.headers["ratelimit"])
    assert [r.split("r=")[1].split(";")[0] for r in remaining] == ["49", "48", "47"]


async def test_unknown_api_keys_are_limited_per_ip_before_auth_is_asked(
    edge, upstream, client, fresh_ip
) -> None:
    ip = fresh_ip()
    calls_before = upstream.state.introspections
    statuses = []
    for _ in range(8):
        response = await client.get(
            f"{edge.url}/v1/projects",
            headers={"Authorization": f"Bearer lf_{uuid.uuid4().hex}", "X-Forwarded-For": ip},
        )
        statuses.append(response.status_code)
    # five unknown keys within the budget, the sixth over it: then refused before lookup
    assert statuses == [401] * 6 + [429] * 2
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert upstream.state.introspections - calls_before == 6  # the rest never reached auth
    # a known key from the blocked address is still served (from the cache)
    known = f"lf_{uuid.uuid4().hex}"
    upstream.state.api_keys[known] = {
        "active": True,
        "sub": "known-user",
        "key_id": uuid.uuid4().hex,
        "scopes": ["*"],
    }
    warm = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer {known}", "X-Forwarded-For": fresh_ip()},
    )
    assert warm.status_code == 200
    cached = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer {known}", "X-Forwarded-For": ip},
    )
    assert cached.status_code == 200
    # another address has its own budget
    other = await client.get(
        f"{edge.url}/v1/projects",
        headers={"Authorization": f"Bearer lf_{uuid.uuid4().hex}", "X-Forwarded-For": fresh_ip()},
    )
    assert other.status_code == 401
