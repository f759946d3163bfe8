"""A model budget stops a build through the gateway; /v1/usage shows it.

The model is an OpenAI-compatible stand-in reporting known token counts; the
platform runs with its default budgets (a build may use 300,000 tokens).
"""

from __future__ import annotations

import httpx
import pytest
from budget_kit import budget_model, start_budget_build
from test_builds import follow, login


@pytest.mark.timeout(300)
async def test_a_build_stopped_by_its_token_maximum(gateway: httpx.AsyncClient) -> None:
    # "stand-in-model" is not in the price table: its tokens count, its cost is 0.
    async with budget_model() as model:
        headers = await login(gateway)
        build_id = await start_budget_build(gateway, headers, model)
        events = await follow(gateway, build_id, headers)
        build = (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()
    # The spec call was made; the files call could have passed 300,000 tokens: not made.
    assert len(model.requests) == 1
    assert build["status"] == "failed"
    assert build["error"].startswith(
        "Build token maximum reached: 291,000 of 300,000 tokens used; "
        "the next model call could use up to "
    )
    assert events[-1]["kind"] == "status"
    assert any(e["kind"] == "log" and e["message"] == build["error"] for e in events)
    assert events[-1]["message"] == build["error"]
    usage = (await gateway.get("/v1/usage", headers=headers)).json()["models"]
    assert usage["tokens_used"] == 291_000
    assert usage["token_budget"] == 1_000_000
    assert usage["builds_stopped"] == 1
    assert usage["cost_usd"] == 0.0
    assert [(p["provider"], p["calls"], p["input_tokens"]) for p in usage["providers"]] == [
        ("openai_compatible", 1, 290_000)
    ]
