"""The web app: the built single-page app (``web/dist``) served by the gateway.

A pure ASGI app placed in front of the proxy. It answers only what belongs
to the web app and hands every other request to the app it wraps (the
gateway's routing), so API responses keep their own headers:

- ``/assets/*``: Vite's content-hashed files, cached for a year
  (``immutable``); a missing asset is a 404, never ``index.html``.
- ``/`` and client routes (``GET``/``HEAD`` asking for ``text/html``, outside
  the API prefixes): ``index.html`` with ``no-cache``, so a new deploy is
  picked up at once while the hashed assets stay cached.
- other top-level files of the build (``/favicon.svg``): ``no-cache``.

Every web-app response carries its own strict CSP (self only, no inline
script or style), ``nosniff``, ``X-Frame-Options: DENY`` and
``Referrer-Policy: no-referrer`` (the verify/reset links carry single-use
tokens in their query). Files are read through Starlette's ``StaticFiles``
(ETag, ``If-None-Match``, ``HEAD``, and a realpath check that keeps lookups
inside the directory); requests with dot segments, backslashes or NUL bytes
are refused before any lookup.

The directory comes from ``GATEWAY_WEB_DIST`` (default ``<repo>/web/dist``);
when it holds no ``index.html`` the web app is simply off.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from launchforge_common.errors import problem_response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("launchforge.gateway.webapp")

WEB_DIST_ENV = "GATEWAY_WEB_DIST"
# services/gateway/src/launchforge_gateway/webapp.py -> the repository root.
DEFAULT_WEB_DIST = Path(__file__).resolve().parents[4] / "web" / "dist"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
ASSET_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# Never answered by the web app, whatever the Accept header says.
RESERVED_PREFIXES: tuple[str, ...] = (
    "/v1",
    "/mcp",
    "/.well-known",
    "/internal",
    "/livez",
    "/readyz",
    "/metrics",
    "/preview",  # live previews: core answers them (routing.py)
)
ASSETS_PREFIX = "/assets/"
_READ_METHODS = frozenset({"GET", "HEAD"})


def web_dist_dir(environ: dict[str, str] | None = None) -> Path | None:
    """The built web app's directory, or None when there is no build there."""
    env = os.environ if environ is None else environ
    configured = env.get(WEB_DIST_ENV, "").strip()
    directory = Path(configured) if configured else DEFAULT_WEB_DIST
    if (directory / "index.html").is_file():
        return directory
    return None


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def _unsafe(path: str) -> bool:
    """Dot segments, backslashes or NUL: never a file of ours, refused outright."""
    if "\\" in path or "\x00" in path:
        return True
    return any(segment in (".", "..") for segment in path.split("/"))


def _accepts_html(scope: Scope) -> bool:
    accept = Headers(scope=scope).get("accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


class WebApp:
    """Serves the SPA build and passes everything else to ``app``."""

    def __init__(self, app: ASGIApp | None, directory: Path) -> None:
        self.app = app
        self.directory = directory
        self.files = StaticFiles(directory=directory, check_dir=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._pass(scope, receive, send)
            return
        path: str = scope["path"]
        if _under(path, RESERVED_PREFIXES):
            await self._pass(scope, receive, send)
            return
        if path.startswith(ASSETS_PREFIX):
            await self._asset(scope, receive, send)
            return
        if scope["method"] not in _READ_METHODS:
            await self._pass(scope, receive, send)
            return
        if _unsafe(path):
            await self._web_problem(404, scope, receive, send)
            return
        name = path.lstrip("/")
        if name and "/" not in name and name != "index.html" and (self.directory / name).is_file():
            await self._serve(name, REVALIDATE, scope, receive, send)
            return
        if path == "/" or _accepts_html(scope):
            await self._serve("index.html", REVALIDATE, scope, receive, send)
            return
        await self._pass(scope, receive, send)

    async def _asset(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in _READ_METHODS:
            await self._web_problem(405, scope, receive, send, headers={"Allow": "GET, HEAD"})
            return
        path: str = scope["path"]
        if _unsafe(path) or len(path) <= len(ASSETS_PREFIX):
            await self._web_problem(404, scope, receive, send)
            return
        await self._serve(path.lstrip("/"), ASSET_CACHE, scope, receive, send)

    async def _serve(
        self, relative: str, cache_control: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        try:
            response = await self.files.get_response(relative, scope)
        except HTTPException as exc:
            await self._web_problem(exc.status_code, scope, receive, send, headers=exc.headers)
            return
        await response(scope, receive, _with_headers(send, cache_control))

    async def _web_problem(
        self,
        status: int,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        detail = "No such file." if status == 404 else None
        response = problem_response(status, detail=detail, headers=headers)
        await response(scope, receive, _with_headers(send, "no-store"))

    async def _pass(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            if scope["type"] == "http":
                await problem_response(404, detail="No such resource.")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _with_headers(send: Send, cache_control: str) -> Send:
    """``send`` that sets the web app's security and caching headers."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Cache-Control"] = cache_control
            headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            headers["X-Content-Type-Options"] = "nosniff"
            headers["X-Frame-Options"] = "DENY"
            headers["Referrer-Policy"] = "no-referrer"
            headers["Cross-Origin-Opener-Policy"] = "same-origin"
        await send(message)

    return wrapped


def with_webapp(app: ASGIApp, directory: Path | None = None) -> ASGIApp:
    """``app`` behind the web app when a build exists, else ``app`` unchanged."""
    directory = directory or web_dist_dir()
    if directory is None:
        logger.info("web app off: no build found", extra={"env": WEB_DIST_ENV})
        return app
    logger.info("serving the web app", extra={"directory": str(directory)})
    return WebApp(app, directory)
