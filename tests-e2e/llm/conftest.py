"""The platform for the real-model suite: ``make test-llm`` (scripts/llm-server.sh).

Skipped unless ``LF_LLM_BASE_URL`` names a running OpenAI-compatible model server
(the script starts llama.cpp's with Gemma 3 270M and sets it). The platform is
the e2e one with settings a small local model on a shared 2-core machine needs:
short answers, a call deadline that a real call fits in, and room for the
error cases' builds to run beside the real one.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from e2e_platform import Platform, launch_platform

BASE_URL = os.environ.get("LF_LLM_BASE_URL", "")
MAX_TOKENS = os.environ.get("LF_LLM_MAX_TOKENS", "512")
CALL_DEADLINE = float(os.environ.get("LF_LLM_CALL_DEADLINE", "150"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if BASE_URL:
        return
    skip = pytest.mark.skip(reason="no model server: run `make test-llm` (sets LF_LLM_BASE_URL)")
    for item in items:
        if "tests-e2e/llm" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    overrides = {
        "CORE_LLM_MAX_TOKENS": MAX_TOKENS,
        "CORE_PROVIDER_CALL_DEADLINE_SECONDS": f"{CALL_DEADLINE:g}",
        # the real build and the three error cases' builds at once
        "CORE_WORKER_CONCURRENCY": "4",
    }
    async with launch_platform(
        tmp_path_factory.mktemp("llm-platform-logs"), overrides=overrides
    ) as plat:
        yield plat
