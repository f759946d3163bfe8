"""Choose the sandbox backend and run a project's tests in it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from launchforge_core.pipeline.sandbox import bubblewrap, kubernetes, process
from launchforge_core.pipeline.sandbox.outcome import ValidationOutcome, not_started
from launchforge_core.pipeline.settings import PipelineSettings

logger = logging.getLogger("launchforge.core.sandbox")

Mode = Literal["bubblewrap", "kubernetes", "process"]


class SandboxUnavailable(RuntimeError):
    """No backend can isolate generated code here, and running it bare is not allowed."""


def resolve_mode(settings: PipelineSettings) -> Mode:
    """The backend ``settings`` select on this machine (probes bubblewrap once).

    Raises ``SandboxUnavailable`` when isolation is required (``allow_unisolated``
    false, as in production) and none works, or when an explicit mode cannot run.
    """
    mode = settings.sandbox_mode
    if mode == "kubernetes":
        return "kubernetes"
    if mode == "process":
        if not settings.allow_unisolated:
            raise SandboxUnavailable(
                "sandbox_mode=process runs generated code without isolation, "
                "which is refused in production"
            )
        return "process"
    found = bubblewrap.probe(settings)
    if isinstance(found, bubblewrap.Host):
        return "bubblewrap"
    if mode == "bubblewrap" or not settings.allow_unisolated:
        raise SandboxUnavailable(
            f"generated code cannot be isolated: {found}. Install bubblewrap (Debian: "
            "bubblewrap) and allow user namespaces, or use sandbox_mode=kubernetes"
        )
    logger.warning(
        "generated code runs WITHOUT isolation (sandbox_mode=auto fell back to process)",
        extra={"reason": found},
    )
    return "process"


async def run_project_tests(
    files: dict[str, bytes],
    settings: PipelineSettings,
    log: Callable[[str], Awaitable[None]] | None = None,
) -> ValidationOutcome:
    """Import every app module and run ``pytest`` on the project, in the chosen sandbox."""
    try:
        mode = await asyncio.to_thread(resolve_mode, settings)
    except SandboxUnavailable as exc:
        return not_started(str(exc))
    if log is not None:
        note = "" if mode != "process" else " (no isolation: development only)"
        await log(f"sandbox: {mode}{note}")
    if mode == "bubblewrap":
        outcome = await bubblewrap.run(files, settings)
    elif mode == "kubernetes":
        outcome = await kubernetes.run(files, settings)
    else:
        outcome = await process.run(files, settings)
    if log is not None:
        for line in outcome.summary:
            await log(line)
    return outcome
