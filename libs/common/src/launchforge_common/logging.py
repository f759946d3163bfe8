"""JSON structured logging with the request id on every record."""

from __future__ import annotations

import asyncio
import logging
import sys
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
            self._lines.append(self.format(record) + self.terminator)
            if (
                self.interval <= 0
                or record.name not in self.batched
                or record.levelno >= logging.WARNING
            ):
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
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

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
        formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(service)s",
            rename_fields={"levelname": "level", "asctime": "time", "name": "logger"},
        )
    else:
        formatter = logging.Formatter(
            "%(asctime)s %(levelname)s %(service)s %(name)s [%(request_id)s] %(message)s"
        )
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter(service))
    root.handlers = [handler]
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
