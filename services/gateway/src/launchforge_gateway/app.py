"""The gateway ASGI application: lifespan, its own probes, then the proxy.

``create_app`` returns a pure ASGI callable (no framework router on the proxy
path). Resources live on the :class:`Gateway` instance made by each
``create_app`` call, never in module globals: one pooled aiohttp session per
upstream and one Redis client, opened at lifespan startup and closed at
shutdown. The middleware is handed the gateway itself when the stack is
built (``wiring.py``), not a lookup in the lifespan state, and answers 503
while what it needs is not there.
"""

from __future__ import annotations

import logging

import httpx
from launchforge_common.cache import Cache
from launchforge_common.client_ip import parse_ip
from launchforge_common.errors import problem_response
from launchforge_common.http import create_http_client
from launchforge_common.logging import configure_logging_from
from launchforge_common.redis import RedisHealth, create_redis
from launchforge_common.redis_pipeline import PipelinedRedis
from launchforge_common.tracing import instrument_redis, setup_tracing
from redis.asyncio import Redis
from starlette.types import ASGIApp, Receive, Scope, Send

from launchforge_gateway.authn import EdgeAuthenticator
from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.health import livez, readyz
from launchforge_gateway.metrics import GatewayMetrics
from launchforge_gateway.middleware import build_middleware_stack
from launchforge_gateway.proxy import Proxy, Upstream, open_upstream
from launchforge_gateway.ratelimit import RateLimiter
from launchforge_gateway.routing import AUTH, CORE, RoutingTable

logger = logging.getLogger("launchforge.gateway")

_PROBE_METHODS = frozenset({"GET", "HEAD"})


class Gateway:
    """The innermost ASGI app: routes each request to a probe or an upstream."""

    def __init__(self, settings: GatewaySettings, routes: RoutingTable | None = None) -> None:
        self.settings = settings
        self.routes = routes or RoutingTable()
        self.upstream_urls = {AUTH: settings.auth_url, CORE: settings.core_url}
        missing = self.routes.upstreams - self.upstream_urls.keys()
        if missing:
            raise ValueError(f"routes name unknown upstreams: {sorted(missing)}")
        self.metrics = GatewayMetrics() if settings.metrics_enabled else None
        self.proxy = Proxy(settings, self.metrics)
        self.upstreams: dict[str, Upstream] = {}
        self.redis: Redis | None = None
        # The rate limiter's own connection: one script run per request, so
        # it skips the general client's per-call cost (see redis_pipeline).
        self.rate_limit_redis: PipelinedRedis | None = None
        self.redis_health = RedisHealth("redis", retry_after=settings.redis_retry_after)
        # Made at startup (they hold connections), read by the middleware
        # it was handed to (None before startup and after shutdown: 503).
        self.rate_limiter: RateLimiter | None = None
        self.trusted = settings.proxy_trust
        self.authenticator: EdgeAuthenticator | None = None
        self.auth_http: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.handle_http(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(scope, receive, send)
        elif kind == "websocket":
            # Not proxied: closing before accept makes the server answer 403.
            await send({"type": "websocket.close", "code": 1008})

    def _may_diagnose(self, scope: Scope) -> bool:
        """Whether this client may read /metrics and the detailed /readyz."""
        client = parse_ip(self.trusted.client_ip(scope))
        return client is not None and any(
            client.version == net.version and client in net
            for net in self.settings.diagnostics_networks
        )

    async def handle_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path == "/metrics" and self.metrics is not None:
            if not self._may_diagnose(scope):
                await problem_response(404, detail="No such resource.")(scope, receive, send)
            elif scope["method"] not in _PROBE_METHODS:
                await problem_response(405, headers={"Allow": "GET, HEAD"})(scope, receive, send)
            else:
                await self.metrics.endpoint(scope, receive, send)
            return
        if path in ("/livez", "/readyz"):
            if scope["method"] not in _PROBE_METHODS:
                await problem_response(405, headers={"Allow": "GET, HEAD"})(scope, receive, send)
            elif path == "/livez":
                await livez(scope, receive, send)
            else:
                await readyz(
                    scope,
                    receive,
                    send,
                    redis=self.redis,
                    upstreams=self.upstreams,
                    check_timeout=self.settings.readiness_timeout,
                    detailed=self._may_diagnose(scope),
                )
            return

        name = self.routes.resolve(path)
        if name is None:
            await problem_response(404, detail="No such resource.")(scope, receive, send)
            return
        upstream = self.upstreams.get(name)
        if upstream is None:  # requests before startup (or after shutdown)
            await problem_response(503, detail="The gateway is not ready.")(scope, receive, send)
            return
        await self.proxy.forward(upstream, scope, receive, send)

    async def startup(self) -> None:
        for name, url in self.upstream_urls.items():
            self.upstreams[name] = open_upstream(name, url, self.settings)
        self.redis = create_redis(self.settings)
        instrument_redis()
        self.rate_limit_redis = PipelinedRedis(
            self.settings.redis_url,
            connect_timeout=self.settings.redis_connect_timeout,
            read_timeout=self.settings.redis_read_timeout,
        )
        self.rate_limiter = RateLimiter(
            self.rate_limit_redis,
            self.redis_health,
            key_prefix=self.settings.rate_limit_key_prefix,
            fail_closed=self.settings.rate_limit_redis_down == "closed",
        )
        if self.settings.edge_auth_enabled:
            self.auth_http = create_http_client(timeout=2.0, connect_timeout=1.0)
            cache = Cache(self.redis, prefix="lf:gateway", health=self.redis_health)
            self.authenticator = EdgeAuthenticator(self.settings, self.auth_http, cache)
        logger.info("gateway started", extra={"upstreams": sorted(self.upstreams)})

    async def shutdown(self) -> None:
        upstreams, self.upstreams = self.upstreams, {}
        for upstream in upstreams.values():
            await upstream.close()
        if self.auth_http is not None:
            await self.auth_http.aclose()
            self.auth_http = None
        self.authenticator = None
        self.rate_limiter = None
        if self.rate_limit_redis is not None:
            await self.rate_limit_redis.aclose()
            self.rate_limit_redis = None
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None
        logger.info("gateway stopped")

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    logger.exception("gateway startup failed")
                    await self.shutdown()
                    await send({"type": "lifespan.startup.failed", "message": type(exc).__name__})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.shutdown()
                except Exception as exc:
                    logger.exception("gateway shutdown failed")
                    await send({"type": "lifespan.shutdown.failed", "message": type(exc).__name__})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: GatewaySettings | None = None) -> ASGIApp:
    """The gateway with its middleware; handles the ASGI lifespan itself."""
    settings = settings or GatewaySettings()
    configure_logging_from(settings)
    setup_tracing(settings.service_name, settings.tracing)
    gateway = Gateway(settings)
    return build_middleware_stack(
        gateway, settings, gateway, metrics=gateway.metrics, routes=gateway.routes
    )
