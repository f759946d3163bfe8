"""The rate-limit layer: picks the policy and bucket, asks the limiter, answers.

Policy per request (first match wins): a per-route override from
``GATEWAY_RATE_LIMIT_ROUTES`` (e.g. ``POST /v1/auth/login`` 5/min per IP);
else, for ``/preview/...``, the preview policy per client IP
(``GATEWAY_RATE_LIMIT_PREVIEW``); else the API key's policy; else
the user's plan (from the verified token's ``plan`` claim); else the
anonymous per-IP default. The client IP comes from
:class:`~launchforge_common.client_ip.TrustedProxies`, the same trust
decision the proxy makes. Probes and ``/metrics`` are never limited.

Every limited response carries ``RateLimit-Policy`` and ``RateLimit``
(draft-ietf-httpapi-ratelimit-headers, structured fields); a 429 adds
``Retry-After`` and a problem+json body. With Redis down the limiter falls
back to an in-process one (or, configured fail-closed, answers 503), never a 500.
The limiter is handed over when the stack is built (:mod:`..wiring`); while
it does not exist (before startup, after shutdown) every limited request gets
503: a request is never let through unlimited.
"""

from __future__ import annotations

import logging

from launchforge_common.errors import problem_response
from launchforge_common.ip_bucket import ip_bucket
from launchforge_common.middleware import RESPONSE_HEADERS
from launchforge_common.tokens import Principal
from starlette.types import ASGIApp, Receive, Scope, Send

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.metrics import GatewayMetrics
from launchforge_gateway.middleware.auth import principal_of
from launchforge_gateway.ratelimit import (
    Decision,
    Policy,
    RedisUnavailableError,
    seconds_header,
)
from launchforge_gateway.routing import path_matches
from launchforge_gateway.wiring import EdgeResources

logger = logging.getLogger("launchforge.gateway.ratelimit")

_EXEMPT_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
# Live previews: no access token (core checks the preview's own), their own budget.
PREVIEW_PREFIX = "/preview/"


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        settings: GatewaySettings,
        resources: EdgeResources,
        metrics: GatewayMetrics | None = None,
    ) -> None:
        self.app = app
        self.resources = resources
        self.metrics = metrics
        self.enabled = settings.rate_limit_enabled
        self.trusted = settings.proxy_trust
        window = settings.rate_limit_window
        self.anonymous = Policy("default", settings.rate_limit_anonymous, window)
        self.user = Policy("user", settings.rate_limit_user, window)
        self.api_key = Policy("api-key", settings.rate_limit_api_key, window)
        self.preview = Policy("preview", settings.rate_limit_preview, window)
        self.plans = {
            plan: Policy(f"plan-{plan}", limit, window)
            for plan, limit in settings.rate_limit_plans.items()
        }
        self.routes = tuple(
            (route, Policy(route.name, route.limit, route.window))
            for route in settings.rate_limit_routes
        )

    def checks_for(self, scope: Scope) -> list[tuple[Policy, str]]:
        """Every bucket this request is charged to, in order.

        An API key's traffic counts against the key's own limit and also its
        owner's plan limit, so fifty keys do not make fifty times the quota.
        """
        policy, identity = self.policy_for(scope)
        principal = principal_of(scope)
        if identity.startswith("key:") and principal is not None:
            owner = self.plans.get(principal.plan, self.user)
            return [(policy, identity), (owner, "user:" + principal.user_id)]
        return [(policy, identity)]

    def policy_for(self, scope: Scope) -> tuple[Policy, str]:
        """The first policy and bucket identity of this request."""
        method: str = scope["method"]
        path: str = scope["path"]
        principal = principal_of(scope)
        for route, policy in self.routes:
            if (not route.method or route.method == method) and path_matches(route.path, path):
                if route.by == "principal" and principal is not None:
                    return policy, _principal_identity(principal)
                return policy, "ip:" + ip_bucket(self.trusted.client_ip(scope))
        # The preview's token is core's to check. Its own budget per client IP: a
        # person's preview never spends the anonymous one login and refresh share,
        # and trying many build ids (each a 404 at core) is still one rate.
        if path.startswith(PREVIEW_PREFIX):
            return self.preview, "preview:" + ip_bucket(self.trusted.client_ip(scope))
        if principal is None:
            return self.anonymous, "ip:" + ip_bucket(self.trusted.client_ip(scope))
        if principal.api_key_id is not None:
            return self.api_key, "key:" + principal.api_key_id
        return self.plans.get(principal.plan, self.user), "user:" + principal.user_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = await self.check(scope) if scope["type"] == "http" else None
        await (refusal or self.app)(scope, receive, send)

    async def check(self, scope: Scope) -> ASGIApp | None:
        """The 429 (or 503) for this request, else None with its headers put in the scope."""
        if not self.enabled or scope["path"] in _EXEMPT_PATHS:
            return None
        limiter = self.resources.rate_limiter
        if limiter is None:  # not started, or stopped: fail closed
            return problem_response(
                503, detail="The gateway is not ready.", headers={"Retry-After": "1"}
            )

        metrics = self.metrics
        decided: list[tuple[Policy, Decision]] = []
        for policy, identity in self.checks_for(scope):
            try:
                decision = await limiter.decide(policy, identity)
            except RedisUnavailableError:
                if metrics is not None:
                    metrics.rate_limit(policy.name, "unavailable", "none")
                return problem_response(
                    503,
                    detail="Rate limiting is unavailable; retry shortly.",
                    headers={"Retry-After": "1"},
                )
            if metrics is not None:
                metrics.rate_limit(
                    policy.name, "admitted" if decision.admitted else "rejected", decision.backend
                )
            decided.append((policy, decision))
            if not decision.admitted:
                break
        # The headers describe the tightest bucket: the one that refused, or the emptiest.
        policy, decision = min(decided, key=lambda pd: (pd[1].admitted, pd[1].remaining))
        headers = _headers(policy, decision)
        if not decision.admitted:
            retry = str(seconds_header(decision.retry_after))
            return problem_response(
                429,
                detail=f"Rate limit exceeded; retry in {retry} s.",
                headers={**dict(headers), "Retry-After": retry},
            )
        # Stamped on whatever response follows by the outermost layer's send wrapper.
        scope[RESPONSE_HEADERS] = [
            *scope.get(RESPONSE_HEADERS, ()),
            *((n.lower().encode(), v.encode()) for n, v in headers),
        ]
        return None


def _principal_identity(principal: Principal) -> str:
    if principal.api_key_id is not None:
        return "key:" + principal.api_key_id
    return "user:" + principal.user_id


def _headers(policy: Policy, decision: Decision) -> list[tuple[str, str]]:
    # While nothing is left, t is the time until the next request is admitted
    # (equal to Retry-After); otherwise the time until the quota is whole again.
    reset = decision.retry_after if decision.remaining == 0 else decision.reset
    if decision.remaining == 0 and decision.admitted:
        reset = decision.reset - (policy.capacity_us - policy.interval_us) / 1_000_000
    return [
        ("RateLimit-Policy", policy.header),
        ("RateLimit", f'"{policy.name}";r={decision.remaining};t={seconds_header(reset)}'),
    ]
