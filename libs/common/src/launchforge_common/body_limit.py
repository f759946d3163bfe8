"""Request body limits: 413 before the size limit is passed on, 408 when too slow.

Used by every service: the gateway (``GATEWAY_MAX_BODY_SIZE``, per-route
overrides) and, behind it, auth and core (``<P>_MAX_BODY_SIZE``), so a
request that reaches a service some other way cannot make it read an
unbounded body into memory.

A declared ``Content-Length`` over the limit is refused before anything is
read. A body without a length (chunked) is counted as it streams through:
the chunk that would pass the limit is never handed on (in the gateway the
upstream request is aborted: the upstream sees a truncated body, never a
complete one), and the client gets 413. Nothing is buffered to measure it.

The whole body must also arrive within ``body_timeout`` seconds of the
headers. A slowloris client trickling a byte now and then (or stalling
half-way) is answered 408 and its connection closed, the inner app's read
aborted the same way as for an oversize body.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launchforge_common.errors import problem_response


class RequestBodyTooLargeError(Exception):
    """Raised from ``receive`` when a streamed body passes the limit."""


class RequestBodyTimeoutError(Exception):
    """Raised from ``receive`` when the body has not fully arrived in time."""


def _too_large(limit: int) -> JSONResponse:
    return problem_response(
        413,
        title="Content Too Large",
        detail=f"The request body is larger than the {limit} bytes allowed here.",
    )


def _too_slow(timeout: float) -> JSONResponse:
    return problem_response(
        408,
        title="Request Timeout",
        detail=f"The request body did not arrive within {timeout:g} seconds.",
        headers={"Connection": "close"},
    )


class BodyLimitMiddleware:
    """``max_body_size`` bytes within ``body_timeout`` seconds; ``limit_for(method,
    path)``, when given, picks a per-route limit instead."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_size: int,
        body_timeout: float,
        limit_for: Callable[[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.default = max_body_size
        self.timeout = body_timeout
        self._limit_for = limit_for

    def limit_for(self, method: str, path: str) -> int:
        if self._limit_for is None:
            return self.default
        return self._limit_for(method, path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        has_body = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await problem_response(400, detail="Invalid Content-Length.")(
                        scope, receive, send
                    )
                    return
                if declared > limit:
                    await _too_large(limit)(scope, receive, send)
                    return
                has_body = has_body or declared > 0
            elif name == b"transfer-encoding":
                has_body = True
        if not has_body:
            # RFC 9112 section 6.3: with neither header the request has no
            # body (the server reads none), so there is nothing to count or time.
            await self.app(scope, receive, send)
            return

        received = 0
        exceeded = timed_out = body_done = False
        response_started = False
        deadline = asyncio.get_running_loop().time() + self.timeout

        async def counting_receive() -> Message:
            nonlocal received, exceeded, timed_out, body_done
            if body_done:  # afterwards only http.disconnect can come: no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise RequestBodyTimeoutError from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise RequestBodyTooLargeError
                body_done = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if (exceeded or timed_out) and not response_started:
                return  # the inner app's error for the aborted upload; 413/408 follows
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        # The inner app may let the error through (the gateway's proxy may
        # answer 502 instead: dropped above).
        with contextlib.suppress(RequestBodyTooLargeError, RequestBodyTimeoutError):
            await self.app(scope, counting_receive, guarded_send)
        if response_started:
            return
        if exceeded:
            await _too_large(limit)(scope, receive, send)
        elif timed_out:
            await _too_slow(self.timeout)(scope, receive, send)
