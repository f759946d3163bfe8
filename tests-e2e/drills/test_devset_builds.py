"""Every idea of the development set builds offline and passes its own tests.

Each of the 64 ideas in ``bench/spec/devset.yaml`` goes through the whole
pipeline as a person's build would (``run_pipeline``, provider ``offline``):
the spec is extracted, the app generated and its own pytest suite run in the
validate stage inside the build sandbox (bubblewrap where it works). Every
build must succeed; a failure names the idea and the stage's detail.

Two builds run at a time (the machines here have two cores); the whole set
takes a few minutes, which is why it is a drill and not part of ``make test``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from drill_kit import record_result
from launchforge_core.pipeline import BuildInput, PipelineEvent, PipelineSettings, run_pipeline

ROOT = Path(__file__).resolve().parents[2]
IDEAS = yaml.safe_load((ROOT / "bench" / "spec" / "devset.yaml").read_text(encoding="utf-8"))
CONCURRENCY = 2

pytestmark = pytest.mark.timeout(1800)


async def _ignore(_event: PipelineEvent) -> None:
    return None


async def _build(item: dict[str, Any], gate: asyncio.Semaphore) -> tuple[str, Any]:
    async with gate:
        result = await run_pipeline(
            BuildInput(idea=item["idea"]), llm=None, emit=_ignore, settings=PipelineSettings()
        )
    return item["id"], result


async def test_every_development_idea_builds_and_passes_its_own_tests() -> None:
    gate = asyncio.Semaphore(CONCURRENCY)
    started = time.monotonic()
    results = await asyncio.gather(*(_build(item, gate) for item in IDEAS))
    elapsed = time.monotonic() - started
    failed = {
        idea: (result.error, [s.detail for s in result.stages if s.outcome == "failed"])
        for idea, result in results
        if result.status != "succeeded"
    }
    entities = sum(len(result.spec["entities"]) for _, result in results if result.spec)
    record_result(
        "devset-builds",
        {
            "ideas": len(IDEAS),
            "succeeded": len(IDEAS) - len(failed),
            "entities": entities,
            "seconds": round(elapsed, 1),
        },
    )
    assert not failed, failed
    assert len(results) == len(IDEAS) >= 60
