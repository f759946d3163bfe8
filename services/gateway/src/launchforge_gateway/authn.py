"""Edge authentication: who a request's bearer credential speaks for.

Both checks are built from the settings by the shared
:class:`~launchforge_common.credential_checks.CredentialChecks` (as in core).
Access tokens (JWTs) are verified against auth's JWKS with the shared
:class:`~launchforge_common.tokens.JWKSVerifier` (asymmetric algorithms only,
``kid`` required, issuer/audience/expiry checked, an unknown ``kid`` refetches
the JWKS at most once per interval). API keys (``Bearer lf_...``) are resolved
through auth's introspection endpoint with the shared
:class:`~launchforge_common.introspection.APIKeyIntrospector` (answers cached
in Redis under a hash of the key).

Verified tokens are remembered in process for a short time (at most
``_VERIFIED_TTL_S`` and never past their ``exp``), keyed by a hash of the
token: a signature check is the largest CPU cost at the edge and a client
sends the same token on every request.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from launchforge_common.cache import Cache
from launchforge_common.credential_checks import CredentialChecks
from launchforge_common.introspection import AuthUnavailableError, is_api_key
from launchforge_common.tokens import InvalidTokenError, Principal

from launchforge_gateway.config import GatewaySettings

__all__ = ["AuthUnavailableError", "EdgeAuthenticator", "InvalidTokenError"]

_VERIFIED_TTL_S = 30.0
_VERIFIED_MAX = 10_000


@dataclass(frozen=True, slots=True)
class _Remembered:
    principal: Principal
    until: float  # time.time() after which the entry is not used


class EdgeAuthenticator:
    """Turns a bearer credential into a :class:`Principal`, or raises."""

    def __init__(self, settings: GatewaySettings, http: httpx.AsyncClient, cache: Cache) -> None:
        checks = CredentialChecks.from_settings(settings, http=http, cache=cache)
        # Plain attributes (not looked up through ``checks``): no extra step per request.
        self.verifier = checks.verifier
        self.introspector = checks.introspector
        self._verified: OrderedDict[bytes, _Remembered] = OrderedDict()

    async def authenticate(
        self, token: str, *, before_lookup: Callable[[], Awaitable[None]] | None = None
    ) -> Principal:
        """The token's principal. InvalidTokenError / AuthUnavailableError otherwise.

        ``before_lookup`` runs before an API key that is not cached is looked up at auth.
        """
        if is_api_key(token):
            return await self.introspector.introspect(token, before_ask=before_lookup)
        digest = hashlib.sha256(token.encode()).digest()
        now = time.time()
        remembered = self._verified.get(digest)
        if remembered is not None:
            if now < remembered.until:
                return remembered.principal
            del self._verified[digest]
        principal = await self.verifier.verify(token)
        expires = principal.claims.get("exp")
        until = now + _VERIFIED_TTL_S
        if isinstance(expires, int | float):
            until = min(until, float(expires))
        self._verified[digest] = _Remembered(principal, until)
        if len(self._verified) > _VERIFIED_MAX:
            self._verified.popitem(last=False)
        return principal
