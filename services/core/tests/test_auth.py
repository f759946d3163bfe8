"""Every route needs a valid access token, verified with auth's JWKS."""

from __future__ import annotations

import logging
import time
import uuid

import httpx
import jwt
import pytest

PROBLEM = "application/problem+json"

ROUTES = [
    ("POST", "/v1/projects", {"name": "x"}),
    ("GET", "/v1/projects", None),
    ("GET", f"/v1/projects/{uuid.uuid4()}", None),
    ("PATCH", f"/v1/projects/{uuid.uuid4()}", {"name": "x"}),
    ("DELETE", f"/v1/projects/{uuid.uuid4()}", None),
    # Even an invalid id or body says 401 first: nothing leaks to strangers.
    ("GET", "/v1/projects/not-a-uuid", None),
    ("POST", "/v1/projects", {"name": ""}),
]


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
async def test_every_route_requires_a_token(client: httpx.AsyncClient, method, path, body) -> None:
    assert_unauthorized(await client.request(method, path, json=body))


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer-ish token", "Token abc"],
)
async def test_malformed_authorization_header(client: httpx.AsyncClient, authorization) -> None:
    assert_unauthorized(await client.get("/v1/projects", headers={"Authorization": authorization}))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_valid_token_is_accepted(client: httpx.AsyncClient, mint) -> None:
    """The control for the rejections below: only the one broken property differs."""
    response = await client.get("/v1/projects", headers=_bearer(mint(str(uuid.uuid4()))))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"aud": "someone-else"}, id="wrong-audience"),
        pytest.param({"iss": "evil-auth"}, id="wrong-issuer"),
        pytest.param({"exp": None}, id="no-exp"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"sub": "not-a-uuid"}, id="non-uuid-subject"),
        pytest.param({"iat": None}, id="no-iat"),
    ],
)
async def test_rejected_claims(client: httpx.AsyncClient, mint, overrides) -> None:
    token = mint(str(uuid.uuid4()), **overrides)
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))


async def test_garbage_token(client: httpx.AsyncClient) -> None:
    for token in ("garbage", "a.b.c", "x" * 5000):
        assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))


async def test_alg_none_is_rejected(client: httpx.AsyncClient, signing_key, unsigned_token) -> None:
    now = int(time.time())
    claims = {
        "sub": str(uuid.uuid4()),
        "iss": "launchforge-auth",
        "aud": "launchforge",
        "iat": now,
        "exp": now + 600,
    }
    for alg in ("none", "None", "NONE"):
        token = unsigned_token({"alg": alg, "typ": "JWT", "kid": signing_key.kid}, claims)
        assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))


async def test_hmac_with_public_key_is_rejected(client: httpx.AsyncClient, signing_key) -> None:
    """The classic confusion attack: HS256 keyed with the published public key."""
    now = int(time.time())
    public = signing_key.jwk["x"].encode()
    token = jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "iss": "launchforge-auth",
            "aud": "launchforge",
            "iat": now,
            "exp": now + 600,
        },
        public,
        algorithm="HS256",
        headers={"kid": signing_key.kid},
    )
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))


async def test_token_signed_by_unknown_key(
    client: httpx.AsyncClient, mint, new_signing_key, jwks_server
) -> None:
    hits = jwks_server.hits
    token = mint(str(uuid.uuid4()), key=new_signing_key())
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))
    # The unknown kid made core look at the JWKS again before refusing.
    assert jwks_server.hits == hits + 1


async def test_known_kid_signed_by_another_key(
    client: httpx.AsyncClient, mint, signing_key, new_signing_key
) -> None:
    impostor = new_signing_key(kid=signing_key.kid)  # a published kid, not its private key
    token = mint(str(uuid.uuid4()), key=impostor)
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))


async def test_tampered_payload_is_rejected(client: httpx.AsyncClient, mint) -> None:
    token = mint(str(uuid.uuid4()))
    other = mint(str(uuid.uuid4()))
    header, _, signature = token.split(".")
    forged = f"{header}.{other.split('.')[1]}.{signature}"
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(forged)))


async def test_jwks_is_cached_between_requests(
    client: httpx.AsyncClient, mint, jwks_server
) -> None:
    headers = _bearer(mint(str(uuid.uuid4())))
    assert (await client.get("/v1/projects", headers=headers)).status_code == 200
    hits = jwks_server.hits
    for _ in range(5):
        assert (await client.get("/v1/projects", headers=headers)).status_code == 200
    assert jwks_server.hits == hits


async def test_key_rotation_refetches_on_unknown_kid(
    client: httpx.AsyncClient, mint, jwks_server, new_signing_key, signing_key
) -> None:
    rotated = new_signing_key()
    token = mint(str(uuid.uuid4()), key=rotated)
    # Not published yet: refused.
    assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))

    # Auth publishes the new key next to the old one; core picks it up on the
    # first token that names it, without a restart.
    jwks_server.keys.append(rotated)
    try:
        hits = jwks_server.hits
        response = await client.get("/v1/projects", headers=_bearer(token))
        assert response.status_code == 200, response.text
        assert jwks_server.hits == hits + 1
        # Tokens signed by the old key still verify.
        old = await client.get("/v1/projects", headers=_bearer(mint(str(uuid.uuid4()))))
        assert old.status_code == 200
    finally:
        jwks_server.keys.remove(rotated)


async def test_unknown_kid_refetch_is_rate_limited(
    make_settings, start_app, mint, jwks_server, new_signing_key
) -> None:
    """Forged kids cannot turn core into a JWKS flooder."""
    from launchforge_core.main import create_app

    app = create_app(make_settings(jwks_min_refetch_interval=60.0))
    async with start_app(app) as client:
        good = await client.get("/v1/projects", headers=_bearer(mint(str(uuid.uuid4()))))
        assert good.status_code == 200
        hits = jwks_server.hits
        for _ in range(5):
            token = mint(str(uuid.uuid4()), key=new_signing_key())
            assert_unauthorized(await client.get("/v1/projects", headers=_bearer(token)))
        assert jwks_server.hits == hits


async def test_tokens_are_never_logged(
    client: httpx.AsyncClient, mint, caplog: pytest.LogCaptureFixture
) -> None:
    good = mint(str(uuid.uuid4()))
    expired = mint(str(uuid.uuid4()), exp=int(time.time()) - 120)
    with caplog.at_level(logging.DEBUG):
        await client.get("/v1/projects", headers=_bearer(good))
        await client.get("/v1/projects", headers=_bearer(expired))
        await client.get("/v1/projects", headers=_bearer("garbage-secret-token"))
    assert caplog.records, "expected the requests to be logged"
    for record in caplog.records:
        rendered = f"{record.getMessage()} {record.__dict__}"
        for secret in (good, expired, "garbage-secret-token"):
            assert secret not in rendered
            assert secret.split(".")[-1] not in rendered
