"""The validate stage's subprocess: the generated project's imports and tests, confined.

What is enforced (no containers on this machine):
- a fresh temporary directory holds the project, HOME and TMPDIR; it is removed
  afterwards, also on timeout and on cancellation;
- the environment is built from scratch (PATH, HOME, TMPDIR, PYTHONPATH,
  PYTHONDONTWRITEBYTECODE, ...): nothing of ``os.environ``, so no secrets;
- rlimits set in the child before exec: RLIMIT_AS (memory), RLIMIT_CPU,
  RLIMIT_FSIZE (largest file written), RLIMIT_NOFILE, RLIMIT_CORE=0 and, when
  privileges are dropped, RLIMIT_NPROC;
- a wall-clock limit: the whole process group is SIGKILLed when it passes;
- when running as root, the child runs as an unprivileged user (``nobody`` by
  default) that owns only the temporary directory, so it cannot write to the
  repository, the venv or the service's files.
- no network (``sandbox_network``): the child runs in a network namespace of
  its own (``unshare --net``, util-linux), so generated code cannot reach the
  database, Redis, other services or the internet. As root the namespace is
  made first and privileges dropped after (``setpriv``); otherwise through an
  unprivileged user namespace when the kernel allows one. Where neither
  works (a container without the capability or with a seccomp profile that
  forbids it) "auto" shares the worker's network and says so once; keep the
  worker's NetworkPolicy tight there.
Not enforced: reading world-readable files, and writing to world-writable
places such as /tmp or /dev/shm (bounded by RLIMIT_FSIZE only); when core
does not run as root the child runs as core's own user.
The rlimits are applied by a tiny launcher (``python -c``) that then execs the
real command, instead of ``preexec_fn``, which is unsafe in threaded programs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from launchforge_core.pipeline.settings import PipelineSettings

logger = logging.getLogger("launchforge.core.sandbox")

_LAUNCHER = (
    "import os, resource, sys\n"
    "i = sys.argv.index('--')\n"
    "for spec in sys.argv[1:i]:\n"
    "    name, value = spec.split('=')\n"
    "    resource.setrlimit(getattr(resource, name), (int(value), int(value)))\n"
    "os.execv(sys.argv[i + 1], sys.argv[i + 1:])\n"
)

# Imports every app module (exit 3 on failure), then runs the project's pytest suite.
_RUNNER = (
    "import importlib, sys, traceback\n"
    "failed = False\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        importlib.import_module(name)\n"
    "    except BaseException as exc:\n"
    "        failed = True\n"
    "        print(f'IMPORT ERROR {name}: {type(exc).__name__}: {exc}'[:500])\n"
    "        traceback.print_exc(limit=-3)\n"
    "if failed:\n"
    "    sys.exit(3)\n"
    "import pytest\n"
    "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-o', 'console_output_style=classic',"
    " '-rfE', 'tests']))\n"
)

_SUMMARY = re.compile(
    r"^(IMPORT ERROR |FAILED |ERROR |=+ .*(passed|failed|error).* =+$|"
    r"\d+ (passed|failed)|E  )"
)


# What generated projects import at test time; compiled once into the shared cache.
_WARM_IMPORTS = (
    "import fastapi, fastapi.testclient, fastapi.staticfiles, fastapi.responses, pydantic, "
    "sqlalchemy, sqlalchemy.orm, sqlalchemy.dialects.sqlite, sqlalchemy.dialects.postgresql, "
    "pytest, httpx, anyio, sqlite3, json, email.utils"
)
_warm_locks: dict[str, asyncio.Lock] = {}
_warm_done: set[str] = set()


async def _warm_bytecode_cache(python: str, cache_dir: str) -> None:
    """Fill ``cache_dir`` with .pyc files of the modules generated apps import (once).

    Runs as this process's user, so the sandbox user can read but not write the cache.
    """
    lock = _warm_locks.setdefault(cache_dir, asyncio.Lock())
    async with lock:
        if cache_dir in _warm_done:
            return
        await asyncio.to_thread(os.makedirs, cache_dir, mode=0o755, exist_ok=True)
        try:
            proc = await asyncio.create_subprocess_exec(
                python,
                "-c",
                _WARM_IMPORTS,
                env={"PYTHONPYCACHEPREFIX": cache_dir, "PATH": "/usr/bin:/bin"},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except OSError:
            return  # only a speed-up; the test run itself reports the problem
        await proc.wait()
        _warm_done.add(cache_dir)


@dataclass
class ValidationOutcome:
    ok: bool
    reason: str  # "passed" | "tests failed" | "import check failed" | "timed out" | ...
    exit_code: int | None
    output: str  # the tail of stdout+stderr, bounded
    summary: list[str]


def _module_names(files: dict[str, bytes]) -> list[str]:
    names = []
    for path in sorted(files):
        if path.startswith("app/") and path.endswith(".py"):
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(parts))
    return names


def _sandbox_ids(settings: PipelineSettings) -> tuple[int, int] | None:
    """(uid, gid) to drop to when running as root, else None."""
    if os.geteuid() != 0 or not settings.sandbox_user:
        return None
    try:
        entry = pwd.getpwnam(settings.sandbox_user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


_network_prefixes: dict[bool, list[str] | None] = {}


def _isolation_prefix(as_root: bool) -> list[str] | None:
    """The command prefix that gives the child a network namespace, or None.

    Probed once per process: ``unshare`` needs root (CAP_SYS_ADMIN) or a
    kernel and seccomp profile that allow unprivileged user namespaces.
    """
    if as_root in _network_prefixes:
        return _network_prefixes[as_root]
    unshare = shutil.which("unshare")
    prefix: list[str] | None = None
    if unshare is not None:
        namespaces = ["--net"] if as_root else ["--user", "--map-root-user", "--net"]
        candidate = [unshare, *namespaces]
        try:
            probe = subprocess.run(  # noqa: S603 - fixed arguments
                [*candidate, "--", "true"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            probe = None
        if probe is not None and probe.returncode == 0:
            prefix = [*candidate, "--"]
    if prefix is None:
        logger.warning(
            "generated code cannot be given a network namespace here; it shares the "
            "worker's network (pipeline setting sandbox_network=auto)"
        )
    _network_prefixes[as_root] = prefix
    return prefix


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _prepare(root: Path, files: dict[str, bytes], ids: tuple[int, int] | None) -> None:
    """Lay out project/, home/ and tmp/ under ``root``, owned by the sandbox user."""
    for name in ("project", "home", "tmp"):
        (root / name).mkdir()
    for rel, content in files.items():
        target = root / "project" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if ids is not None:
        _chown_tree(root, *ids)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
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


WORKDIR_PREFIX = "lf-validate-"


def sweep_stale_workdirs(settings: PipelineSettings, *, now: float | None = None) -> int:
    """Remove validate directories left by a killed process (SIGKILL skips ``finally``).

    A run never outlives ``validate_timeout`` by much, so directories older than
    twice that plus a minute belong to no live run. Call it at worker start-up.
    """
    parent = Path(settings.work_dir or tempfile.gettempdir())
    cutoff = (now if now is not None else time.time()) - (2 * settings.validate_timeout + 60)
    removed = 0
    for entry in parent.glob(f"{WORKDIR_PREFIX}*"):
        try:
            if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


async def run_project_tests(
    files: dict[str, bytes],
    settings: PipelineSettings,
    log: Callable[[str], Awaitable[None]] | None = None,
) -> ValidationOutcome:
    """Import every app module and run ``pytest`` on the project, confined as described above."""
    root = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=settings.work_dir))
    proc: asyncio.subprocess.Process | None = None
    reader: asyncio.Future[bytes] | None = None
    try:
        project, home, tmp = root / "project", root / "home", root / "tmp"
        ids = _sandbox_ids(settings)
        await asyncio.to_thread(_prepare, root, files, ids)

        python = settings.python_executable
        if not os.access(python, os.X_OK):
            # A deployment problem, not the project's fault (see the OSError below).
            return ValidationOutcome(
                ok=False,
                reason="sandbox could not start the test run: the interpreter is not executable",
                exit_code=None,
                output="",
                summary=[],
            )
        env = {
            "PATH": f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "PYTHONPATH": str(project),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "LANG": "C.UTF-8",
        }
        if ids is not None and settings.bytecode_cache_dir:
            await _warm_bytecode_cache(python, settings.bytecode_cache_dir)
            env["PYTHONPYCACHEPREFIX"] = settings.bytecode_cache_dir
        limits = [
            f"RLIMIT_AS={settings.memory_limit_bytes}",
            f"RLIMIT_CPU={math.ceil(settings.validate_timeout) + 5}",
            f"RLIMIT_FSIZE={settings.file_size_limit_bytes}",
            f"RLIMIT_NOFILE={settings.open_files_limit}",
            "RLIMIT_CORE=0",
        ]
        extra: dict[str, object] = {}
        if ids is not None:
            limits.append(f"RLIMIT_NPROC={settings.process_limit}")
            extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
        argv = [
            python,
            "-c",
            _LAUNCHER,
            *limits,
            "--",
            python,
            "-c",
            _RUNNER,
            *_module_names(files),
        ]
        if settings.sandbox_network != "shared":
            prefix = await asyncio.to_thread(_isolation_prefix, os.geteuid() == 0)
            if prefix is None and settings.sandbox_network == "isolated":
                return ValidationOutcome(
                    ok=False,
                    reason="sandbox could not start the test run: no network namespace "
                    "available (sandbox_network=isolated)",
                    exit_code=None,
                    output="",
                    summary=[],
                )
            if prefix is not None:
                if ids is not None:
                    # The namespace needs root: make it, then drop to the sandbox user.
                    drop = [
                        shutil.which("setpriv") or "setpriv",
                        f"--reuid={ids[0]}",
                        f"--regid={ids[1]}",
                        "--clear-groups",
                        "--",
                    ]
                    prefix = [*prefix, *drop]
                    extra = {}
                argv = [*prefix, *argv]
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                cwd=project,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as a whole
                **extra,  # type: ignore[arg-type]
            )
        except OSError as exc:
            # A deployment problem (e.g. the sandbox user cannot execute the
            # interpreter; scripts/sandbox-access.sh), not the project's fault.
            return ValidationOutcome(
                ok=False,
                reason=f"sandbox could not start the test run: {exc.strerror or exc}",
                exit_code=None,
                output="",
                summary=[],
            )
        assert proc.stdout is not None
        reader = asyncio.ensure_future(_read_tail(proc.stdout, settings.max_output_bytes))
        try:
            await asyncio.wait_for(asyncio.shield(proc.wait()), settings.validate_timeout)
        except TimeoutError:
            _kill_group(proc)
            await proc.wait()
            output = (await reader).decode("utf-8", "replace")
            return ValidationOutcome(
                ok=False,
                reason=f"timed out after {settings.validate_timeout:g} s",
                exit_code=None,
                output=output,
                summary=[],
            )
        _kill_group(proc)  # stray children left in the group
        output = (await reader).decode("utf-8", "replace")
        summary = [line.rstrip()[:300] for line in output.splitlines() if _SUMMARY.match(line)][
            -settings.max_log_lines :
        ]
        if log is not None:
            for line in summary:
                await log(line)
        code = proc.returncode
        reason = {0: "passed", 1: "tests failed", 3: "import check failed", 5: "no tests ran"}.get(
            code or 0, f"test run exited with {code}"
        )
        if code is not None and code < 0:
            reason = f"test run killed by signal {-code}"
        return ValidationOutcome(
            ok=code == 0, reason=reason, exit_code=code, output=output, summary=summary
        )
    finally:
        if reader is not None and not reader.done():
            reader.cancel()
        if proc is not None and proc.returncode is None:
            _kill_group(proc)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 5)
        shutil.rmtree(root, ignore_errors=True)
