"""uvicorn's HTTP/1.1 protocol with the limits a server facing clients needs.

Plain uvicorn (with httptools) waits forever for a request's headers and
buffers headers of any size: a slowloris client trickling a header byte now
and then, or one that opens connections and sends nothing, holds each of
them open indefinitely, and one megabyte-sized header is read whole into
memory. :class:`GuardedHttpProtocol` adds, per connection:

- a header deadline: the request line and headers must be complete within
  ``header_timeout`` seconds of the connection opening or of the request's
  first byte (a keep-alive connection's idle time stays uvicorn's own
  ``timeout_keep_alive``); otherwise 408 (or a silent close when nothing of
  a request arrived) and the connection is closed;
- a header size limit: more than ``max_header_bytes`` of request line and
  headers is 431, and the connection is closed without reading further;
- a discard deadline: when the answer went out before the request body was
  read (an early 413, say), uvicorn reads and drops the rest of the body as
  it arrives, for as long as it keeps coming (an endless chunked upload held
  the connection forever). The rest must arrive within ``discard_timeout``
  seconds of the answer, or the connection is closed (nginx's
  ``lingering_time``). A client that finishes its upload in time reads its
  answer and keeps the connection;
- a lingering close (as nginx does): when an answer closes the connection
  (``Connection: close``, an early 413 or 408) while the request body is
  still coming, the write side is shut down and the rest is read and dropped
  for up to ``discard_timeout`` seconds before the socket is closed. Closing
  at once with unread data makes the kernel send a reset, and a client that
  writes its whole body before reading (Python's urllib, anything on
  http.client) then sees ``ConnectionResetError`` instead of the 413;
- problem+json (RFC 9457) instead of uvicorn's ``text/plain`` for requests
  that cannot be parsed at all (CR/LF or NUL inside a header, say), so every
  error a client can get has one format; HTTP/0.9 requests (no version in
  the request line, which the parser otherwise accepts, headers and all)
  are among them.

These answers are written before any ASGI app runs, so they carry no
request id.

It also writes the response headers an app registered as static
(:func:`trust_response_headers`: the gateway's security headers) from bytes
checked once, instead of running uvicorn's two header regular expressions
over every one of them on every response (each scans the value byte by
byte; the CSP and Permissions-Policy values alone are ~300 bytes). Every
other header is still checked as uvicorn checks it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

HEADER_TIMEOUT_S = 10.0
DISCARD_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 64 * 1024
_END_OF_HEADERS = b"\r\n\r\n"
_REASONS = {400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large"}


def problem_bytes(status: int, detail: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A complete ``Connection: close`` HTTP/1.1 problem+json response."""
    reason = _REASONS[status]
    body = json.dumps(
        {"type": "about:blank", "title": reason, "status": status, "detail": detail}
    ).encode()
    lines = [f"HTTP/1.1 {status} {reason}".encode()]
    lines += [name + b": " + value for name, value in default_headers]
    lines += [
        b"content-type: application/problem+json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# (name, value) as the app sends it -> the header line as written, checked once.
_TRUSTED_LINES: dict[tuple[bytes, bytes], bytes] = {}
# Headers that change how the response is framed: always read as uvicorn reads them.
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"connection"})


def trust_response_headers(headers: Iterable[tuple[bytes, bytes]]) -> None:
    """Check these static response headers once, now, as uvicorn would on each response.

    Later responses write them from the checked bytes. Raises ``ValueError``
    for a header uvicorn would refuse, or one that frames the response.
    """
    for name, value in headers:
        if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
            raise ValueError(f"invalid response header {name!r}")
        lower = name.lower()
        if lower in _FRAMING:
            raise ValueError(f"{name!r} frames the response: it cannot be static")
        _TRUSTED_LINES[(name, value)] = lower + b": " + value + b"\r\n"


class _TrustingCycle(RequestResponseCycle):
    """uvicorn's request cycle, writing registered static headers unchecked.

    ``send`` is uvicorn 0.54's, for ``http.response.start``, with one change:
    a header in ``_TRUSTED_LINES`` is written from its checked line. Body
    messages go to uvicorn's own ``send``.
    """

    async def send(self, message: Any) -> None:
        if self.response_started or message["type"] != "http.response.start":
            await super().send(message)
            return
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return

        self.response_started = True
        self.waiting_for_100_continue = False
        status_code = message["status"]
        if self.access_log:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(self.scope),
                self.scope["method"],
                get_path_with_query_string(self.scope),
                self.scope["http_version"],
                status_code,
            )

        content = [STATUS_LINE[status_code]]
        has_connection_close = False
        trusted = _TRUSTED_LINES.get
        for headers in (self.default_headers, message.get("headers", ())):
            for header in headers:
                line = trusted(header)
                if line is not None:
                    content.append(line)
                    continue
                name, value = header
                if HEADER_RE.search(name):
                    raise RuntimeError("Invalid HTTP header name.")
                if HEADER_VALUE_RE.search(value):
                    raise RuntimeError("Invalid HTTP header value.")
                name = name.lower()
                if name == b"content-length" and self.chunked_encoding is None:
                    self.expected_content_length = int(value.decode())
                    self.chunked_encoding = False
                elif name == b"transfer-encoding" and value.lower() == b"chunked":
                    self.expected_content_length = 0
                    self.chunked_encoding = True
                elif name == b"connection":
                    connection = [token.lower().strip() for token in value.split(b",")]
                    if b"close" in connection:
                        self.keep_alive = False
                        has_connection_close = True
                content.extend([name, b": ", value, b"\r\n"])

        if not self.keep_alive and not has_connection_close:
            content.append(b"connection: close\r\n")
        if (
            self.chunked_encoding is None
            and self.scope["method"] != "HEAD"
            and status_code not in (204, 304)
        ):
            self.chunked_encoding = True
            content.append(b"transfer-encoding: chunked\r\n")
        content.append(b"\r\n")
        self.transport.write(b"".join(content))


