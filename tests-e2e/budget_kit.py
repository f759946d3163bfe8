"""A build that a model budget stops, shared by the budget tests (API and browser).

The model is an OpenAI-compatible stand-in whose every answer reports 290,000
prompt and 1,000 completion tokens: the spec call is made, and the files call
could pass the default per-build maximum (300,000 tokens), so it is not made
and the build fails. Which model name it reports decides the cost (a name in
the price table is priced, any other costs 0), so each test chooses it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from launchforge_common.testing import ChatCompletionStandIn

SPEC = {
    "name": "Reading List",
    "entities": [{"name": "Book", "fields": [{"name": "title", "type": "string"}]}],
}


class BudgetModel(ChatCompletionStandIn):
    """Each answer reports 290,000 prompt and 1,000 completion tokens."""

    usage = {"prompt_tokens": 290_000, "completion_tokens": 1_000}

    def __init__(self, model: str = ChatCompletionStandIn.model) -> None:
        super().__init__()
        self.model = model

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        return json.dumps(SPEC) if system.startswith("You design") else '{"files": []}'


@asynccontextmanager
async def budget_model(model: str = ChatCompletionStandIn.model) -> AsyncIterator[BudgetModel]:
    """The stand-in, listening for the length of the block."""
    stand_in = BudgetModel(model)
    await stand_in.start()
    try:
        yield stand_in
    finally:
        await stand_in.stop()


async def start_budget_build(
    gateway: httpx.AsyncClient, headers: dict[str, str], model: BudgetModel
) -> str:
    """The id of a new build on ``model``, stored first as the account's provider key."""
    key = await gateway.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": "sk-local-budget-1", "base_url": f"http://127.0.0.1:{model.port}/v1"},
        headers=headers,
    )
    assert key.status_code == 200, key.text
    project = await gateway.post("/v1/projects", json={"name": "Books"}, headers=headers)
    assert project.status_code == 201, project.text
    build = await gateway.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": "A reading list of books", "provider": "openai_compatible"},
        headers=headers,
    )
    assert build.status_code == 202, build.text
    build_id: str = build.json()["id"]
    return build_id
