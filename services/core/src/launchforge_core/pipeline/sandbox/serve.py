"""Serve mode: a generated app running as a long-lived server in a sandbox (a preview).

Every backend hands back a ``RunningApp``: its logs, its exit, a readiness
wait, an HTTP client that reaches the app, and ``stop``. Under kubernetes the
app runs in a pod of its own (``kubernetes_serve``) and listens on TCP at the
pod's IP; the rest of this docstring is the local backends.

Same boundary as a test run (``bubblewrap.command``: its own user, PID, IPC,
mount and network namespaces, so no network at all, the same rlimits except
CPU time, which is bounded by the preview's maximum), the project unpacked
from the build's files by the same BOOT program. Inside, ``SERVE`` first
creates the sample records of the seed plan through the app's own API (so
they pass its validation), then runs uvicorn on a UNIX socket in a
per-preview host directory, the only host path bound writable into the
sandbox: a path socket crosses network namespaces, nothing else of the host
is reachable. The worker's preview server proxies to that socket.

stdout and stderr go to a bounded ring buffer: the preview's logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from launchforge_core.pipeline.sandbox import bubblewrap, process
from launchforge_core.pipeline.sandbox.payload import (
    BOOT,
    project_archive,
    rlimits,
    sandbox_env,
)
from launchforge_core.pipeline.settings import PipelineSettings

SOCKET_DIR = "/preview"  # inside a bubblewrap sandbox
SOCKET_NAME = "app.sock"
SEED_FILE = "_preview_seed.json"
PREVIEW_DIR_PREFIX = "lf-preview-"

# argv: <socket path, or tcp:HOST:PORT> <seed file>. Seeds through the app's API, then serves.
SERVE = (
    "import json, os, sys\n"
    "target, seed_path = sys.argv[1], sys.argv[2]\n"
    "sys.path.insert(0, os.getcwd())\n"
    "from app.main import app\n"
    "plan = json.load(open(seed_path)) if os.path.exists(seed_path) else []\n"
    "if plan:\n"
    "    import warnings\n"
    "    with warnings.catch_warnings():\n"
    "        warnings.simplefilter('ignore')\n"
    "        from fastapi.testclient import TestClient\n"
    "    made, wanted, ids = 0, 0, {}\n"
    "    with TestClient(app) as client:\n"
    "        for step in plan:\n"
    "            got = ids.setdefault(step['entity'], [])\n"
    "            for i, record in enumerate(step['records']):\n"
    "                wanted += 1\n"
    "                data, skip = dict(record), False\n"
    "                for key, (parent, required) in step['parents'].items():\n"
    "                    have = ids.get(parent) or []\n"
    "                    if have:\n"
    "                        data[key] = have[i % len(have)]\n"
    "                    elif required:\n"
    "                        skip = True\n"
    "                if skip:\n"
    "                    continue\n"
    "                answer = client.post(step['path'], json=data)\n"
    "                if answer.status_code < 300:\n"
    "                    made += 1\n"
    "                    got.append(answer.json().get('id'))\n"
    "                else:\n"
    "                    print(f\"seed: {step['entity']} refused ({answer.status_code}):"
    ' {answer.text[:200]}", flush=True)\n'
    "    print(f'seed: {made} of {wanted} sample records created', flush=True)\n"
    "import uvicorn\n"
    "where = {'uds': target}\n"
    "if target.startswith('tcp:'):\n"
    "    host, _, port = target[4:].rpartition(':')\n"
    "    where = {'host': host, 'port': int(port)}\n"
    "print('preview: serving', flush=True)\n"
    "uvicorn.run(app, **where, log_level='info', server_header=False,"
    " proxy_headers=False, timeout_graceful_shutdown=2)\n"
)

SERVE_PROGRAM = f"RUNNER = {SERVE!r}\n{BOOT}"


class LogBuffer:
    """The last ``limit`` bytes of a preview's output (a hostile app may print without end)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._data = bytearray()

    def write(self, chunk: bytes) -> None:
        self._data += chunk
        if len(self._data) > self.limit:
            del self._data[: len(self._data) - self.limit]

    def replace(self, text: str) -> None:
        """The whole log as fetched again (a pod's log is read as a tail, not a stream)."""
        self._data = bytearray(text.encode("utf-8", "replace")[-self.limit :])

    def text(self) -> str:
        return self._data.decode("utf-8", "replace")


class RunningApp(ABC):
    """One preview's app, wherever it runs: what the worker's preview manager uses."""

    logs: LogBuffer

    @property
    @abstractmethod
    def exit_code(self) -> int | None:
        """None while the app runs; its exit code (negative: a signal) once it ended."""

    @property
    def deadline_passed(self) -> bool:
        """True when the sandbox itself ended the app at the preview's hard maximum."""
        return False

    @abstractmethod
    async def wait_ready(self, within: float) -> str | None:
        """None once the app accepts connections; else why it did not."""

    @abstractmethod
    def http_client(self, timeout: float) -> httpx.AsyncClient:
        """A client whose requests reach the app (its socket, or its pod's address)."""

    @abstractmethod
    async def stop(self) -> None:
        """End the app and everything of its sandbox."""


