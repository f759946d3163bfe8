"""Helpers for tests: fresh PostgreSQL databases, free ports, a private Redis,
a stand-in OpenAI-compatible model server, and a look for processes left behind.

Every test run creates databases with unique names, migrates them, and drops
them at the end, so runs never see each other's (or a developer's) data. A
test that takes Redis down starts its own :class:`PrivateRedis`, never the
shared one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import asyncpg
from sqlalchemy.engine import make_url


def admin_dsn(database_url: str) -> str:
    """A plain asyncpg DSN for the server's maintenance database."""
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


async def commit_count(database_url: str, name: str) -> int:
    """Transactions committed in database ``name`` on ``database_url``'s server: proof a
    run really reached it (PostgreSQL's ``pg_stat_database``)."""
    conn = await asyncpg.connect(admin_dsn(database_url))
    try:
        count = await conn.fetchval(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", name
        )
    finally:
        await conn.close()
    return int(count or 0)


def with_database(database_url: str, name: str) -> str:
    url = make_url(database_url).set(database=name)
    return url.render_as_string(hide_password=False)


async def create_database(database_url: str, name: str) -> str:
    conn = await asyncpg.connect(admin_dsn(database_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(database_url, name)


async def drop_database(database_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn(database_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def temporary_database(database_url: str, prefix: str) -> AsyncIterator[str]:
    """Yield the URL of a brand-new database, dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = await create_database(database_url, name)
    try:
        yield url
    finally:
        await drop_database(database_url, name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: the sockets are all held while the ports are read.

    Calling :func:`free_port` several times in a row can hand out the same port twice
    (each socket is closed before the next bind), which once gave auth and core one
    port in a drill."""
    with contextlib.ExitStack() as stack:
        socks = [
            stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            for _ in range(count)
        ]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def wait_for_port(port: int, *, up: bool, timeout: float) -> None:
    """Wait until something listens on (or nothing answers at) ``127.0.0.1:port``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                listening = True
        except OSError:
            listening = False
        if listening == up:
            return
        if time.monotonic() > deadline:
            state = "listening" if up else "closed"
            raise TimeoutError(f"port {port} not {state} after {timeout}s")
        time.sleep(0.05)


def processes_with(token: str) -> list[int]:
    """Pids on this machine whose command line holds ``token`` (what a sandbox left running)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if token.encode() in cmdline.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


class ChatCompletionStandIn:
    """An OpenAI-compatible ``/v1/chat/completions`` server on a free port.

    Subclasses choose the assistant's answer (``answer``); every POST's
    path, headers and JSON body are kept in ``requests`` (other methods get a
    404). Plain asyncio, one request per connection, so it needs no web framework.
    """

    model = "stand-in-model"
    usage = {"prompt_tokens": 10, "completion_tokens": 10}

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self._server: asyncio.Server | None = None

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        raise NotImplementedError

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            lines = head.split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            raw = await reader.readexactly(int(headers.get("content-length", "0")))
            body = json.loads(raw) if raw else {}
            method, path = lines[0].split(" ")[:2]
            if method != "POST":  # e.g. a client's GET /v1/models: not a model call
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            self.requests.append((path, headers, body))
            reply = json.dumps(
                {
                    "model": self.model,
                    "choices": [
                        {
                            "message": {
                                "role": "assistant",
                                "content": self.answer(path, headers, body),
                            }
                        }
                    ],
                    "usage": self.usage,
                }
            ).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(reply)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + reply
            )
            await writer.drain()
        finally:
            writer.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class PrivateRedis:
    """A throwaway ``redis-server`` on a free loopback port, no persistence.

    For tests that stop Redis (outages, fallbacks): ``stop()`` ends it, its
    data gone as after a crash without persistence; ``start()`` brings it back
    on the same port. Also a context manager (started on entry, stopped on exit).
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        directory: Path | None = None,
        log_dir: Path | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.binary = binary
        self.port = port or free_port()
        self.directory = directory
        self.log_dir = log_dir
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
        if self.directory is not None:
            args += ["--dir", str(self.directory)]
        out: IO[bytes] | int = subprocess.DEVNULL
        if self.log_dir is not None:
            out = (self.log_dir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        wait_for_port(self.port, up=True, timeout=self.start_timeout)

    def stop(self) -> None:
        """Stop the server and wait until its port refuses connections."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        wait_for_port(self.port, up=False, timeout=10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"PrivateRedis(port={self.port}, running={self.running})"
