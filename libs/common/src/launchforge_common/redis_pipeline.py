"""One Redis connection shared by every concurrent caller, commands auto-pipelined.

For a command run on every request (the gateway's rate-limit script) redis-py's
general client costs more than the command: each call takes a pooled
connection, goes through retry, timeout and parsing layers, and makes its own
write and read system calls (~60-90 us of CPU per call measured here, about a
third of the gateway's CPU per proxied request). :class:`PipelinedRedis` does
what ioredis' and rueidis' auto-pipelining do, which redis-py does not offer:
every command issued during one event-loop iteration goes out in one write on
one connection, and replies (which Redis sends in order) are handed back in
order as they arrive, parsed by hiredis (which redis-py also uses). Each
command stays its own atomic command; only the transport is shared.

Timeouts cost one timer per connection, not one per command: a watchdog
breaks the connection (failing every command waiting on it) when the oldest
reply is overdue, and the next command reconnects. Supports the URLs
``create_redis`` does (``redis://``, ``rediss://``, ``unix://``, user,
password, db), and on ``rediss://`` the TLS options redis-py reads from the
URL (:data:`TLS_OPTIONS`: CA, client certificate, verification). Any other
``ssl_*`` option is refused when the client is made, never silently dropped:
a TLS setting that is not applied is a security setting that is not applied.
Connection-pool options (``health_check_interval`` and the like) do not apply
to one connection and are ignored; the timeouts come from the settings.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections import deque
from collections.abc import Awaitable, Sequence
from typing import Any, cast

import hiredis
from opentelemetry import trace
from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url
from redis.exceptions import ResponseError

from launchforge_common.tracing import tracing_enabled

Arg = str | bytes | int | float


def _pack(args: tuple[Arg, ...]) -> bytes:
    """One command in RESP (hiredis' C packer; its stub wrongly allows one argument)."""
    packed: bytes = hiredis.pack_command(args)  # type: ignore[arg-type]
    return packed


class _Pipe(asyncio.Protocol):
    """The protocol of one connection: writes batched per loop iteration, replies FIFO."""

    def __init__(self, loop: asyncio.AbstractEventLoop, read_timeout: float) -> None:
        self.loop = loop
        self.read_timeout = read_timeout
        self.reader = hiredis.Reader()
        self.transport: asyncio.Transport | None = None
        self.waiters: deque[tuple[asyncio.Future[Any], float]] = deque()
        self.outgoing: list[bytes] = []
        self.lost: BaseException | None = None
        self.watchdog: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def call(self, packed: bytes) -> asyncio.Future[Any]:
        """Queue one packed command; the future gets its reply."""
        if self.lost is not None:
            raise ConnectionError("Redis connection lost") from self.lost
        future: asyncio.Future[Any] = self.loop.create_future()
        self.waiters.append((future, self.loop.time() + self.read_timeout))
        if not self.outgoing:
            self.loop.call_soon(self._flush)
        self.outgoing.append(packed)
        if self.watchdog is None:
            self.watchdog = self.loop.call_later(self.read_timeout, self._check_overdue)
        return future

    def _flush(self) -> None:
        if self.transport is not None and self.lost is None and self.outgoing:
            self.transport.write(b"".join(self.outgoing))
        self.outgoing.clear()

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while self.waiters:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError as exc:
                self.abort(ConnectionError(f"Redis protocol error: {exc}"))
                return
            if reply is False:  # no complete reply buffered
                return
            future, _ = self.waiters.popleft()
            if future.done():  # its caller was cancelled
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(ResponseError(str(reply)))
            else:
                future.set_result(reply)

    def _check_overdue(self) -> None:
        self.watchdog = None
        if not self.waiters or self.lost is not None:
            return
        deadline = self.waiters[0][1]
        if self.loop.time() >= deadline:
            self.abort(TimeoutError(f"no reply from Redis within {self.read_timeout} s"))
        else:
            self.watchdog = self.loop.call_at(deadline, self._check_overdue)

    def abort(self, exc: BaseException) -> None:
        """Fail every waiting command and drop the connection."""
        self._fail_all(exc)
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail_all(exc or ConnectionError("Redis closed the connection"))

    def _fail_all(self, exc: BaseException) -> None:
        if self.lost is None:
            self.lost = exc
        if self.watchdog is not None:
            self.watchdog.cancel()
            self.watchdog = None
        self.outgoing.clear()
        while self.waiters:
            future, _ = self.waiters.popleft()
            if not future.done():
                future.set_exception(_as_connection_error(exc))


TLS_OPTIONS = frozenset(
    {
        "ssl_cert_reqs",
        "ssl_ca_certs",
        "ssl_ca_path",
        "ssl_ca_data",
        "ssl_certfile",
        "ssl_keyfile",
        "ssl_password",
        "ssl_check_hostname",
    }
)
_CERT_REQS = {
    "none": ssl.CERT_NONE,
    "optional": ssl.CERT_OPTIONAL,
    "required": ssl.CERT_REQUIRED,
}


def tls_context(options: dict[str, Any]) -> ssl.SSLContext:
    """The TLS context a ``rediss://`` URL's options ask for (as redis-py builds it)."""
    unknown = sorted(k for k in options if k.startswith("ssl_") and k not in TLS_OPTIONS)
    if unknown:
        raise ValueError(
            f"Redis URL option(s) {', '.join(unknown)} are not supported by the pipelined "
            f"client; supported TLS options: {', '.join(sorted(TLS_OPTIONS))}"
        )
    reqs = options.get("ssl_cert_reqs", "required")
    if isinstance(reqs, str):
        if reqs.lower() not in _CERT_REQS:
            raise ValueError(f"ssl_cert_reqs must be one of {', '.join(_CERT_REQS)}")
        reqs = _CERT_REQS[reqs.lower()]
    context = ssl.create_default_context(
        cafile=options.get("ssl_ca_certs"),
        capath=options.get("ssl_ca_path"),
        cadata=options.get("ssl_ca_data"),
    )
    check_hostname = options.get("ssl_check_hostname", True)
    context.check_hostname = bool(check_hostname) and reqs != ssl.CERT_NONE
    context.verify_mode = reqs
    if options.get("ssl_certfile"):
        context.load_cert_chain(
            options["ssl_certfile"], options.get("ssl_keyfile"), options.get("ssl_password")
        )
    return context


def _as_connection_error(exc: BaseException) -> BaseException:
    if isinstance(exc, OSError | TimeoutError):
        return exc
    return ConnectionError(str(exc))


class PipelinedRedis:
    """Commands from every caller over one (re)connecting, auto-pipelined connection."""

    def __init__(self, url: str, *, connect_timeout: float, read_timeout: float) -> None:
        options = parse_url(url)
        self._connection_class = options.get("connection_class")
        self._host = str(options.get("host", "localhost"))
        self._port = int(options.get("port", 6379))
        self._path = str(options.get("path", ""))
        self._username = options.get("username")
        self._password = options.get("password")
        self._db = int(options.get("db", 0) or 0)
        self._tls: ssl.SSLContext | None = None
        if self._connection_class is SSLConnection:
            self._tls = tls_context(dict(options))
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._pipe: _Pipe | None = None
        self._connecting: asyncio.Task[_Pipe] | None = None
        self._closed = False
        # A client span per command, as redis-py's instrumentation makes, when
        # tracing is on in this process (decided once: off costs nothing).
        self._tracer = trace.get_tracer(__name__) if tracing_enabled() else None
        self._span_attributes: dict[str, str | int] = {
            "db.system": "redis",
            "db.redis.database_index": self._db,
        }
        if self._connection_class is not UnixDomainSocketConnection:
            self._span_attributes |= {"net.peer.name": self._host, "net.peer.port": self._port}

    async def execute(self, *args: Arg) -> Any:
        """Run one command; raises ``ResponseError`` for an error reply,
        ``ConnectionError``/``TimeoutError`` when Redis cannot be reached."""
        if self._tracer is None:
            return await self._send(args)
        name = str(args[0])
        with self._tracer.start_as_current_span(
            name,
            kind=trace.SpanKind.CLIENT,
            attributes={**self._span_attributes, "db.statement": name},
        ):
            return await self._send(args)

    def _send(self, args: tuple[Arg, ...]) -> Awaitable[Any]:
        """The reply to ``args``: the open connection's future (no extra coroutine
        on the hot path), or a connect first."""
        pipe = self._pipe
        if pipe is None or pipe.lost is not None:
            return self._connect_and_send(args)
        return pipe.call(_pack(args))

    async def _connect_and_send(self, args: tuple[Arg, ...]) -> Any:
        pipe = await self._connected()
        return await pipe.call(_pack(args))

    async def _connected(self) -> _Pipe:
        if self._closed:
            raise ConnectionError("the pipelined Redis client is closed")
        if self._connecting is None:
            self._connecting = asyncio.create_task(self._connect())
        connecting = self._connecting
        try:
            # shield: one caller's cancellation must not cancel everyone's connect.
            return await asyncio.shield(connecting)
        finally:
            if connecting.done() and self._connecting is connecting:
                self._connecting = None

    async def _connect(self) -> _Pipe:
        loop = asyncio.get_running_loop()
        pipe = _Pipe(loop, self.read_timeout)
        async with asyncio.timeout(self.connect_timeout):
            if self._connection_class is UnixDomainSocketConnection:
                await loop.create_unix_connection(lambda: pipe, self._path)
            else:
                await loop.create_connection(lambda: pipe, self._host, self._port, ssl=self._tls)
            try:
                if self._password is not None:
                    auth: tuple[Arg, ...] = (self._password,)
                    if self._username:
                        auth = (self._username, self._password)
                    await pipe.call(_pack(("AUTH", *auth)))
                if self._db:
                    await pipe.call(_pack(("SELECT", self._db)))
            except BaseException:
                pipe.abort(ConnectionError("Redis connection setup failed"))
                raise
        if self._closed:
            pipe.abort(ConnectionError("the pipelined Redis client is closed"))
            raise ConnectionError("the pipelined Redis client is closed")
        self._pipe = pipe
        return pipe

    async def aclose(self) -> None:
        self._closed = True
        if self._connecting is not None:
            self._connecting.cancel()
        if self._pipe is not None:
            self._pipe.abort(ConnectionError("the pipelined Redis client is closed"))
            self._pipe = None


class PipelinedScript:
    """A Lua script run by EVALSHA over a :class:`PipelinedRedis`.

    A ``NOSCRIPT`` reply (Redis restarted or its script cache was flushed)
    is answered by running the script once with EVAL, which caches it again.
    """

    def __init__(self, client: PipelinedRedis, source: str) -> None:
        self.client = client
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA1

    async def __call__(self, keys: Sequence[Arg], args: Sequence[Arg]) -> Any:
        try:
            return await self.client.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except ResponseError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
        return await self.client.execute("EVAL", self.source, len(keys), *keys, *args)
