"""The spec stage with a real model: schema-valid rate, entity recall, tokens, seconds.

Runs the pipeline's own ``llm_spec`` (the prompt, the grammar-friendly response
format, validation against the full schema, one repair round) with the
``openai_compatible`` provider against the server ``LF_LLM_BASE_URL`` names
(``make bench-llm`` starts llama.cpp with Gemma 3 270M, see scripts/llm-server.sh),
on a subset of the development idea set: ``--ideas`` of them, half list-style and
half prose, spread evenly over the file. A valid spec is scored as
``bench_spec.py`` scores the offline extractor's; an invalid one scores zero
recall. Tokens and seconds are the spec stage's: the answer and its repair round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from bench_spec import score_spec
from launchforge_core.pipeline.llm import Usage, llm_spec
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.types import BuildInput, PipelineError
from launchforge_core.providers import ProviderError, create_provider
from launchforge_core.providers.format_memory import LocalFormatMemory

HERE = Path(__file__).resolve().parent


def subset(items: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    picked: list[dict[str, Any]] = []
    for style, count in (("list", (n + 1) // 2), ("prose", n // 2)):
        group = [i for i in items if i["style"] == style]
        step = max(1, len(group) // max(count, 1))
        picked += group[::step][:count]
    return picked


async def one(provider: Any, item: dict[str, Any], settings: PipelineSettings, model: str) -> dict:
    usage = Usage()
    inp = BuildInput(idea=item["idea"], provider="openai_compatible", model=model)
    started = time.monotonic()
    valid, error, recall = False, "", 0.0
    try:
        spec, _app = await llm_spec(provider, inp, settings, usage)
    except (PipelineError, ProviderError) as exc:
        error = str(exc)[:120]
    else:
        valid = True
        # optional parts a model may leave out, as the extractor's spec always has them
        scored = {**spec, "relations": spec.get("relations") or []}
        recall = score_spec(item, scored).scores["entity"].recall or 0.0
    return {
        "id": item["id"],
        "valid": valid,
        "entity_recall": recall,
        "tokens": usage.input_tokens + usage.output_tokens,
        "seconds": time.monotonic() - started,
        "error": error,
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=8)
    parser.add_argument(
        "--max-tokens", type=int, default=int(os.environ.get("LF_LLM_MAX_TOKENS", "512"))
    )
    args = parser.parse_args()
    base_url = os.environ.get("LF_LLM_BASE_URL")
    if not base_url:
        print("LF_LLM_BASE_URL is not set: run `make bench-llm`", file=sys.stderr)
        return 2
    model = os.environ.get("LF_LLM_MODEL", "gemma3-270m")
    items = yaml.safe_load((HERE / "devset.yaml").read_text(encoding="utf-8"))
    chosen = subset(items, args.ideas)
    settings = PipelineSettings(llm_max_tokens=args.max_tokens)
    provider = create_provider(
        "openai_compatible", "", base_url, call_deadline=600, format_memory=LocalFormatMemory()
    )
    rows = []
    for item in chosen:
        row = await one(provider, item, settings, model)
        print(
            f"{row['id']}: valid={row['valid']} recall={row['entity_recall']:.2f} "
            f"tokens={row['tokens']} seconds={row['seconds']:.1f} {row['error']}",
            flush=True,
        )
        rows.append(row)
    n = len(rows)
    print(f"\n{model} on {n} of {len(items)} devset ideas (max_tokens {args.max_tokens})")
    print("| ideas | schema-valid | entity recall | tokens / idea | seconds / idea (mean, max) |")
    print("|---|---|---|---|---|")
    seconds = [r["seconds"] for r in rows]
    print(
        f"| {n} | {sum(r['valid'] for r in rows)}/{n} "
        f"| {statistics.fmean(r['entity_recall'] for r in rows):.2f} "
        f"| {statistics.fmean(r['tokens'] for r in rows):,.0f} "
        f"| {statistics.fmean(seconds):.0f}, {max(seconds):.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