@dataclass
class LocalApp(RunningApp):
    """A preview's server process on this machine: its socket, its logs, how to end it."""

    proc: asyncio.subprocess.Process
    root: Path  # the per-preview host directory (the socket's, and process mode's files)
    logs: LogBuffer
    _reader: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def socket_path(self) -> Path:
        return self.root / "sock" / SOCKET_NAME

    @property
    def exit_code(self) -> int | None:
        return self.proc.returncode

    def http_client(self, timeout: float) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(uds=str(self.socket_path))
        return httpx.AsyncClient(
            transport=transport, base_url="http://preview", timeout=timeout, trust_env=False
        )

    async def wait_ready(self, within: float) -> str | None:
        """None once the app accepts connections on its socket; else why it did not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if self.proc.returncode is not None:
                await self._drain()
                return f"the app exited with code {self.proc.returncode} before serving"
            if self.socket_path.exists():
                try:
                    _, writer = await asyncio.open_unix_connection(str(self.socket_path))
                except OSError:
                    pass
                else:
                    writer.close()
                    with contextlib.suppress(Exception):
                        await writer.wait_closed()
                    return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.proc.wait()), 0.2)
        return f"the app did not start serving within {within:g} s"

    async def _drain(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._reader), 2)

    async def stop(self) -> None:
        """Kill the whole sandbox (its process group; bubblewrap's PID namespace goes with it)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 10)
        await self._drain()
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
        await asyncio.to_thread(shutil.rmtree, self.root, True)


async def _pump(stream: asyncio.StreamReader, logs: LogBuffer) -> None:
    while chunk := await stream.read(65536):
        logs.write(chunk)


def serve_limits(settings: PipelineSettings, max_seconds: float) -> list[str]:
    """The test run's rlimits, with CPU time bounded by the preview's lifetime instead."""
    cpu = f"RLIMIT_CPU={math.ceil(max_seconds) + 5}"
    return [cpu if limit.startswith("RLIMIT_CPU=") else limit for limit in rlimits(settings)]


class ServeUnavailable(RuntimeError):
    """This sandbox backend cannot run a preview."""


async def start_app(
    files: dict[str, bytes],
    seed: list[dict[str, Any]],
    settings: PipelineSettings,
    *,
    mode: str,
    max_seconds: float,
    log_bytes: int,
) -> RunningApp:
    """Start the app of ``files`` in a sandbox of ``mode``; returns at once (see wait_ready)."""
    files = {**files, SEED_FILE: json.dumps(seed).encode()}
    if mode == "kubernetes":
        from launchforge_core.pipeline.sandbox import kubernetes_serve  # it builds on this module

        return await kubernetes_serve.start(
            files, settings, max_seconds=max_seconds, log_bytes=log_bytes
        )
    if mode not in ("bubblewrap", "process"):
        raise ServeUnavailable(f"no sandbox backend {mode!r} serves previews")
    root = Path(tempfile.mkdtemp(prefix=PREVIEW_DIR_PREFIX, dir=settings.work_dir))
    sock_dir = root / "sock"
    sock_dir.mkdir()
    logs = LogBuffer(log_bytes)
    try:
        if mode == "bubblewrap":
            proc = await _start_bubblewrap(files, settings, root, max_seconds)
        else:
            proc = await _start_process(files, settings, root, max_seconds)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    assert proc.stdout is not None
    app = LocalApp(proc=proc, root=root, logs=logs)
    app._reader = asyncio.ensure_future(_pump(proc.stdout, logs))
    return app


async def _start_bubblewrap(
    files: dict[str, bytes], settings: PipelineSettings, root: Path, max_seconds: float
) -> asyncio.subprocess.Process:
    host = await asyncio.to_thread(bubblewrap.probe, settings)
    if isinstance(host, str):
        raise ServeUnavailable(host)
    uid = bubblewrap._run_uid(settings)
    sock_dir = root / "sock"
    if host.as_root:
        # The run's own uid owns only its socket directory.
        os.chown(sock_dir, uid, uid)
    socket = f"{SOCKET_DIR}/{SOCKET_NAME}"
    argv = bubblewrap.command(
        host,
        settings,
        [socket, f"{bubblewrap.SANDBOX_ROOT}/project/{SEED_FILE}"],
        uid,
        program=SERVE_PROGRAM,
        limits=serve_limits(settings, max_seconds),
        binds=[(str(sock_dir), SOCKET_DIR)],
    )
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd="/",
        env={"PATH": "/usr/bin:/bin"},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        proc.stdin.write(project_archive(files))
        await proc.stdin.drain()
        proc.stdin.close()
    return proc


async def _start_process(
    files: dict[str, bytes], settings: PipelineSettings, root: Path, max_seconds: float
) -> asyncio.subprocess.Process:
    """Development only (no namespaces; see ``process``): the app as a confined child."""
    python = settings.python_executable
    work = root / "work"
    work.mkdir()
    ids = process._sandbox_ids(settings)
    await asyncio.to_thread(process._prepare, work, files, ids)
    if ids is not None:
        os.chown(root / "sock", *ids)
    project = work / "project"
    env = sandbox_env(
        home=str(work / "home"),
        tmp=str(work / "tmp"),
        project=str(project),
        path=f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin",
    )
    limits = [limit for limit in serve_limits(settings, max_seconds) if ids or "NPROC" not in limit]
    argv = [python, "-c", process._LAUNCHER, *limits, "--", python, "-c", SERVE]
    argv += [str(root / "sock" / SOCKET_NAME), str(project / SEED_FILE)]
    popen: dict[str, Any] = {}
    if ids is not None:
        popen = {"user": ids[0], "group": ids[1], "extra_groups": []}
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=project,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        **popen,
    )
