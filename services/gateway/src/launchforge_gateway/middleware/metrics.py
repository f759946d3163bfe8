"""Counts every response by route pattern and status, and times it."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launchforge_gateway.metrics import GatewayMetrics
from launchforge_gateway.routing import RoutingTable, route_label

# Any other method token a client sends is counted as "other" (bounded labels).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, routes: RoutingTable, metrics: GatewayMetrics) -> None:
        self.app = app
        self.routes = routes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics = self.metrics
        started = time.perf_counter()
        status = 500

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            route = route_label(self.routes, scope["path"])
            method = scope["method"] if scope["method"] in _METHODS else "other"
            metrics.request_done(route, method, status, time.perf_counter() - started)
