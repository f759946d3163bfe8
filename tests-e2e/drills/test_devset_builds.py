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

from pathlib import Path

import pytest
import yaml
from drill_kit import build_ideas_offline, record_result

ROOT = Path(__file__).resolve().parents[2]
IDEAS = yaml.safe_load((ROOT / "bench" / "spec" / "devset.yaml").read_text(encoding="utf-8"))
CONCURRENCY = 2

pytestmark = pytest.mark.timeout(1800)


async def test_every_development_idea_builds_and_passes_its_own_tests() -> None:
    builds = await build_ideas_offline(IDEAS, CONCURRENCY)
    results, failed = builds.results, builds.failed
    entities = sum(len(result.spec["entities"]) for _, result in results if result.spec)
    record_result(
        "devset-builds",
        {
            "ideas": len(IDEAS),
            "succeeded": len(IDEAS) - len(failed),
            "entities": entities,
            "seconds": round(builds.seconds, 1),
        },
    )
    assert not failed, failed
    assert len(results) == len(IDEAS) >= 60
