"""API-key introspection: ask auth whether an ``lf_...`` key is live.

API keys are opaque (only auth holds their hashes), so the gateway and core
ask auth at ``POST {auth_url}/internal/introspect`` with ``{"token": key}``.
Auth answers ``{"active": false}`` or ``{"active": true, "sub", "plan",
"roles", "scopes", "key_id", "email_verified"}``. Answers are cached in Redis
under a hash of the key (never the key itself) for ``cache_ttl`` seconds
(default 15 s): that TTL is the longest a revoked key keeps working.

The ``/internal/*`` paths are never routed by the gateway; when an internal
token is configured it is sent as ``X-Internal-Token``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from launchforge_common.cache import Cache
from launchforge_common.tokens import InvalidTokenError, Principal

logger = logging.getLogger("launchforge.introspection")

API_KEY_PREFIX = "lf_"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 (a header name)
DEFAULT_CACHE_TTL_S = 15.0


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)


def key_fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_from_introspection(answer: dict[str, Any]) -> Principal:
    roles = answer.get("roles") or ["user"]
    scopes = answer.get("scopes") or []
    return Principal(
        user_id=str(answer["sub"]),
        plan=str(answer.get("plan") or "free"),
        roles=tuple(str(r) for r in roles),
        email_verified=bool(answer.get("email_verified", False)),
        api_key_id=str(answer.get("key_id")) if answer.get("key_id") else None,
        scopes=tuple(str(s) for s in scopes),
    )


class AuthUnavailableError(Exception):
    """Auth could not be asked (down, timeout, bad answer): callers answer 503."""


class APIKeyIntrospector:
    """Resolves API keys to principals through auth, with a short Redis cache."""

    def __init__(
        self,
        auth_url: str,
        *,
        http: httpx.AsyncClient,
        cache: Cache | None,
        cache_ttl: float = DEFAULT_CACHE_TTL_S,
        internal_token: str | None = None,
    ) -> None:
        self.url = auth_url.rstrip("/") + "/internal/introspect"
        self.http = http
        self.cache = cache
        self.cache_ttl = cache_ttl
        self.internal_token = internal_token

    def _cache_key(self, token: str) -> str:
        assert self.cache is not None
        return self.cache.key("apikey", key_fingerprint(token))

    async def _ask_auth(self, token: str) -> dict[str, Any]:
        headers = {INTERNAL_TOKEN_HEADER: self.internal_token} if self.internal_token else {}
        try:
            response = await self.http.post(self.url, json={"token": token}, headers=headers)
        except httpx.HTTPError as exc:
            raise AuthUnavailableError(type(exc).__name__) from exc
        if response.status_code != 200:
            raise AuthUnavailableError(f"introspection answered {response.status_code}")
        try:
            answer: dict[str, Any] = response.json()
        except ValueError as exc:
            raise AuthUnavailableError("introspection answer is not JSON") from exc
        return answer

    async def introspect(
        self, token: str, *, before_ask: Callable[[], Awaitable[None]] | None = None
    ) -> Principal:
        """The key's principal; InvalidTokenError when the key is not active.

        ``before_ask`` runs only when the answer is not cached, before auth is
        asked (the gateway's per-IP limit on uncached lookups); it may raise.
        """
        if not is_api_key(token):
            raise InvalidTokenError("not an API key")
        answer: dict[str, Any] | None = None
        if self.cache is not None:
            raw = await self.cache.get_raw(self._cache_key(token))
            if raw is not None:
                answer = json.loads(raw)
        if answer is None:
            if before_ask is not None:
                await before_ask()
            answer = await self._ask_auth(token)
            if self.cache is not None:
                await self.cache.set_raw(
                    self._cache_key(token), json.dumps(answer).encode(), self.cache_ttl
                )
        if not answer.get("active") or not answer.get("sub"):
            raise InvalidTokenError("API key is not active")
        return principal_from_introspection(answer)
