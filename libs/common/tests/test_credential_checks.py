"""Credential checks built from the shared settings, against a stand-in auth."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from launchforge_common.credential_checks import CredentialChecks
from launchforge_common.settings import TokenVerifierSettings
from launchforge_common.tokens import InvalidTokenError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KEY = ec.generate_private_key(ec.SECP256R1())
KID = "key-1"


class StandInAuth:
    """Serves one ES256 key as a JWKS and introspects one live API key."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.internal_tokens: list[str | None] = []

    async def jwks(self, request: Request) -> JSONResponse:
        self.paths.append(request.url.path)
        jwk: dict[str, Any] = ECAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "ES256"}]})

    async def introspect(self, request: Request) -> JSONResponse:
        self.paths.append(request.url.path)
        self.internal_tokens.append(request.headers.get("x-internal-token"))
        live = (await request.json())["token"] == "lf_live_key"
        return JSONResponse({"active": True, "sub": "user-9"} if live else {"active": False})

    def client(self) -> httpx.AsyncClient:
        app = Starlette(
            routes=[
                Route("/.well-known/jwks.json", self.jwks),
                Route("/internal/introspect", self.introspect, methods=["POST"]),
            ]
        )
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))


def token(audience: str) -> str:
    now = int(time.time())
    claims = {"sub": "user-1", "iss": "issuer-x", "aud": audience, "iat": now, "exp": now + 60}
    return jwt.encode(claims, KEY, algorithm="ES256", headers={"kid": KID})


async def test_both_checks_follow_the_settings() -> None:
    settings = TokenVerifierSettings(
        auth_url="http://auth.test/",
        jwt_issuer="issuer-x",
        jwt_audience="audience-x",
        jwks_cache_ttl=42,
        jwks_min_refetch_interval=3,
        introspection_cache_ttl=7,
        internal_token="s3cret",
    )
    auth = StandInAuth()
    async with auth.client() as http:
        checks = CredentialChecks.from_settings(settings, http=http, cache=None)

        assert (await checks.verifier.verify(token("audience-x"))).user_id == "user-1"
        with pytest.raises(InvalidTokenError):  # the default audience is not this service's
            await checks.verifier.verify(token("launchforge"))
        principal = await checks.introspector.introspect("lf_live_key")

    assert principal.user_id == "user-9"
    assert auth.paths == ["/.well-known/jwks.json", "/internal/introspect"]
    assert auth.internal_tokens == ["s3cret"]
    assert (checks.verifier.cache_ttl, checks.verifier.min_refetch_interval) == (42, 3)
    assert checks.introspector.cache_ttl == 7
    assert checks.verifier.http is checks.introspector.http is http
