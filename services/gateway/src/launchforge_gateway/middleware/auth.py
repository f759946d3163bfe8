"""Edge authentication in two layers around the rate limiter.

:class:`AuthenticateMiddleware` (outside) resolves the bearer credential, if
any, into a principal and records the outcome in the scope, so the rate
limiter can key on the verified user, plan or API key.
:class:`RequireAuthenticationMiddleware` (inside the rate limiter) refuses a
protected route without a valid credential: 401 problem+json (503 when auth
could not be asked about an API key). Refusals thus pass the rate limiter
first: guessing tokens costs the guesser its per-IP quota, and every 401
carries the RateLimit headers. Every API key that auth did not know is
charged to its client IP's ``key-lookup`` bucket; past it, the address gets
429 for keys that are not cached, before auth is asked, so random ``lf_``
keys cost the guesser, not an introspection and a database query each.
Known keys are never charged (a Redis outage, when nothing is cached, does
not turn into 429s for real keys).

Public routes (token issuing, the JWKS, the probes, anything outside ``/v1``
and the MCP endpoint ``/mcp``)
pass without a credential; an invalid credential there is ignored. Services
behind the gateway still verify tokens themselves.
"""

from __future__ import annotations

import logging
import time

from launchforge_common.errors import problem_response
from launchforge_common.ip_bucket import ip_bucket
from launchforge_common.tokens import Principal, bearer_token
from starlette.types import ASGIApp, Receive, Scope, Send

from launchforge_gateway.authn import AuthUnavailableError, InvalidTokenError
from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.ratelimit import (
    Policy,
    RateLimiter,
    RedisUnavailableError,
    seconds_header,
)
from launchforge_gateway.routing import path_matches
from launchforge_gateway.wiring import EdgeResources

logger = logging.getLogger("launchforge.gateway.auth")

PRINCIPAL = "launchforge.principal"
# "missing" | "invalid" | "unavailable" | "throttled"
AUTH_FAILURE = "launchforge.auth_failure"
LOOKUP_RETRY_AFTER = "launchforge.lookup_retry_after"


_MAX_BLOCKED = 100_000
# The MCP endpoint takes the same bearer credentials as /v1 (an lf_ key, typically).
MCP_PATH = "/mcp"


class _LookupThrottled(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


_WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="launchforge"'}


def principal_of(scope: Scope) -> Principal | None:
    principal: Principal | None = scope.get(PRINCIPAL)
    return principal


class AuthenticateMiddleware:
    def __init__(self, app: ASGIApp, settings: GatewaySettings, resources: EdgeResources) -> None:
        self.app = app
        self.resources = resources
        self.enabled = settings.edge_auth_enabled
        self.trusted = settings.proxy_trust
        self.limit_lookups = settings.rate_limit_enabled
        self.lookups = Policy(
            "key-lookup", settings.rate_limit_key_lookups, settings.rate_limit_window
        )
        # Addresses over their budget of unknown keys: refused before any
        # lookup until then (per replica; the count itself is shared in Redis).
        self._blocked: dict[str, float] = {}

    async def check(self, scope: Scope) -> ASGIApp | None:
        """Records the principal (or why there is none); never refuses by itself."""
        if self.enabled:
            await self._resolve(scope)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.check(scope)
        await self.app(scope, receive, send)

    async def _charge_unknown_key(self, limiter: RateLimiter, ip: str) -> None:
        """An unknown key was looked up: count it; past the limit, block the address."""
        try:
            decision = await limiter.decide(self.lookups, "ip:" + ip)
        except RedisUnavailableError:
            return  # the request's own rate limit still applies
        if not decision.admitted:
            if len(self._blocked) >= _MAX_BLOCKED:
                self._blocked.pop(next(iter(self._blocked)))
            self._blocked[ip] = time.monotonic() + max(1.0, decision.retry_after)

    async def _resolve(self, scope: Scope) -> None:
        authorization = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        token = bearer_token(authorization)
        if token is None:
            scope[AUTH_FAILURE] = "invalid" if authorization else "missing"
            return
        authenticator = self.resources.authenticator
        if authenticator is None:  # not started (or stopped): fail closed below
            scope[AUTH_FAILURE] = "unavailable"
            return
        limiter = self.resources.rate_limiter
        looked_up = False
        ip = ""  # resolved only for an uncached API key: JWTs pay nothing here

        async def before_lookup() -> None:
            nonlocal looked_up, ip
            ip = ip_bucket(self.trusted.client_ip(scope))
            until = self._blocked.get(ip)
            if until is not None:
                left = until - time.monotonic()
                if left > 0:
                    raise _LookupThrottled(left)
                del self._blocked[ip]
            looked_up = True

        try:
            scope[PRINCIPAL] = await authenticator.authenticate(token, before_lookup=before_lookup)
        except _LookupThrottled as exc:
            scope[AUTH_FAILURE] = "throttled"
            scope[LOOKUP_RETRY_AFTER] = exc.retry_after
        except InvalidTokenError:
            scope[AUTH_FAILURE] = "invalid"
            if looked_up and limiter is not None and self.limit_lookups:
                await self._charge_unknown_key(limiter, ip)
        except AuthUnavailableError as exc:
            logger.warning("auth unavailable for introspection", extra={"error": str(exc)})
            scope[AUTH_FAILURE] = "unavailable"


class RequireAuthenticationMiddleware:
    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.enabled = settings.edge_auth_enabled
        self.public_paths = tuple(settings.public_paths)

    def is_protected(self, path: str) -> bool:
        if path == MCP_PATH:
            return True
        if path != "/v1" and not path.startswith("/v1/"):
            return False
        return not any(path_matches(pattern, path) for pattern in self.public_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = await self.check(scope) if scope["type"] == "http" else None
        await (refusal or self.app)(scope, receive, send)

    async def check(self, scope: Scope) -> ASGIApp | None:
        """The refusal of a protected route without a valid credential, else None."""
        if not self.enabled or PRINCIPAL in scope or not self.is_protected(scope["path"]):
            return None
        failure = scope.get(AUTH_FAILURE, "missing")
        if failure == "throttled":
            retry = str(seconds_header(scope.get(LOOKUP_RETRY_AFTER, 1.0)))
            response = problem_response(
                429,
                detail=f"Too many unknown API keys from this address; retry in {retry} s.",
                headers={"Retry-After": retry},
            )
        elif failure == "unavailable":
            response = problem_response(
                503,
                detail="Authentication is temporarily unavailable; retry shortly.",
                headers={"Retry-After": "1"},
            )
        elif failure == "missing":
            response = problem_response(
                401, detail="A bearer token is required.", headers=_WWW_AUTHENTICATE
            )
        else:
            response = problem_response(
                401,
                detail="The bearer token is invalid or expired.",
                headers={"WWW-Authenticate": 'Bearer realm="launchforge", error="invalid_token"'},
            )
        return response
