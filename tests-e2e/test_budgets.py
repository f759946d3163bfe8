"""A model budget stops a build through the gateway; /v1/usage shows it.

The model is an OpenAI-compatible stand-in reporting known token counts; the
platform runs with its default budgets (a build may use 300,000 tokens).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from launchforge_common.testing import ChatCompletionStandIn
from test_builds import follow, login

SPEC = {
    "name": "Reading List",
    "entities": [{"name": "Book", "fields": [{"name": "title", "type": "string"}]}],
}


class Model(ChatCompletionStandIn):
    """Each answer reports 290,000 prompt and 1,000 completion tokens."""

    model = "stand-in-model"  # not in the price table: its tokens count, its cost is 0
    usage = {"prompt_tokens": 290_000, "completion_tokens": 1_000}

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        return json.dumps(SPEC) if system.startswith("You design") else '{"files": []}'


@pytest.mark.timeout(300)
async def test_a_build_stopped_by_its_token_maximum(gateway: httpx.AsyncClient) -> None:
    model = Model()
    await model.start()
    try:
        headers = await login(gateway)
        key = await gateway.put(
            "/v1/provider-keys/openai_compatible",
            json={"api_key": "sk-local-budget-1", "base_url": f"http://127.0.0.1:{model.port}/v1"},
            headers=headers,
        )
        assert key.status_code == 200, key.text
        project = await gateway.post("/v1/projects", json={"name": "Books"}, headers=headers)
        created = await gateway.post(
            f"/v1/projects/{project.json()['id']}/builds",
            json={"idea": "A reading list of books", "provider": "openai_compatible"},
            headers=headers,
        )
        assert created.status_code == 202, created.text
        events = await follow(gateway, created.json()["id"], headers)
        build = (await gateway.get(f"/v1/builds/{created.json()['id']}", headers=headers)).json()
    finally:
        await model.stop()
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
