"""JSON structured logging with the request id on every record."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from launchforge_common.context import request_id_var

if TYPE_CHECKING:  # settings import pydantic-settings; logging must stay light
    from launchforge_common.settings import ServiceSettings

_configured = False


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or None) and the service name to each record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.service = self.service
        return True


# The one logger that writes a line per request (RequestContextMiddleware).
ACCESS_LOGGER = "launchforge.access"


class IntervalFlushHandler(logging.StreamHandler[TextIO]):
    """A stream handler that batches access lines, writing at most every ``interval`` seconds.

    A plain ``StreamHandler`` writes and flushes every record: one ``write``
    system call per access line, on every request (``PYTHONUNBUFFERED``, set
    in most container images and on these machines, makes even the stream's
    own buffer write through). Here the access lines (loggers named in
    ``batched``, below WARNING) collect in memory and go out in one write at
    most ``interval`` seconds later (nginx's ``access_log ... flush=``); any
    other record, and everything logged outside an event loop or with an
    ``interval`` of 0, goes out at once, with the lines waiting before it.
    ``logging.shutdown`` (at exit) flushes the rest; a killed process can
    lose up to ``interval`` seconds of access lines, nothing else.
    """

    def __init__(
        self, stream: TextIO, interval: float, batched: frozenset[str] = frozenset({ACCESS_LOGGER})
    ) -> None:
        super().__init__(stream)
        self.interval = interval
        self.batched = batched
        self._lines: list[str] = []
        # The loop a flush is scheduled on. Asking for the running loop costs
        # a getpid() system call on Python 3.11, so it is asked only when no
        # flush is pending.
        self._flush_loop: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.add_line(
                self.format(record),
                batch=record.name in self.batched and record.levelno < logging.WARNING,
            )
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def add_line(self, line: str, *, batch: bool) -> None:
        """Queue one formatted line; unless ``batch``, write it (and those before it) now."""
        self._lines.append(line + self.terminator)
        if self.interval <= 0 or not batch:
            self.flush()
            return
        pending = self._flush_loop
        if pending is not None:
            if not pending.is_closed():
                return  # goes out with the scheduled flush
            self._flush_loop = None  # that loop closed before its flush ran
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop in this thread: nothing would flush later
            self.flush()
            return
        self._flush_loop = loop
        loop.call_later(self.interval, self._scheduled_flush, loop)

    def _scheduled_flush(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._flush_loop is loop:
            self._flush_loop = None
        self.flush()

    def flush(self) -> None:
        self.acquire()
        try:
            if self._lines:
                text = "".join(self._lines)
                self._lines.clear()
                self.stream.write(text)
            super().flush()
        finally:
            self.release()


def json_formatter() -> JsonFormatter:
    """The formatter of every JSON log line."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(service)s",
        rename_fields={"levelname": "level", "asctime": "time", "name": "logger"},
    )


