"""CORS from the gateway's allow-list, on every response (errors included).

Starlette's pure-ASGI ``CORSMiddleware`` does the protocol work (preflight,
origin echo, ``Vary: Origin`` on every response); this layer only feeds it
the configuration, which :class:`GatewaySettings` has already checked: no
wildcard with credentials, no empty or malformed origin. It sits outside every
layer that can answer an error (429, 401, 413, 5xx), so browsers can read them.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from launchforge_gateway.config import GatewaySettings

EXPOSED_HEADERS = (
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "X-Request-ID",
    "Mcp-Session-Id",
)
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "Idempotency-Key",
    "Last-Event-ID",
    # A browser-based MCP client (an allowed origin) sends these to /mcp.
    "Mcp-Protocol-Version",
    "Mcp-Session-Id",
)
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


PREVIEW_PREFIX = "/preview/"


class _PreviewBypass:
    """``/preview/*`` keeps core's own CORS answer (``Access-Control-Allow-Origin: *``,
    no credentials: a preview page runs in an opaque origin and its URL is the
    credential); every other path goes through the allow-list."""

    def __init__(self, app: ASGIApp, cors: ASGIApp) -> None:
        self.app = app
        self.cors = cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREVIEW_PREFIX):
            await self.app(scope, receive, send)
        else:
            await self.cors(scope, receive, send)


def cors_middleware(app: ASGIApp, settings: GatewaySettings) -> ASGIApp:
    if not settings.cors_origins:
        return app  # no browser origin is allowed: no CORS headers at all
    return _PreviewBypass(app, _allow_list(app, settings))


def _allow_list(app: ASGIApp, settings: GatewaySettings) -> ASGIApp:
    return CORSMiddleware(
        app,
        allow_origins=settings.cors_origins,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        allow_credentials=settings.cors_allow_credentials,
        expose_headers=EXPOSED_HEADERS,
        max_age=settings.cors_max_age,
    )
