"""The checks of credentials auth issued, built from a service's settings in one place.

Core and the gateway both verify access tokens against auth's JWKS
(:class:`~launchforge_common.tokens.JWKSVerifier`) and resolve API keys
through auth's introspection endpoint
(:class:`~launchforge_common.introspection.APIKeyIntrospector`). Which URLs,
TTLs and internal token they use come from
:class:`~launchforge_common.settings.TokenVerifierSettings`, which both
services' settings extend; that wiring is written here once, so the two cannot
drift apart. What differs per service is passed in: the HTTP client (each
service picks its own timeouts and pool) and the cache.

Built once at startup; nothing here runs per request.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from launchforge_common.cache import Cache
from launchforge_common.introspection import APIKeyIntrospector
from launchforge_common.settings import TokenVerifierSettings
from launchforge_common.tokens import JWKSVerifier

__all__ = ["CredentialChecks"]


@dataclass(frozen=True, slots=True)
class CredentialChecks:
    """The JWT verifier and the API-key introspector of one service."""

    verifier: JWKSVerifier
    introspector: APIKeyIntrospector

    @classmethod
    def from_settings(
        cls, settings: TokenVerifierSettings, *, http: httpx.AsyncClient, cache: Cache | None
    ) -> CredentialChecks:
        """Both checks against ``settings.auth_url``, sharing ``http``.

        ``cache`` holds introspection answers (None: every API key is asked at auth).
        """
        return cls(
            verifier=JWKSVerifier(
                settings.jwks_url,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                http=http,
                cache_ttl=settings.jwks_cache_ttl,
                min_refetch_interval=settings.jwks_min_refetch_interval,
            ),
            introspector=APIKeyIntrospector(
                settings.auth_url,
                http=http,
                cache=cache,
                cache_ttl=settings.introspection_cache_ttl,
                internal_token=settings.internal_token_value,
            ),
        )
