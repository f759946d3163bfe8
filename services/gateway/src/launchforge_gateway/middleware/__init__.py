"""The gateway's pure ASGI middleware stack.

Every layer is pure ASGI (no ``BaseHTTPMiddleware``): configuration in
``__init__``, per-request state inside ``__call__``, non-HTTP scopes (the
lifespan) passed straight through. Shared resources (the Redis-backed rate
limiter, the authenticator, metrics) live on the gateway app and are handed
to the layers that use them here, when the stack is built (``wiring.py``):
no layer looks them up per request, and one that is missing fails closed.
Order, outermost first, and why:

1. tracing (only when on): the server span covers everything;
2. request id, with the one ``send`` wrapper that stamps every response (the
   common ``RequestContextMiddleware``): the request id, the security headers
   and the rate limiter's headers, one access line, metrics (every response
   counted, the other layers' errors included), unexpected errors -> 500;
3. CORS: on every response, 401/413/429/5xx included (a browser cannot read
   an error without CORS headers); the web app (``webapp.py``) sits right
   inside it: its pages and hashed assets get the headers above but are
   never rate limited or authenticated (one page load is several asset
   requests, and they are public);
4.-6. one filter chain (``chain.py``), in this order:
4. authenticate: resolves the bearer credential (no refusal yet);
5. rate limit: keyed on the verified principal or the client IP; its
   headers go in ``scope[RESPONSE_HEADERS]`` for layer 2 to stamp;
6. require authentication: 401 on protected routes (after the limiter, so
   token guessing spends the guesser's quota and 401s carry RateLimit);
7. body size: 413 for bodies over the limit, counted as they stream;
8. event streams: at most so many open per principal.
"""

from __future__ import annotations

from launchforge_common.http_protocol import trust_response_headers
from launchforge_common.tracing import instrument_asgi
from starlette.types import ASGIApp

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.metrics import GatewayMetrics
from launchforge_gateway.middleware.auth import (
    AuthenticateMiddleware,
    RequireAuthenticationMiddleware,
)
from launchforge_gateway.middleware.body_size import BodySizeLimitMiddleware
from launchforge_gateway.middleware.chain import FilterChain
from launchforge_gateway.middleware.cors import cors_middleware
from launchforge_gateway.middleware.metrics import metrics_observer
from launchforge_gateway.middleware.ratelimit import RateLimitMiddleware
from launchforge_gateway.middleware.request_id import RequestIdMiddleware
from launchforge_gateway.middleware.security_headers import security_headers
from launchforge_gateway.middleware.streams import StreamLimitMiddleware
from launchforge_gateway.routing import RoutingTable
from launchforge_gateway.webapp import with_webapp
from launchforge_gateway.wiring import EdgeResources

__all__ = ["RequestIdMiddleware", "build_middleware_stack"]


def build_middleware_stack(
    app: ASGIApp,
    settings: GatewaySettings,
    resources: EdgeResources,
    *,
    metrics: GatewayMetrics | None = None,
    routes: RoutingTable | None = None,
) -> ASGIApp:
    """Wrap the gateway app; the last layer added is the outermost."""
    app = StreamLimitMiddleware(app, settings)
    app = BodySizeLimitMiddleware(app, settings)
    app = FilterChain(
        app,
        [
            AuthenticateMiddleware(app, settings, resources),
            RateLimitMiddleware(app, settings, resources, metrics),
            RequireAuthenticationMiddleware(app, settings),
        ],
    )
    app = with_webapp(app)
    app = cors_middleware(app, settings)
    static_headers = security_headers(settings)
    # Checked once here instead of by the server on every response.
    trust_response_headers(static_headers)
    app = RequestIdMiddleware(
        app,
        default_headers=static_headers,
        observe=metrics_observer(metrics, routes or RoutingTable()) if metrics else None,
    )
    wrapped: ASGIApp = instrument_asgi(app)
    return wrapped
