"""Counts every response by route pattern and status, and times it.

Not a layer of its own: the outermost layer (``RequestIdMiddleware``) calls
the observer this returns once per request, with the status it sent.
"""

from __future__ import annotations

from launchforge_common.middleware import Observer
from starlette.types import Scope

from launchforge_gateway.metrics import GatewayMetrics
from launchforge_gateway.routing import RoutingTable, route_label

# Any other method token a client sends is counted as "other" (bounded labels).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def metrics_observer(metrics: GatewayMetrics, routes: RoutingTable) -> Observer:
    def observe(scope: Scope, status: int, seconds: float) -> None:
        route = route_label(routes, scope["path"])
        method = scope["method"] if scope["method"] in _METHODS else "other"
        metrics.request_done(route, method, status, seconds)

    return observe
