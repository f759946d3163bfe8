"""The readiness-first shutdown of ``run_uvicorn``: drain, then uvicorn's graceful stop.

The server runs in a thread of its own (uvicorn installs no signal handlers
outside the main thread, and re-raises nothing), and the tests call its
signal handler directly, as the signal would: no real signal reaches pytest.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from launchforge_common import server as server_module
from launchforge_common.server import Drain, DrainingServer, DrainMiddleware
from launchforge_common.settings import ServiceSettings
from launchforge_common.testing import free_port
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

START_TIMEOUT_S = 20.0


def demo_app() -> Starlette:
    async def hello(request: object) -> PlainTextResponse:
        return PlainTextResponse("hello", headers={"Connection": "keep-alive"})

    async def readyz(request: object) -> JSONResponse:
        return JSONResponse({"status": "ok", "checks": {}})

    return Starlette(routes=[Route("/hello", hello), Route("/readyz", readyz)])


@contextmanager
def running_server(drain_seconds: float) -> Iterator[tuple[DrainingServer, str, threading.Thread]]:
    port = free_port()
    drain = Drain()
    config = uvicorn.Config(
        DrainMiddleware(demo_app(), drain),
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    server = DrainingServer(config, drain, drain_seconds)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        assert thread.is_alive(), "server thread died while starting"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield server, f"http://127.0.0.1:{port}", thread
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sigterm_drains_while_serving_then_refuses_new_connections() -> None:
    # A drain far longer than the test: the second signal ends it.
    with (
        running_server(drain_seconds=300) as (server, url, thread),
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        assert client.get("/readyz").status_code == 200
        kept = client.get("/hello")
        assert kept.headers["connection"] == "keep-alive"

        server.handle_exit(signal.SIGTERM, None)

        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["shutdown"] == {"status": "fail", "reason": "draining"}
        # Still served, but each response closes its connection.
        for _ in range(3):
            answer = client.get("/hello")
            assert (answer.status_code, answer.text) == (200, "hello")
            assert answer.headers["connection"] == "close"
        assert server.drain.active
        assert not server.should_exit
        assert not refused(url)

        # A second signal skips the rest of the drain: uvicorn shuts down.
        server.handle_exit(signal.SIGTERM, None)
        thread.join(timeout=START_TIMEOUT_S)
        assert not thread.is_alive()
        assert refused(url)
        with pytest.raises(httpx.ConnectError):
            client.get("/hello")


def test_the_drain_ends_by_itself() -> None:
    with running_server(drain_seconds=0.5) as (server, url, thread):
        signalled = time.monotonic()
        server.handle_exit(signal.SIGTERM, None)
        thread.join(timeout=START_TIMEOUT_S)
        assert not thread.is_alive()
        assert time.monotonic() - signalled >= 0.5
        assert refused(url)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_a_connection_accepted_before_the_close_still_gets_its_answer() -> None:
    """uvicorn alone closes it unanswered; the listener closes first, it is served."""
    with running_server(drain_seconds=0) as (server, url, thread):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            wait_for(lambda: len(server.server_state.connections) == 1, "never accepted")
            server.handle_exit(signal.SIGTERM, None)
            wait_for(lambda: refused(url), "the listener stayed open")
            conn.sendall(b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert answer.endswith(b"hello")
        assert b"connection: close" in answer.lower()
        thread.join(timeout=START_TIMEOUT_S)
        assert not thread.is_alive()


def test_a_silent_connection_holds_the_shutdown_only_briefly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_module, "SETTLE_SECONDS", 0.3)
    with running_server(drain_seconds=0) as (server, url, thread):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            wait_for(lambda: len(server.server_state.connections) == 1, "never accepted")
            server.handle_exit(signal.SIGTERM, None)
            thread.join(timeout=START_TIMEOUT_S)
            assert not thread.is_alive()
            assert conn.recv(1) == b""  # closed, unanswered: it never asked


def test_sigint_and_a_zero_drain_stop_at_once() -> None:
    for sig, drain_seconds in ((signal.SIGINT, 300.0), (signal.SIGTERM, 0.0)):
        with running_server(drain_seconds=drain_seconds) as (server, _url, thread):
            server.handle_exit(sig, None)
            assert server.should_exit  # a drain would leave this False for now
            thread.join(timeout=START_TIMEOUT_S)
            assert not thread.is_alive()


def test_drain_default_depends_on_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings(environment="production").drain_seconds == 5.0
    assert ServiceSettings(environment="test").drain_seconds == 0.0
    monkeypatch.setenv("SHUTDOWN_DRAIN_SECONDS", "1.5")
    assert ServiceSettings(environment="test").drain_seconds == 1.5
    with pytest.raises(ValueError, match="shutdown_drain_seconds"):
        ServiceSettings(shutdown_drain_seconds=-1)


def test_free_ports_are_distinct_and_free() -> None:
    import socket

    from launchforge_common.testing import free_ports

    ports = free_ports(20)
    assert len(set(ports)) == 20
    for port in ports:  # each can be bound now that the helper let go of it
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))
