"""Pure ASGI middleware shared by the FastAPI services.

``RequestContextMiddleware`` is the outermost layer of each service: it sets
the request id, echoes it on every response (500s included), writes one access
log line per request, and turns an exception that escaped everything else into
a problem+json 500, so that even that response carries the request id.

Its one ``send`` wrapper is also where a service stamps every response: the
gateway passes its security headers (added where the response has none of
that name) and a metrics callback, and layers inside put per-request headers
(the rate limiter's) in ``scope[RESPONSE_HEADERS]``. One wrapper per message
instead of one per concern: each wrapper is a coroutine call on every
response message.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launchforge_common.context import REQUEST_ID_HEADER, accept_request_id, request_id_var
from launchforge_common.errors import handle_unexpected
from launchforge_common.logging import ACCESS_LOGGER, log_access

access_logger = logging.getLogger(ACCESS_LOGGER)

_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")

# Scope key: a list of (name, value) byte pairs an inner layer wants on the response.
RESPONSE_HEADERS = "launchforge.response_headers"

# Called once per request with the scope, the status sent (500 if none) and seconds taken.
Observer = Callable[[Scope, int, float], None]

# Probe paths are hit every few seconds by Kubernetes; logging each would drown
# the access log.
_QUIET_PATHS = frozenset({"/livez", "/readyz", "/metrics"})

# Paths that carry a credential: a live preview's signed token is its second
# segment (``/preview/{build_id}/{token}/...``). Logs and traces never hold it.
_CREDENTIAL_IN_PATH = re.compile(r"^(/preview/[^/]*/)[^/]+")
REDACTED = "[redacted]"


def loggable_path(path: str) -> str:
    """``path`` with any credential it carries replaced by ``[redacted]``."""
    return _CREDENTIAL_IN_PATH.sub(lambda m: m.group(1) + REDACTED, path, count=1)


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        default_headers: Sequence[tuple[bytes, bytes]] = (),
        observe: Observer | None = None,
    ) -> None:
        self.app = app
        # Lower-case names; each is added only when the response has none of that name.
        self.default_headers = tuple(default_headers)
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = None
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_NAME:
                incoming = value.decode("latin-1")
                break
        request_id = accept_request_id(incoming)
        id_header = (_REQUEST_ID_NAME, request_id.encode("latin-1"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        defaults = self.default_headers

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                # Ours replaces any id the app (or an upstream) set.
                headers = [
                    h for h in message.get("headers", ()) if h[0].lower() != _REQUEST_ID_NAME
                ]
                extra = scope.get(RESPONSE_HEADERS)
                if extra:
                    headers.extend(extra)
                headers.append(id_header)
                if defaults:
                    present = {h[0].lower() for h in headers}
                    headers.extend(h for h in defaults if h[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if response_started:
                access_logger.error("error after response started", exc_info=exc)
            else:
                response = await handle_unexpected(exc)
                await response(scope, receive, send_with_id)
        finally:
            if self.observe is not None:
                self.observe(scope, status, time.perf_counter() - started)
            path = loggable_path(scope.get("path", ""))
            if path not in _QUIET_PATHS:
                log_access(
                    scope.get("method"),
                    path,
                    status,
                    round((time.perf_counter() - started) * 1000, 2),
                )
            request_id_var.reset(token)
