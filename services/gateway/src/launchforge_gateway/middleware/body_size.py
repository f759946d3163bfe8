"""The gateway's request body limits: the shared middleware with per-route limits.

:class:`~launchforge_common.body_limit.BodyLimitMiddleware` counts and times
the body (413 / 408); here ``GATEWAY_BODY_SIZE_ROUTES`` picks a limit per
route (first match wins), ``GATEWAY_MAX_BODY_SIZE`` for the rest.
"""

from __future__ import annotations

from launchforge_common.body_limit import BodyLimitMiddleware
from starlette.types import ASGIApp

from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.routing import path_matches


class BodySizeLimitMiddleware(BodyLimitMiddleware):
    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        routes = tuple(settings.body_size_routes)
        default = settings.max_body_size

        def limit_for(method: str, path: str) -> int:
            for route in routes:
                if (not route.method or route.method == method) and path_matches(route.path, path):
                    return route.limit
            return default

        super().__init__(
            app,
            max_body_size=default,
            body_timeout=settings.body_timeout,
            limit_for=limit_for if routes else None,
        )
