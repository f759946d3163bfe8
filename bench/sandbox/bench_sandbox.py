"""Benchmark: what the sandbox costs per build, by backend.

Runs the same two projects through ``run_project_tests`` in each backend that
works here, one run after another, and prints p50 / p90 seconds per run:
- ``empty``: one trivial test, so the figure is the sandbox's own start-up
  and tear-down (namespaces, mounts, interpreter start, pytest import);
- ``app``: a generated app (the offline pipeline's project for one idea) and
  its whole pytest suite, what the validate stage runs per build.
``process`` is the unisolated fallback (as root it runs as root here: the
interpreter may live in a private home), so the difference is what isolation
costs. The Kubernetes backend is not measured: no cluster runs here, and a
pod's scheduling and image start dominate there (seconds, per cluster).

    uv run --frozen python bench/sandbox/bench_sandbox.py --runs 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from launchforge_core.pipeline import PipelineSettings
from launchforge_core.pipeline.extractor import extract_spec
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.sandbox import SandboxUnavailable, resolve_mode, run_project_tests
from launchforge_core.pipeline.spec import build_model

EMPTY = {"app/__init__.py": b"", "tests/test_ok.py": b"def test_ok():\n    assert True\n"}


def _app_project() -> dict[str, bytes]:
    spec = extract_spec("Manage customers and their orders, with a status per order")
    return render_project(build_model(spec), spec, generator="offline-templates/1")


async def _time(files: dict[str, bytes], settings: PipelineSettings, runs: int) -> dict[str, float]:
    first = await run_project_tests(files, settings)  # warm-up, not counted
    if not first.ok:
        raise SystemExit(f"{settings.sandbox_mode}: {first.reason}\n{first.output[-2000:]}")
    durations = []
    for _ in range(runs):
        t0 = time.perf_counter()
        outcome = await run_project_tests(files, settings)
        durations.append(time.perf_counter() - t0)
        assert outcome.ok, outcome.reason
    ordered = sorted(durations)
    return {
        "p50_s": round(statistics.median(ordered), 3),
        "p90_s": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
    }


async def main(runs: int) -> dict[str, object]:
    results: dict[str, object] = {"runs": runs}
    app = _app_project()
    for mode in ("process", "bubblewrap"):
        settings = PipelineSettings(sandbox_mode=mode, sandbox_user=None)  # type: ignore[arg-type]
        try:
            resolve_mode(settings)
        except SandboxUnavailable as exc:
            results[mode] = f"unavailable: {exc}"
            continue
        results[mode] = {
            "empty": await _time(EMPTY, settings, runs),
            "app": await _time(app, settings, runs),
        }
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.runs)), indent=2))
