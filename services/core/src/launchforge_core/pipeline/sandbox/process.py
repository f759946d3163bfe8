"""The development fallback: a confined child process, no namespaces of its own.

Used only outside production (``sandbox_mode=process``, or ``auto`` on a
machine without bubblewrap); the worker refuses to start in production
without a real boundary (see ``select``). What it does enforce: a fresh
temporary directory for the project, HOME and TMPDIR, removed afterwards; an
environment built from scratch (no secrets); rlimits; a wall-clock limit; when
root, the sandbox user (``nobody``) owning only that directory. What it does
not: the child shares the worker's network, PID namespace and filesystem view
(PostgreSQL's unix socket included), and a ``setsid`` child can outlive it.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import tempfile
import time
from pathlib import Path

from launchforge_core.pipeline.packaging import write_tree
from launchforge_core.pipeline.sandbox.outcome import ValidationOutcome, module_names, not_started
from launchforge_core.pipeline.sandbox.payload import RUNNER, rlimits, sandbox_env
from launchforge_core.pipeline.sandbox.process_run import run_confined
from launchforge_core.pipeline.settings import PipelineSettings

WORKDIR_PREFIX = "lf-validate-"

# Sets the rlimits in the child, then execs the real command (instead of
# ``preexec_fn``, which is unsafe in threaded programs).
_LAUNCHER = (
    "import os, resource, sys\n"
    "i = sys.argv.index('--')\n"
    "for spec in sys.argv[1:i]:\n"
    "    name, value = spec.split('=')\n"
    "    resource.setrlimit(getattr(resource, name), (int(value), int(value)))\n"
    "os.execv(sys.argv[i + 1], sys.argv[i + 1:])\n"
)


def _sandbox_ids(settings: PipelineSettings) -> tuple[int, int] | None:
    """(uid, gid) to drop to when running as root, else None."""
    if os.geteuid() != 0 or not settings.sandbox_user:
        return None
    try:
        entry = pwd.getpwnam(settings.sandbox_user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _prepare(root: Path, files: dict[str, bytes], ids: tuple[int, int] | None) -> None:
    """Lay out project/, home/ and tmp/ under ``root``, owned by the sandbox user."""
    for name in ("project", "home", "tmp"):
        (root / name).mkdir()
    write_tree(files, root / "project")
    if ids is not None:
        for dirpath, dirnames, filenames in os.walk(root):
            os.chown(dirpath, *ids)
            for name in filenames + dirnames:
                os.chown(os.path.join(dirpath, name), *ids, follow_symlinks=False)


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


async def run(files: dict[str, bytes], settings: PipelineSettings) -> ValidationOutcome:
    """Import every app module and run ``pytest`` on the project in a confined child."""
    python = settings.python_executable
    if not os.access(python, os.X_OK):
        return not_started("the interpreter is not executable")
    root = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=settings.work_dir))
    try:
        project, home, tmp = root / "project", root / "home", root / "tmp"
        ids = _sandbox_ids(settings)
        await asyncio.to_thread(_prepare, root, files, ids)
        env = sandbox_env(
            home=str(home),
            tmp=str(tmp),
            project=str(project),
            path=f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin",
        )
        limits = [limit for limit in rlimits(settings) if ids or "NPROC" not in limit]
        argv = [python, "-c", _LAUNCHER, *limits, "--", python, "-c", RUNNER]
        argv += module_names(files)
        if ids is None:
            return await run_confined(argv, settings, env=env, cwd=project)
        return await run_confined(
            argv, settings, env=env, cwd=project, user=ids[0], group=ids[1], extra_groups=[]
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
