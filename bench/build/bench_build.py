"""Benchmark: offline builds through ``run_pipeline`` in one process.

Reports builds per minute and the p50 / p90 seconds per build over N builds
(every build runs the full pipeline: spec, generate, validate with the
generated app's own pytest suite in the sandbox, package). Builds run one
after another, like one worker with concurrency 1.

    uv run --frozen python bench/build/bench_build.py --builds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from launchforge_core.pipeline import BuildInput, PipelineEvent, PipelineSettings, run_pipeline

IDEAS = [
    "An app to track habits and their daily check-ins",
    "Organise my recipes and their ingredients, with ratings",
    "Keep track of books I read",
    "Manage customers and their orders",
]


async def _ignore(_event: PipelineEvent) -> None:
    return None


async def main(builds: int, validate: bool) -> dict[str, object]:
    return await _run(builds, PipelineSettings(run_validation=validate))


async def _run(builds: int, settings: PipelineSettings) -> dict[str, object]:
    # one warm-up build (fills the bytecode cache), not counted
    await run_pipeline(BuildInput(idea=IDEAS[0]), llm=None, emit=_ignore, settings=settings)
    durations: list[float] = []
    started = time.perf_counter()
    for i in range(builds):
        t0 = time.perf_counter()
        result = await run_pipeline(
            BuildInput(idea=IDEAS[i % len(IDEAS)]), llm=None, emit=_ignore, settings=settings
        )
        durations.append(time.perf_counter() - t0)
        if result.status != "succeeded":
            raise SystemExit(f"build {i} failed: {result.error}")
    total = time.perf_counter() - started
    ordered = sorted(durations)
    return {
        "builds": builds,
        "validate": settings.run_validation,
        "builds_per_minute": round(builds / total * 60, 2),
        "p50_seconds": round(statistics.median(durations), 2),
        "p90_seconds": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument(
        "--no-validate",
        action="store_true",
        help="skip the validate stage (measures generation alone)",
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.builds, not args.no_validate))))