class AccessLine:
    """Writes the JSON access line straight to the root handler, byte for byte
    what the formatter would write for the same call.

    ``logger.info(..., extra=...)`` makes a ``LogRecord``, runs the filters,
    and the JSON formatter then walks the record's attributes: ~17 us, the
    largest single cost of a proxied request. This builds the same dict and
    serializes it once, with the timestamp's text kept for the current
    second. It is used only while the logging setup is still the one
    ``configure_logging`` made (one handler on the root logger, nothing on
    the access logger, INFO enabled); anything else (pytest's ``caplog``, a
    handler added at run time, ``logging.disable``) gets the ordinary call.
    """

    def __init__(
        self,
        handler: IntervalFlushHandler,
        formatter: logging.Formatter,
        request_filter: RequestIdFilter,
    ) -> None:
        self.handler = handler
        self.formatter = formatter
        self.filters = [request_filter]
        self.service = request_filter.service
        self.root = logging.getLogger()
        self.logger = logging.getLogger(ACCESS_LOGGER)
        self.batch = ACCESS_LOGGER in handler.batched
        self._second = -1
        self._stamp = ""

    def usable(self) -> bool:
        handler, logger, root = self.handler, self.logger, self.root
        handlers = root.handlers
        return (
            len(handlers) == 1
            and handlers[0] is handler
            and handler.formatter is self.formatter
            and handler.filters == self.filters
            and handler.level <= logging.INFO
            and logger.parent is root
            and logger.propagate
            and not logger.handlers
            and not logger.filters
            and not root.filters
            and logger.isEnabledFor(logging.INFO)
        )

    def write(self, method: str | None, path: str, status: int, duration_ms: float) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._stamp = time.strftime(
                self.formatter.default_time_format, self.formatter.converter(now)
            )
            self._second = second
        msec_format = self.formatter.default_msec_format
        stamp = self._stamp
        if msec_format:
            stamp = msec_format % (stamp, int((now - second) * 1000))
        line = json.dumps(
            {
                "time": stamp,
                "level": "INFO",
                "logger": ACCESS_LOGGER,
                "message": f"{method} {path} {status}",
                "request_id": request_id_var.get(),
                "service": self.service,
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            }
        )
        with self.handler.lock:  # type: ignore[union-attr]
            self.handler.add_line(line, batch=self.batch)


_access_line: AccessLine | None = None


def log_access(method: str | None, path: str, status: int, duration_ms: float) -> None:
    """Write one request's access line (``RequestContextMiddleware`` calls this)."""
    fast = _access_line
    if fast is not None and fast.usable():
        fast.write(method, path, status, duration_ms)
        return
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s",
        method,
        path,
        status,
        extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms},
    )


def configure_logging(
    service: str,
    level: str = "INFO",
    *,
    json_format: bool = True,
    flush_interval: float = 0.0,
) -> None:
    """Route the root logger (and uvicorn's) to one stdout handler.

    ``flush_interval`` > 0 batches writes (see :class:`IntervalFlushHandler`).
    Idempotent: a second call only changes the level (and the interval), so
    app factories called many times in tests do not stack handlers.
    """
    global _configured
    root = logging.getLogger()
    root.setLevel(level.upper())
    if _configured:
        for existing in root.handlers:
            if isinstance(existing, IntervalFlushHandler):
                existing.interval = flush_interval
        return
    handler = IntervalFlushHandler(sys.stdout, flush_interval)
    formatter: logging.Formatter
    if json_format:
        formatter = json_formatter()
    else:
        formatter = logging.Formatter(
            "%(asctime)s %(levelname)s %(service)s %(name)s [%(request_id)s] %(message)s"
        )
    handler.setFormatter(formatter)
    request_filter = RequestIdFilter(service)
    handler.addFilter(request_filter)
    root.handlers = [handler]
    global _access_line
    _access_line = AccessLine(handler, formatter, request_filter) if json_format else None
    # The logging HOWTO's "Optimization": no format here prints the caller's
    # file and line, the thread or the process, so do not collect them for
    # every record (finding the caller walks the stack; it was a sixth of
    # what the gateway's access line cost per request).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # Our middleware writes one access line per request with the request id;
    # uvicorn's own access log would duplicate it without one.
    logging.getLogger("uvicorn.access").disabled = True
    _configured = True


def configure_logging_from(settings: ServiceSettings) -> None:
    """:func:`configure_logging` with a service's own settings.

    Every entry point (app factories, CLI commands, the worker) configures
    logging the same way; this keeps the four settings read in one place.
    """
    configure_logging(
        settings.service_name,
        settings.log_level,
        json_format=settings.log_json,
        flush_interval=settings.log_flush_interval,
    )


def flush_logs() -> None:
    """Write out every batched line now (before a process ends by a signal,
    which skips ``logging.shutdown``)."""
    for handler in logging.getLogger().handlers:
        handler.flush()


def get_logger(name: str, **_: Any) -> logging.Logger:
    return logging.getLogger(name)