class _LingeringTransport:
    """The connection's transport as uvicorn's request cycles see it.

    ``close()`` becomes a lingering close while the protocol still expects
    request body bytes; everything else is the real transport.
    """

    def __init__(self, real: asyncio.Transport, protocol: GuardedHttpProtocol) -> None:
        self._real = real
        self._protocol = protocol

    def close(self) -> None:
        if self._protocol.body_unread() and not self._real.is_closing():
            self._protocol.linger()
        else:
            self._real.close()

    def is_closing(self) -> bool:
        return self._protocol.lingering or self._real.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class GuardedHttpProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` with header and discard deadlines, a header size limit,
    problem+json 400s."""

    header_timeout: float = HEADER_TIMEOUT_S
    max_header_bytes: int = MAX_HEADER_BYTES
    discard_timeout: float = DISCARD_TIMEOUT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._awaiting_headers = True
        self._header_bytes = 0  # of the request being read, before its headers end
        self._tail = b""  # the last bytes seen, to find a CRLFCRLF split across reads
        self._header_timer: asyncio.TimerHandle | None = None
        self._discard_timer: asyncio.TimerHandle | None = None
        self.lingering = False
        self._real_transport: asyncio.Transport | None = None

    # -- the deadline

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if not self._awaiting_headers or self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined request behind one still being answered: look again later.
            self._arm_header_timer()
            return
        if self._header_bytes:
            detail = f"The request headers did not arrive within {self.header_timeout:g} seconds."
            self._refuse(408, detail)
        else:
            self.transport.close()  # an idle connection: nothing to answer

    # -- uvicorn's protocol interface

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._real_transport = transport
        self.transport = _LingeringTransport(transport, self)  # type: ignore[assignment]
        self._arm_header_timer()

    # -- the lingering close

    def body_unread(self) -> bool:
        """Whether the request being answered still has body bytes on their way."""
        cycle = self.cycle
        return cycle is not None and cycle.more_body and not self._awaiting_headers

    def linger(self) -> None:
        """Shut the write side, drop what still comes, close after ``discard_timeout``."""
        real = self._real_transport
        if self.lingering or real is None:
            return
        self.lingering = True
        self._disarm_header_timer()
        self._disarm_discard_timer()
        if real.can_write_eof():
            real.write_eof()  # FIN after the answer: the client reads its 413
        real.resume_reading()
        self._discard_timer = self.loop.call_later(self.discard_timeout, real.close)

    # -- the discard deadline

    def _discard_timed_out(self) -> None:
        self._discard_timer = None
        cycle = self.cycle
        real = self._real_transport
        if cycle is not None and cycle.more_body and real is not None and not real.is_closing():
            real.close()  # the client had its time: no second, lingering grace

    def _disarm_discard_timer(self) -> None:
        if self._discard_timer is not None:
            self._discard_timer.cancel()
            self._discard_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        cycle = self.cycle
        if cycle is not None and cycle.more_body and not self.transport.is_closing():
            # Answered before the body was read: the rest is only dropped now.
            self._disarm_discard_timer()
            self._discard_timer = self.loop.call_later(
                self.discard_timeout, self._discard_timed_out
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        self._disarm_discard_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            return  # the rest of an answered request's body: dropped
        if self._awaiting_headers:
            self._arm_header_timer()
            seen = self._tail + data
            end = seen.find(_END_OF_HEADERS)
            if end == -1:
                size = self._header_bytes + len(data)
            else:
                size = self._header_bytes - len(self._tail) + end + len(_END_OF_HEADERS)
            if size > self.max_header_bytes:
                detail = f"The request line and headers exceed {self.max_header_bytes} bytes."
                self._refuse(431, detail)
                return
            self._header_bytes += len(data)
            self._tail = seen[-(len(_END_OF_HEADERS) - 1) :]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        if self.parser.get_http_version() not in ("1.0", "1.1"):
            # HTTP/0.9: a request line without a version, which is also what a
            # CR/LF smuggled into a request target leaves behind. The parser
            # turns this exception into a parse error: 400 below.
            raise ValueError("unsupported HTTP version")
        self._awaiting_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()
        if _TRUSTED_LINES and type(self.cycle) is RequestResponseCycle:
            # uvicorn made the cycle by name; its task has not run yet.
            self.cycle.__class__ = _TrustingCycle

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm_discard_timer()
        # The next request on this connection starts its header count afresh;
        # its deadline starts with its first byte.
        self._awaiting_headers = True
        self._header_bytes = 0
        self._tail = b""

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "The request is not valid HTTP/1.1.")

    # -- answers written before any app runs

    def _refuse(self, status: int, detail: str) -> None:
        self._disarm_header_timer()
        self._awaiting_headers = False
        if not self.transport.is_closing():
            self.transport.write(
                problem_bytes(status, detail, list(self.server_state.default_headers))
            )
            self.transport.close()


def guarded_protocol(
    *,
    header_timeout: float = HEADER_TIMEOUT_S,
    max_header_bytes: int = MAX_HEADER_BYTES,
    discard_timeout: float = DISCARD_TIMEOUT_S,
) -> type[GuardedHttpProtocol]:
    """A :class:`GuardedHttpProtocol` with these limits (for ``uvicorn.Config(http=...)``)."""
    return type(
        "GuardedHttpProtocol",
        (GuardedHttpProtocol,),
        {
            "header_timeout": header_timeout,
            "max_header_bytes": max_header_bytes,
            "discard_timeout": discard_timeout,
        },
    )
