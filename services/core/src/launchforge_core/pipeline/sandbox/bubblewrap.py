"""The machine backend: each test run in a bubblewrap sandbox of its own.

What one run gets (``command`` builds the argv):
- new user (when not root), PID, network, IPC, UTS, cgroup and mount
  namespaces; no further user namespaces (``--disable-userns``) where
  ``/proc/sys`` is writable (not in a container: there a nested namespace
  gives the code nothing of the host's, only more kernel surface);
- a root that holds only ``/usr`` (and its /bin, /lib symlinks), the
  interpreter's prefix and venv, read-only (with the bytecode compiled at
  install, ``UV_COMPILE_BYTECODE``, which the run reads and cannot change); fresh
  ``/dev`` and, where the kernel allows it, ``/proc`` of its own PID namespace;
  size-limited private tmpfs for the project, HOME, /tmp and /dev/shm. No /etc, no
  /run, no /var: no unix socket of PostgreSQL or anything else;
- a cleared environment (``--clearenv``), all capabilities dropped,
  ``no_new_privs``, a new session (no terminal injection);
- a user of its own: as root the run drops to a uid of its own from
  ``sandbox_uid_base`` (so one build's fork bomb cannot use up another's
  process limit); otherwise the worker's uid, mapped in a user namespace;
- rlimits on memory, CPU time, file size, open files and processes;
- ``--die-with-parent`` and the PID namespace: when the run ends, is killed on
  timeout or the worker dies, every process in it is killed by the kernel.

Why bubblewrap and not a hand-written ``unshare`` chain: it is the small,
audited setuid-free tool Flatpak builds on, and does the mount set-up (pivot
into a fresh tmpfs root, read-only remounts) that is easy to get subtly wrong.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launchforge_core.pipeline.sandbox.outcome import ValidationOutcome, module_names, not_started
from launchforge_core.pipeline.sandbox.payload import (
    BOOT_PROGRAM,
    project_archive,
    rlimits,
    sandbox_env,
)
from launchforge_core.pipeline.sandbox.process_run import run_confined
from launchforge_core.pipeline.settings import PipelineSettings

logger = logging.getLogger("launchforge.core.sandbox")

SANDBOX_ROOT = "/sandbox"  # the private tmpfs inside: project/, home/
_TOP_LEVEL = ("/bin", "/lib", "/lib32", "/lib64", "/libx32", "/sbin")


@dataclass(frozen=True)
class Host:
    """What a run binds from this machine, found once per interpreter."""

    bwrap: str
    python: str
    read_only: tuple[str, ...]  # interpreter prefixes outside /usr
    proc: bool  # a private /proc can be mounted (not in some containers)
    as_root: bool
    # Nested user namespaces are switched off (needs a writable /proc/sys, which
    # a container's is not: there the run keeps the kernel's default).
    no_nested_userns: bool = True


def _interpreter_paths(python: str) -> tuple[str, ...]:
    """The venv and base prefixes the interpreter needs, outside /usr (bound read-only)."""
    probe = subprocess.run(  # noqa: S603 - our own interpreter, fixed program
        [python, "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    paths = {str(Path(line).resolve()) for line in probe.stdout.split()}
    # The venv's bin/python is a symlink into the base prefix; both must resolve inside.
    paths.add(str(Path(python).parent.parent))
    return tuple(sorted(p for p in paths if p != "/usr" and not p.startswith("/usr/")))


def _parents(paths: tuple[str, ...]) -> list[str]:
    """Directories bubblewrap must create (mode 0755) for the bind targets."""
    out: set[str] = set()
    for path in paths:
        parent = Path(path).parent
        while str(parent) != "/":
            out.add(str(parent))
            parent = parent.parent
    return sorted(out, key=lambda p: (p.count("/"), p))


def command(
    host: Host,
    settings: PipelineSettings,
    modules: list[str],
    uid: int,
    *,
    program: str = BOOT_PROGRAM,
    limits: list[str] | None = None,
    binds: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """The full argv of one run (bwrap, then the boot program inside).

    A preview (``serve.py``) passes its own program and CPU limit, and ``binds``:
    the host directories bound writable into the sandbox (its socket's).
    """
    argv = [host.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    argv += ["--unshare-cgroup-try"]
    if not host.as_root:
        argv += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
        if host.no_nested_userns:
            argv += ["--disable-userns"]
    argv += ["--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL"]
    if host.as_root:
        # Kept only so the setpriv below can drop to the run's uid; gone after it.
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for top in _TOP_LEVEL:
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    argv += ["--dev", "/dev"]
    if host.proc:
        argv += ["--proc", "/proc"]
    size = str(settings.sandbox_tmpfs_bytes)
    argv += ["--size", size, "--perms", "1777", "--tmpfs", SANDBOX_ROOT]
    argv += ["--size", size, "--perms", "1777", "--tmpfs", "/tmp"]  # noqa: S108 - private tmpfs
    # bubblewrap's /dev has a shm directory on an unlimited tmpfs: bound it too.
    argv += ["--size", size, "--perms", "1777", "--tmpfs", "/dev/shm"]  # noqa: S108
    # The interpreter last: it may live under /tmp (a checkout in `mktemp -d`), which
    # the tmpfs above would otherwise hide.
    extra = list(host.read_only)
    for parent in _parents(tuple(extra)):
        argv += ["--perms", "0755", "--dir", parent]
    for path in extra:
        argv += ["--ro-bind", path, path]
    for source, target in binds:
        argv += ["--bind", source, target]
    env = sandbox_env(
        home=f"{SANDBOX_ROOT}/home",
        tmp="/tmp",  # noqa: S108 - the sandbox's own tmpfs
        project=f"{SANDBOX_ROOT}/project",
        path=f"{Path(host.python).parent}:/usr/local/bin:/usr/bin:/bin",
    )
    for key, value in env.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", SANDBOX_ROOT, "--"]
    if host.as_root:
        argv += [
            shutil.which("setpriv") or "/usr/bin/setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
    project = f"{SANDBOX_ROOT}/project"
    limits = rlimits(settings) if limits is None else limits
    argv += [host.python, "-c", program, "-", project, *limits, "--", *modules]
    return argv


_hosts: dict[tuple[str, str], Host | str] = {}


def _try(argv: list[str]) -> str | None:
    """None when ``argv`` ran, else what went wrong."""
    try:
        done = subprocess.run(  # noqa: S603 - our own fixed argv
            argv,
            capture_output=True,
            timeout=30,
            check=False,
            env={"PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300] or str(
            done.returncode
        )
    return None


def probe(settings: PipelineSettings) -> Host | str:
    """The host description, or why bubblewrap cannot isolate here (cached per process)."""
    key = (settings.bwrap_path, settings.python_executable)
    if key in _hosts:
        return _hosts[key]
    result: Host | str
    bwrap = shutil.which(settings.bwrap_path)
    if bwrap is None:
        result = f"bubblewrap ({settings.bwrap_path}) is not installed"
    else:
        try:
            paths = _interpreter_paths(settings.python_executable)
        except (OSError, subprocess.SubprocessError) as exc:
            result = f"the interpreter {settings.python_executable} does not start: {exc}"
        else:
            result = f"bubblewrap cannot create namespaces here: {bwrap}"
            as_root = os.geteuid() == 0
            variants = [(True, True), (False, True), (True, False), (False, False)]
            for with_proc, no_nested in variants:
                host = Host(bwrap, settings.python_executable, paths, with_proc, as_root, no_nested)
                argv = command(host, settings, [], _run_uid(settings))
                # Same sandbox, a trivial program: the namespaces and mounts are what is tried.
                cut = argv.index("-c")
                error = _try([*argv[:cut], "-c", "pass"])
                if error is None:
                    result = host
                    break
                result = f"bubblewrap cannot isolate here: {error}"
    if isinstance(result, str):
        logger.warning("sandbox backend bubblewrap unavailable", extra={"reason": result})
    _hosts[key] = result
    return result


def _run_uid(settings: PipelineSettings) -> int:
    """A uid of this run's own (root only): random in the configured range."""
    return settings.sandbox_uid_base + secrets.randbelow(settings.sandbox_uid_count)


async def run(files: dict[str, bytes], settings: PipelineSettings) -> ValidationOutcome:
    """Run the project's import check and tests in a fresh bubblewrap sandbox."""
    host = await asyncio.to_thread(probe, settings)
    if isinstance(host, str):
        return not_started(host)
    argv = command(host, settings, module_names(files), _run_uid(settings))
    archive = project_archive(files)
    return await run_confined(
        argv, settings, env={"PATH": "/usr/bin:/bin"}, stdin=archive, cwd=Path("/")
    )
