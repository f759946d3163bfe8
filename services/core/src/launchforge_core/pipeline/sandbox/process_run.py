"""Run one sandbox command as a child process: feed it, bound its output, kill it on time.

Shared by the bubblewrap and the plain-process backends. The child gets its
own session (process group); on timeout, cancellation or exit the whole group
is SIGKILLed. Under bubblewrap that group's leader holds the sandbox's PID
namespace, so every process the generated code started dies with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from launchforge_core.pipeline.sandbox.outcome import (
    ValidationOutcome,
    finished,
    not_started,
    timed_out,
)
from launchforge_core.pipeline.settings import PipelineSettings


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def _read_tail(stream: asyncio.StreamReader, limit: int) -> bytes:
    """Read to EOF keeping only the last ``limit`` bytes (output can be hostile-sized)."""
    tail = bytearray()
    while chunk := await stream.read(65536):
        tail += chunk
        if len(tail) > limit:
            del tail[: len(tail) - limit]
    return bytes(tail)


async def _feed(proc: asyncio.subprocess.Process, data: bytes | None) -> None:
    if proc.stdin is None:
        return
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        if data:
            proc.stdin.write(data)
            await proc.stdin.drain()
        proc.stdin.close()


async def run_confined(
    argv: Sequence[str],
    settings: PipelineSettings,
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    stdin: bytes | None = None,
    **popen: object,
) -> ValidationOutcome:
    """Run ``argv`` to completion or to ``validate_timeout``; never leave a process behind."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
            **popen,  # type: ignore[arg-type]
        )
    except OSError as exc:
        return not_started(str(exc.strerror or exc))
    assert proc.stdout is not None
    reader = asyncio.ensure_future(_read_tail(proc.stdout, settings.max_output_bytes))
    feeder = asyncio.ensure_future(_feed(proc, stdin))
    try:
        try:
            await asyncio.wait_for(asyncio.shield(proc.wait()), settings.validate_timeout)
        except TimeoutError:
            _kill_group(proc)
            await proc.wait()
            return timed_out(settings, (await reader).decode("utf-8", "replace"))
        _kill_group(proc)  # stray children left in the group
        output = (await reader).decode("utf-8", "replace")
        return finished(proc.returncode, output, settings)
    finally:
        for task in (reader, feeder):
            if not task.done():
                task.cancel()
        if proc.returncode is None:
            _kill_group(proc)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 5)
