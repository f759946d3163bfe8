"""Access-token verification against auth's published JWKS.

Used by every service that accepts access tokens (core, the gateway), so the
rules are written once: only asymmetric algorithms (``alg: none`` and HMAC
are refused before any key is looked up), a ``kid`` is required, and issuer,
audience, expiry and subject are checked. Keys are fetched with httpx and
cached; an unknown ``kid`` triggers a refetch at most once per
``min_refetch_interval`` so forged kids cannot turn us into a JWKS flooder.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK

logger = logging.getLogger("launchforge.tokens")

ALLOWED_ALGORITHMS = ("EdDSA", "ES256")


class InvalidTokenError(Exception):
    """The token is missing, malformed, forged, expired or not for us."""


@dataclass(frozen=True)
class Principal:
    """Who a verified access token speaks for."""

    user_id: str
    session_id: str | None = None
    plan: str = "free"
    roles: tuple[str, ...] = ("user",)
    email_verified: bool = False
    # Set when the caller authenticated with an API key instead of a JWT.
    api_key_id: str | None = None
    scopes: tuple[str, ...] = ()
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class JWKSVerifier:
    """Verifies access tokens with keys fetched from a JWKS URL."""

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        http: httpx.AsyncClient,
        cache_ttl: float = 300.0,
        min_refetch_interval: float = 5.0,
        leeway: float = 5.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.http = http
        self.cache_ttl = cache_ttl
        self.min_refetch_interval = min_refetch_interval
        self.leeway = leeway
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            if age < self.min_refetch_interval or (not force and age < self.cache_ttl):
                return
            # Mark the attempt first: a failing JWKS endpoint is also retried
            # at most once per interval.
            self._fetched_at = time.monotonic()
            try:
                response = await self.http.get(self.jwks_url)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                logger.warning("JWKS fetch failed", extra={"error": type(exc).__name__})
                return
            keys: dict[str, PyJWK] = {}
            for jwk in document.get("keys", []):
                kid = jwk.get("kid")
                if not kid or jwk.get("use", "sig") != "sig":
                    continue
                try:
                    keys[kid] = PyJWK(jwk)
                except jwt.PyJWTError:
                    logger.warning("skipping unusable JWK", extra={"kid": kid})
            self._keys = keys

    async def key_for(self, kid: str) -> PyJWK:
        await self._refresh(force=False)
        key = self._keys.get(kid)
        if key is None:
            await self._refresh(force=True)
            key = self._keys.get(kid)
        if key is None:
            raise InvalidTokenError("unknown signing key")
        return key

    async def verify(self, token: str) -> Principal:
        alg, kid = checked_header(token)
        key = await self.key_for(kid)
        claims = decode_claims(
            token, key, alg, issuer=self.issuer, audience=self.audience, leeway=self.leeway
        )
        return principal_from_claims(claims)


def checked_header(token: str) -> tuple[str, str]:
    """The token's ``(alg, kid)``, refusing any algorithm but ours before a key is looked up."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("malformed token") from exc
    alg = header.get("alg")
    kid = header.get("kid")
    if alg not in ALLOWED_ALGORITHMS:
        raise InvalidTokenError("algorithm not allowed")
    if not isinstance(kid, str) or not kid:
        raise InvalidTokenError("token has no key id")
    return str(alg), kid


def decode_claims(
    token: str, key: Any, alg: str, *, issuer: str, audience: str, leeway: float
) -> dict[str, Any]:
    """Verify signature, issuer, audience, expiry and required claims with one key."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("token rejected") from exc
    return claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or ["user"]
    return Principal(
        user_id=str(claims["sub"]),
        session_id=claims.get("sid"),
        plan=str(claims.get("plan") or "free"),
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else ("user",),
        email_verified=bool(claims.get("email_verified", False)),
        claims=claims,
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
