"""Run an ASGI app under uvicorn the same way in every service."""

from __future__ import annotations

import math

from starlette.types import ASGIApp


def run_uvicorn(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    shutdown_timeout: float,
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT, then drain for up to ``shutdown_timeout`` s.

    uvicorn's own logging config and access log are off: the JSON logging set
    up by the app factory stays in charge and RequestContextMiddleware writes
    one access line per request. Proxy headers are believed only when the
    service is configured to (the gateway decides that itself).
    """
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
        lifespan="on",
        timeout_graceful_shutdown=math.ceil(shutdown_timeout),
    )
