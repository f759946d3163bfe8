"""Batched log writes: lines go out together, never lost or reordered."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time

import launchforge_common.logging as logging_module
import pytest
from launchforge_common.context import request_id_var
from launchforge_common.logging import (
    ACCESS_LOGGER,
    AccessLine,
    IntervalFlushHandler,
    RequestIdFilter,
    json_formatter,
    log_access,
)
from launchforge_common.middleware import access_logger


class CountingStream(io.StringIO):
    """Records every write the handler makes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


def make_logger(interval: float) -> tuple[logging.Logger, CountingStream, IntervalFlushHandler]:
    """A logger whose lines the handler batches, like the access log's."""
    stream = CountingStream()
    name = f"test-access-{id(stream)}"
    handler = IntervalFlushHandler(stream, interval, batched=frozenset({name}))
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.Logger(name, logging.INFO)  # not in the global tree
    logger.addHandler(handler)
    return logger, stream, handler


async def test_lines_logged_in_a_loop_go_out_together_after_the_interval() -> None:
    logger, stream, _ = make_logger(0.05)
    for i in range(10):
        logger.info("line %d", i)
    assert stream.writes == []  # nothing yet: one write per batch, not per line
    await asyncio.sleep(0.15)
    assert stream.writes == ["".join(f"line {i}\n" for i in range(10))]


async def test_a_warning_goes_out_at_once_with_the_lines_before_it() -> None:
    logger, stream, _ = make_logger(10.0)
    logger.info("first")
    logger.warning("trouble")
    assert stream.getvalue() == "first\ntrouble\n"


def test_outside_an_event_loop_every_line_goes_out_at_once() -> None:
    logger, stream, _ = make_logger(10.0)
    logger.info("one")
    assert stream.getvalue() == "one\n"
    logger.info("two")
    assert stream.writes == ["one\n", "two\n"]


async def test_interval_zero_writes_every_line() -> None:
    logger, stream, _ = make_logger(0.0)
    logger.info("a")
    logger.info("b")
    assert stream.writes == ["a\n", "b\n"]


async def test_flush_writes_what_is_pending() -> None:
    """What logging.shutdown() does at exit."""
    logger, stream, handler = make_logger(10.0)
    logger.info("pending")
    assert stream.getvalue() == ""
    handler.flush()
    assert stream.getvalue() == "pending\n"


def test_a_flush_scheduled_on_a_closed_loop_does_not_strand_lines() -> None:
    """Tests (and restarts) run several event loops one after another."""
    logger, stream, _ = make_logger(10.0)

    async def log(text: str) -> None:
        logger.info(text)

    asyncio.run(log("from the first loop"))  # its flush was never run: the loop closed
    assert stream.getvalue() == ""

    asyncio.run(log("from the second loop"))
    assert stream.getvalue() == "from the first loop\nfrom the second loop\n"  # rescued at once


async def test_other_loggers_lines_go_out_at_once_with_the_batch_before_them() -> None:
    """Only access lines wait: an event ("build finished") must not be lost to a kill."""
    logger, stream, handler = make_logger(10.0)
    other = logging.Logger("launchforge.core.worker", logging.INFO)
    other.addHandler(handler)
    logger.info("GET / 200")
    assert stream.getvalue() == ""
    other.info("build finished")
    assert stream.getvalue() == "GET / 200\nbuild finished\n"


def test_the_access_logger_is_the_one_batched_by_default() -> None:
    assert IntervalFlushHandler(io.StringIO(), 0.1).batched == frozenset({ACCESS_LOGGER})
    assert access_logger.name == ACCESS_LOGGER


def test_configure_logging_from_reads_the_services_settings() -> None:
    from launchforge_common import logging as lf_logging
    from launchforge_common.settings import ServiceSettings

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, lf_logging._configured)
    try:
        lf_logging._configured = False
        lf_logging.configure_logging_from(
            ServiceSettings(service_name="svc-x", log_level="warning", log_flush_interval=0.7)
        )
        assert root.level == logging.WARNING
        (handler,) = root.handlers
        assert isinstance(handler, IntervalFlushHandler)
        assert handler.interval == 0.7
        record = logging.LogRecord("x", logging.WARNING, "", 0, "m", None, None)
        assert all(f.filter(record) for f in handler.filters)
        assert record.service == "svc-x"
    finally:
        root.handlers, lf_logging._configured = saved[0], saved[2]
        root.setLevel(saved[1])


def _json_handler() -> tuple[IntervalFlushHandler, io.StringIO, AccessLine]:
    """A handler set up as ``configure_logging`` sets up the root's, and its fast access line."""
    stream = io.StringIO()
    handler = IntervalFlushHandler(stream, 0)
    formatter = json_formatter()
    handler.setFormatter(formatter)
    request_filter = RequestIdFilter("gateway")
    handler.addFilter(request_filter)
    return handler, stream, AccessLine(handler, formatter, request_filter)


@pytest.mark.parametrize("method", ["GET", None])
def test_the_fast_access_line_is_the_line_the_formatter_writes(
    monkeypatch: pytest.MonkeyPatch, method: str | None
) -> None:
    handler, stream, fast = _json_handler()
    monkeypatch.setattr(time, "time", lambda: 1764900000.0071)
    path, status, duration_ms = '/v1/caf\u00e9/"q"', 404, 1.25
    token = request_id_var.set("rid-1")
    try:
        fast.write(method, path, status, duration_ms)
        record = logging.LogRecord(
            ACCESS_LOGGER, logging.INFO, __file__, 1, "%s %s %s", (method, path, status), None
        )
        extra = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
        record.__dict__.update(extra)
        handler.handle(record)
    finally:
        request_id_var.reset(token)
    fast_line, formatter_line = stream.getvalue().splitlines()
    assert fast_line == formatter_line
    assert json.loads(fast_line)["request_id"] == "rid-1"
    assert json.loads(fast_line)["time"].endswith(",007")


def test_log_access_takes_the_fast_line_only_while_the_setup_is_the_configured_one(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    handler, stream, fast = _json_handler()
    root = logging.getLogger()
    monkeypatch.setattr(logging_module, "_access_line", fast)
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        # pytest's capture handler is on the root: the ordinary call, which it sees.
        log_access("GET", "/a", 200, 1.0)
        assert [r.getMessage() for r in caplog.records] == ["GET /a 200"]
        assert stream.getvalue() == ""
        monkeypatch.setattr(root, "handlers", [handler])
        log_access("GET", "/b", 200, 1.0)
        assert json.loads(stream.getvalue())["path"] == "/b"
        assert len(caplog.records) == 1
        monkeypatch.setattr(access_logger, "disabled", True)
        log_access("GET", "/c", 200, 1.0)
        assert "/c" not in stream.getvalue()
