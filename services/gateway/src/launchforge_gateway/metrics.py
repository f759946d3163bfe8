"""Prometheus metrics of one gateway (its own registry, not the global one).

Labels are bounded: routes are the routing table's patterns, never raw paths.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "gateway_requests",
            "Requests answered, by route pattern, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "gateway_request_duration_seconds",
            "Time to the end of the response, by route pattern.",
            ("route",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rate_limit_decisions = Counter(
            "gateway_rate_limit_decisions",
            "Rate-limit decisions by policy, outcome and backend (redis, local).",
            ("policy", "decision", "backend"),
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "gateway_upstream_errors",
            "Upstream failures by upstream and kind (connect, timeout, broken).",
            ("upstream", "kind"),
            registry=self.registry,
        )
        self.redis_fallback = Gauge(
            "gateway_rate_limit_redis_fallback",
            "1 while rate limiting runs on the in-process fallback (Redis down).",
            registry=self.registry,
        )
        # Labelled children by label values. ``labels()`` validates, converts
        # and takes a lock on every call; these label sets are bounded (route
        # patterns, eight methods, status codes, configured policies), so each
        # child is looked up once and then reused.
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._decision_children: dict[tuple[str, str, str], Any] = {}
        self._last_backend = ""  # the fallback gauge is set when this changes

    def request_done(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and time it."""
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def rate_limit(self, policy: str, decision: str, backend: str) -> None:
        key = (policy, decision, backend)
        child = self._decision_children.get(key)
        if child is None:
            child = self._decision_children[key] = self.rate_limit_decisions.labels(*key)
        child.inc()
        if backend != "none" and backend != self._last_backend:
            self._last_backend = backend
            self.redis_fallback.set(1 if backend == "local" else 0)

    def upstream_error(self, upstream: str, kind: str) -> None:
        self.upstream_errors.labels(upstream, kind).inc()

    async def endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = generate_latest(self.registry)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", CONTENT_TYPE_LATEST.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
