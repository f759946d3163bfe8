"""The gateway's pure ASGI middleware stack.

Every layer is pure ASGI (no ``BaseHTTPMiddleware``): configuration in
``__init__``, per-request state inside ``__call__``, non-HTTP scopes (the
lifespan) passed straight through. Layers are listed innermost first in
:func:`build_middleware_stack`; later ones (rate limiting, CORS, security
headers, edge auth, size limits, tracing) slot in there.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.middleware.request_id import RequestIdMiddleware

__all__ = ["RequestIdMiddleware", "build_middleware_stack"]


def build_middleware_stack(app: ASGIApp, settings: GatewaySettings) -> ASGIApp:
    """Wrap the gateway app; the last layer added is the outermost."""
    # Outermost, so that every response (errors of the layers inside it
    # included) carries the request id, and every request is logged once.
    return RequestIdMiddleware(app)
