"""Run an ASGI app under uvicorn the same way in every service.

Shutdown is readiness first. On SIGTERM the server does not stop accepting
at once (what plain uvicorn does): for ``drain_seconds`` it keeps serving
while ``/readyz`` answers 503 and every response carries ``Connection:
close``. Load balancers see the pod go unready and stop sending new work;
keep-alive clients (the gateway's upstream pools, say) are moved onto new
connections, which the balancer sends elsewhere, instead of losing a request
to an idle connection closed under them. Then uvicorn's own graceful
shutdown runs: the listener closes (new connections are refused), in-flight
requests get up to ``shutdown_timeout`` seconds to finish, the lifespan ends.

SIGINT (Ctrl+C), or a second signal during the drain, skips the drain.

One loss is the kernel's, not ours: a connection still in the listen backlog
when the listener closes is reset, so a client that keeps opening
connections after the drain may see a reset instead of a refusal, for a
request the app never received. Behind a load balancer that honours
readiness, nothing connects by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
import socket
import sys
import time
from collections.abc import Generator
from types import FrameType

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import STARTUP_FAILURE

from launchforge_common.health import draining_response
from launchforge_common.http_protocol import guarded_protocol
from launchforge_common.logging import flush_logs

logger = logging.getLogger("launchforge.server")

_PROBE_METHODS = frozenset({"GET", "HEAD"})
# Longest wait, once the listener is closed, for connections accepted just
# before to send their request (see DrainingServer.shutdown).
SETTLE_SECONDS = 2.0


class Drain:
    """Whether the process is draining; set once, by the server, on SIGTERM."""

    def __init__(self) -> None:
        self.started_at: float | None = None

    @property
    def active(self) -> bool:
        return self.started_at is not None

    def begin(self) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()


class DrainMiddleware:
    """Outermost ASGI layer: during a drain, unready and no connection reuse.

    Pure ASGI and framework-free, so the FastAPI services and the gateway
    behave the same. ``/readyz`` is answered here without running the app's
    checks: a draining process is unready whatever its dependencies say.
    """

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.drain.active:
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/readyz" and scope["method"] in _PROBE_METHODS:
            await draining_response()(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"connection"
                ]
                # uvicorn closes the connection after a response saying so.
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


class DrainingServer(uvicorn.Server):
    """uvicorn with a readiness-first drain between SIGTERM and its shutdown.

    uvicorn's signal handler only sets ``should_exit``, which its main loop
    checks every 0.1 s. Here the first SIGTERM starts the drain instead, and
    the main loop hands the same signal to uvicorn once the drain is over,
    so uvicorn's graceful shutdown (and its re-raising of the signal at the
    end, hence the exit status) is unchanged.
    """

    def __init__(self, config: uvicorn.Config, drain: Drain, drain_seconds: float) -> None:
        super().__init__(config)
        self.drain = drain
        self.drain_seconds = drain_seconds
        self._drain_signal: int | None = None
        self._drain_logged = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Called from a signal handler: only flags here, no logging or I/O.
        drain_now = (
            sig == signal.SIGTERM
            and self.drain_seconds > 0
            and self.started
            and not self.should_exit
            and self._drain_signal is None
        )
        if drain_now:
            self._drain_signal = sig
            self.drain.begin()
            return
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        started = self.drain.started_at
        if self._drain_signal is not None and started is not None and not self.should_exit:
            if not self._drain_logged:
                self._drain_logged = True
                logger.info("draining before shutdown", extra={"drain_s": self.drain_seconds})
            if time.monotonic() - started >= self.drain_seconds:
                logger.info("drain over; shutting down")
                super().handle_exit(self._drain_signal, None)
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, without losing just-accepted connections.

        uvicorn closes the listener and, at once, every connection not in the
        middle of a request: that includes one accepted a moment earlier whose
        request has not been read yet, and its client sees the connection
        closed without an answer. So the listener is closed first, and such
        connections get up to ``SETTLE_SECONDS`` to deliver their request
        (served, then closed); kept-alive idle ones are closed by uvicorn.
        """
        self.drain.begin()  # from here on every response closes its connection
        for server in getattr(self, "servers", []):
            server.close()
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            if not self._unread_connections():
                break
            await asyncio.sleep(0.01)  # polled: uvicorn signals no event for this
        await super().shutdown(sockets=sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """uvicorn's, plus a flush of batched log lines before it re-raises the
        signal it caught (which ends the process without ``logging.shutdown``)."""
        with super().capture_signals():
            try:
                yield
            finally:
                flush_logs()

    def _unread_connections(self) -> int:
        """HTTP connections that have not started their first request yet."""
        return sum(
            1
            for conn in self.server_state.connections
            if hasattr(conn, "cycle") and conn.cycle is None
        )


def run_uvicorn(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    shutdown_timeout: float,
    drain_seconds: float = 0.0,
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT: drain ``drain_seconds``, then finish in-flight requests.

    uvicorn's own logging config and access log are off: the JSON logging set
    up by the app factory stays in charge and RequestContextMiddleware writes
    one access line per request. Proxy headers are believed only when the
    service is configured to (the gateway decides that itself).
    """
    drain = Drain()
    config = uvicorn.Config(
        DrainMiddleware(app, drain),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
        lifespan="on",
        timeout_graceful_shutdown=math.ceil(shutdown_timeout),
        # A deadline and a size limit for request headers, problem+json 400s
        # (see http_protocol: plain uvicorn waits for headers forever).
        http=guarded_protocol(),
    )
    server = DrainingServer(config, drain, drain_seconds)
    with contextlib.suppress(KeyboardInterrupt):  # SIGINT, re-raised after the shutdown
        server.run()
    if not server.started:  # as uvicorn.run: a failed startup is a failed process
        sys.exit(STARTUP_FAILURE)
