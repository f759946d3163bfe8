"""Where generated code runs: a sandbox backend chosen by ``sandbox_mode``.

- ``bubblewrap``: on a machine, a bubblewrap sandbox per run (see that module
  for exactly what it isolates);
- ``kubernetes``: a Job (one pod) per run in a namespace of its own, with a
  NetworkPolicy that denies all traffic (see that module);
- ``process``: a confined child process with no namespaces, for development
  machines without bubblewrap. Never in production;
- ``auto``: bubblewrap where it works, else ``process`` outside production.

The worker passes in only the project's files and reads back only an exit
code and the bounded output (``ValidationOutcome``).
"""

from launchforge_core.pipeline.sandbox.outcome import ValidationOutcome
from launchforge_core.pipeline.sandbox.process import WORKDIR_PREFIX, sweep_stale_workdirs
from launchforge_core.pipeline.sandbox.select import (
    SandboxUnavailable,
    resolve_mode,
    run_project_tests,
)

__all__ = [
    "WORKDIR_PREFIX",
    "SandboxUnavailable",
    "ValidationOutcome",
    "resolve_mode",
    "run_project_tests",
    "sweep_stale_workdirs",
]
