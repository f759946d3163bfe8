"""JSON structured logging with the request id on every record."""

from __future__ import annotations

import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from launchforge_common.context import request_id_var

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


def configure_logging(service: str, level: str = "INFO", *, json_format: bool = True) -> None:
    """Route the root logger (and uvicorn's) to one stdout handler.

    Idempotent: a second call only changes the level, so app factories called
    many times in tests do not stack handlers.
    """
    global _configured
    root = logging.getLogger()
    root.setLevel(level.upper())
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout)
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


def get_logger(name: str, **_: Any) -> logging.Logger:
    return logging.getLogger(name)
