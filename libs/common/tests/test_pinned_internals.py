"""The third-party internals the common library builds on still have the shape it uses.

``http_protocol.py`` subclasses uvicorn's ``HttpToolsProtocol``, ``server.py``
overrides ``uvicorn.Server``'s hooks, ``redis_pipeline.py`` reads redis-py's
``parse_url`` and connection classes, and ``tracing.py`` builds OpenTelemetry's
``EngineTracer``. None of that is public API, so ``libs/common/pyproject.toml``
bounds those packages to the minor versions tested here. When an upgrade
changes one of them, this file fails first and names the package to look at,
rather than a gateway that stops enforcing its header deadline.
"""

from __future__ import annotations

import asyncio
import inspect
from importlib.metadata import version
from typing import Any

import pytest


def _shape(package: str, what: str, ok: bool) -> None:
    if not ok:
        pytest.fail(
            f"{package} {version(package)}: {what} changed shape; "
            f"see its use in launchforge_common before widening the bound in "
            f"libs/common/pyproject.toml"
        )


async def _noop_app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover
    return None


def test_uvicorn_httptools_protocol_has_what_the_guarded_protocol_uses() -> None:
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    for hook in ("connection_made", "connection_lost", "data_received", "on_response_complete"):
        _shape("uvicorn", f"HttpToolsProtocol.{hook}", callable(getattr(HttpToolsProtocol, hook)))

    config = Config(app=_noop_app, http="httptools", log_config=None)
    config.load()
    loop = asyncio.new_event_loop()
    try:
        protocol = HttpToolsProtocol(
            config=config, server_state=ServerState(), app_state={}, _loop=loop
        )
    finally:
        loop.close()
    for attribute in ("loop", "cycle", "parser", "server_state", "transport"):
        _shape("uvicorn", f"HttpToolsProtocol().{attribute}", hasattr(protocol, attribute))
    _shape(
        "uvicorn",
        "ServerState.default_headers",
        isinstance(protocol.server_state.default_headers, list),
    )
    _shape("httptools", "parser.get_http_version", hasattr(protocol.parser, "get_http_version"))


def test_uvicorn_request_cycle_has_the_flags_the_lingering_close_reads() -> None:
    from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

    parameters = inspect.signature(RequestResponseCycle.__init__).parameters
    _shape("uvicorn", "RequestResponseCycle(...)", "transport" in parameters)
    source = inspect.getsource(RequestResponseCycle.__init__)
    for flag in ("self.more_body", "self.response_complete"):
        _shape("uvicorn", f"RequestResponseCycle {flag}", flag in source)


def test_uvicorn_response_start_is_the_one_the_trusting_cycle_copies() -> None:
    """``http_protocol._TrustingCycle.send`` is uvicorn 0.54's response start with
    registered headers written unchecked: a change to uvicorn's must be copied."""
    from uvicorn.protocols.http import httptools_impl

    source = inspect.getsource(httptools_impl.RequestResponseCycle.send)
    for piece in (
        'headers = self.default_headers + list(message.get("headers", []))',
        "if HEADER_RE.search(name):",
        "if HEADER_VALUE_RE.search(value):",
        'content.append(b"transfer-encoding: chunked\\r\\n")',
        'self.transport.write(b"".join(content))',
    ):
        _shape("uvicorn", f"RequestResponseCycle.send ({piece})", piece in source)
    for name in ("HEADER_RE", "HEADER_VALUE_RE", "STATUS_LINE"):
        _shape("uvicorn", f"httptools_impl.{name}", hasattr(httptools_impl, name))


def _uvicorns_own(server: type, name: str) -> Any:
    """``Server.<name>`` as uvicorn wrote it.

    sse-starlette (core's SSE) replaces ``Server.handle_exit`` on import with a
    pass-through that first flags its streams to end; the draining server's
    ``super().handle_exit`` goes through it, then to uvicorn's own.
    """
    method = getattr(server, name, None)
    if method is None or getattr(method, "__module__", "").startswith("uvicorn"):
        return method
    from sse_starlette.sse import AppStatus

    original = AppStatus.original_handler
    _shape(
        "sse-starlette",
        "AppStatus.original_handler (its patch of uvicorn's Server.handle_exit)",
        method is AppStatus.handle_exit
        and original is not None
        and original.__module__.startswith("uvicorn"),
    )
    return original


def test_uvicorn_server_hooks_the_draining_server_overrides() -> None:
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.server import ServerState

    _shape("uvicorn", "uvicorn.config.STARTUP_FAILURE", isinstance(STARTUP_FAILURE, int))
    expected = {
        "handle_exit": ["self", "sig", "frame"],
        "on_tick": ["self", "counter"],
        "shutdown": ["self", "sockets"],
        "capture_signals": ["self"],
    }
    for name, parameters in expected.items():
        method = _uvicorns_own(uvicorn.Server, name)
        _shape("uvicorn", f"Server.{name}", method is not None)
        found = list(inspect.signature(method).parameters)
        _shape("uvicorn", f"Server.{name}{tuple(parameters)}", found == parameters)
    _shape(
        "uvicorn",
        "Server.on_tick is a coroutine",
        inspect.iscoroutinefunction(uvicorn.Server.on_tick),
    )
    server = uvicorn.Server(uvicorn.Config(app=_noop_app, log_config=None))
    for attribute in ("should_exit", "started", "server_state"):
        _shape("uvicorn", f"Server().{attribute}", hasattr(server, attribute))
    _shape("uvicorn", "ServerState().connections", isinstance(ServerState().connections, set))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "redis://u:p@example.test:6380/3",
            {"host": "example.test", "port": 6380, "db": 3, "username": "u", "password": "p"},
        ),
        ("unix:///run/redis.sock?db=2", {"path": "/run/redis.sock", "db": 2}),
        (
            "rediss://example.test/0?ssl_cert_reqs=none&ssl_ca_certs=/ca.pem",
            {"host": "example.test", "ssl_cert_reqs": "none", "ssl_ca_certs": "/ca.pem"},
        ),
    ],
)
def test_redis_parse_url_returns_the_options_the_pipeline_reads(
    url: str, expected: dict[str, Any]
) -> None:
    from redis.asyncio.connection import (
        Connection,
        SSLConnection,
        UnixDomainSocketConnection,
        parse_url,
    )

    options = parse_url(url)
    for key, value in expected.items():
        _shape("redis", f"parse_url({url!r})[{key!r}]", options.get(key) == value)
    scheme = url.split(":", 1)[0]
    classes = {"redis": Connection, "unix": UnixDomainSocketConnection, "rediss": SSLConnection}
    _shape(
        "redis",
        f"parse_url({scheme}://...)['connection_class']",
        options.get("connection_class", Connection) is classes[scheme],
    )


def test_opentelemetry_engine_tracer_takes_tracer_engine_and_counter() -> None:
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    parameters = list(inspect.signature(EngineTracer.__init__).parameters)
    _shape(
        "opentelemetry-instrumentation-sqlalchemy",
        "EngineTracer(tracer, engine, connections_usage, ...)",
        parameters[:4] == ["self", "tracer", "engine", "connections_usage"],
    )
