"""What a test run in any sandbox backend reports back: an exit code and bounded output."""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchforge_core.pipeline.settings import PipelineSettings


@dataclass
class ValidationOutcome:
    ok: bool
    reason: str  # "passed" | "tests failed" | "import check failed" | "timed out" | ...
    exit_code: int | None
    output: str  # the tail of stdout+stderr, bounded
    summary: list[str]


# Lines of pytest's output worth showing in the build log.
_SUMMARY = re.compile(
    r"^(IMPORT ERROR |FAILED |ERROR |=+ .*(passed|failed|error).* =+$|"
    r"\d+ (passed|failed)|E  )"
)

_REASONS = {0: "passed", 1: "tests failed", 3: "import check failed", 5: "no tests ran"}


def not_started(reason: str) -> ValidationOutcome:
    """The sandbox itself could not run the tests: a deployment problem, not the project's."""
    return ValidationOutcome(
        ok=False,
        reason=f"sandbox could not start the test run: {reason}",
        exit_code=None,
        output="",
        summary=[],
    )


def timed_out(settings: PipelineSettings, output: str) -> ValidationOutcome:
    return ValidationOutcome(
        ok=False,
        reason=f"timed out after {settings.validate_timeout:g} s",
        exit_code=None,
        output=output,
        summary=[],
    )


def finished(code: int | None, output: str, settings: PipelineSettings) -> ValidationOutcome:
    """The outcome of a run that ended by itself with ``code`` (negative: a signal)."""
    summary = [line.rstrip()[:300] for line in output.splitlines() if _SUMMARY.match(line)][
        -settings.max_log_lines :
    ]
    reason = _REASONS.get(code or 0, f"test run exited with {code}")
    if code is not None and code < 0:
        reason = f"test run killed by signal {-code}"
    return ValidationOutcome(
        ok=code == 0, reason=reason, exit_code=code, output=output, summary=summary
    )


def module_names(files: dict[str, bytes]) -> list[str]:
    """The importable modules under ``app/`` (each is imported before pytest runs)."""
    names = []
    for path in sorted(files):
        if path.startswith("app/") and path.endswith(".py"):
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(parts))
    return names
