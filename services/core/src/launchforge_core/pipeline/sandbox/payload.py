"""The program that runs inside every isolating backend, and the archive it reads.

The worker hands a sandbox only two things: this program (``python -c BOOT``)
and the project as a tar archive (on stdin for bubblewrap, a mounted file for
Kubernetes). Inside, BOOT unpacks the archive into the sandbox's own writable
directory, sets the rlimits, and execs the runner, which imports every app
module (exit 3 on failure) and then runs the project's pytest suite. The only
thing that comes back is the exit code and the (bounded) output.
"""

from __future__ import annotations

import io
import math
import tarfile

from launchforge_core.pipeline.settings import PipelineSettings

# argv: <archive: path or "-"> <project dir> RLIMIT_X=N ... -- <module> ...
BOOT = (
    "import io, os, resource, sys, tarfile\n"
    "archive, project = sys.argv[1], sys.argv[2]\n"
    "i = sys.argv.index('--')\n"
    "data = sys.stdin.buffer.read() if archive == '-' else open(archive, 'rb').read()\n"
    "os.makedirs(project, exist_ok=True)\n"
    "os.makedirs(os.environ.get('HOME', project), exist_ok=True)\n"
    "with tarfile.open(fileobj=io.BytesIO(data)) as tar:\n"
    "    kw = {'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}\n"
    "    tar.extractall(project, **kw)\n"
    "del data\n"
    "null = os.open(os.devnull, os.O_RDONLY)\n"
    "os.dup2(null, 0)\n"
    "for spec in sys.argv[3:i]:\n"
    "    name, value = spec.split('=')\n"
    "    resource.setrlimit(getattr(resource, name), (int(value), int(value)))\n"
    "os.chdir(project)\n"
    "os.execv(sys.executable, [sys.executable, '-c', RUNNER, *sys.argv[i + 1:]])\n"
)

# Imports every app module (exit 3 on failure), then runs the project's pytest suite.
RUNNER = (
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

BOOT_PROGRAM = f"RUNNER = {RUNNER!r}\n{BOOT}"


def project_archive(files: dict[str, bytes], *, compress: bool = False) -> bytes:
    """The project as a tar (gzip when it must fit a ConfigMap), regular files only."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as tar:
        for path in sorted(files):
            content = files[path]
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def rlimits(settings: PipelineSettings) -> list[str]:
    """The limits BOOT sets before the project's code runs (``RLIMIT_NAME=value``)."""
    return [
        f"RLIMIT_AS={settings.memory_limit_bytes}",
        f"RLIMIT_CPU={math.ceil(settings.validate_timeout) + 5}",
        f"RLIMIT_FSIZE={settings.file_size_limit_bytes}",
        f"RLIMIT_NOFILE={settings.open_files_limit}",
        f"RLIMIT_NPROC={settings.process_limit}",
        "RLIMIT_CORE=0",
    ]


def sandbox_env(home: str, tmp: str, project: str, path: str) -> dict[str, str]:
    """The whole environment of the generated code: nothing of the worker's."""
    return {
        "PATH": path,
        "HOME": home,
        "TMPDIR": tmp,
        "PYTHONPATH": project,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "LANG": "C.UTF-8",
    }
