"""Change it by asking with a provider, through the gateway, the model a local stand-in.

The model answers a change with an RFC 6902 JSON Patch of the base spec: the
new version is built from the patched spec. A model whose fix leaves the same
failure is not asked (nor paid) again: the build stops after one fix round.
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
    "entities": [
        {
            "name": "Book",
            "fields": [
                {"name": "title", "type": "string", "required": True},
                {"name": "notes", "type": "text"},
            ],
        }
    ],
}
PATCH = {
    "patch": [
        {
            "op": "add",
            "path": "/entities/0/fields/-",
            "value": {"name": "rating", "type": "integer", "minimum": 1, "maximum": 5},
        }
    ]
}
# A test that always fails the same way: the fix loop's repeat detector has a case.
FAILING = "def test_always_fails():\n    assert 1 == 2, 'the same every time'\n"


class Model(ChatCompletionStandIn):
    """Answers by the system prompt: a spec, a patch, or files (failing ones when asked)."""

    model = "stand-in-model"

    def __init__(self) -> None:
        super().__init__()
        self.failing = False
        self.fix_rounds = 0

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        messages = body.get("messages") or []
        system = messages[0]["content"] if messages else ""
        user = messages[-1]["content"] if messages else ""
        if system.startswith("You design"):
            return json.dumps(SPEC)
        if system.startswith("You change"):
            return json.dumps(PATCH)
        if "The project's checks failed" in user:
            self.fix_rounds += 1
        files = [{"path": "tests/test_extra.py", "content": FAILING}] if self.failing else []
        return json.dumps({"files": files})


async def run_to_end(gateway: httpx.AsyncClient, build_id: str, headers: dict[str, str]) -> Any:
    events = await follow(gateway, build_id, headers)
    assert events[-1]["kind"] == "status"
    return (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()


@pytest.mark.timeout(600)
async def test_a_models_change_and_a_fix_loop_that_stops_on_a_repeat(
    gateway: httpx.AsyncClient,
) -> None:
    model = Model()
    await model.start()
    try:
        headers = await login(gateway)
        key = await gateway.put(
            "/v1/provider-keys/openai_compatible",
            json={
                "api_key": "sk-local-change-0001",
                "base_url": f"http://127.0.0.1:{model.port}/v1",
            },
            headers=headers,
        )
        assert key.status_code == 200, key.text
        project = await gateway.post("/v1/projects", json={"name": "Books"}, headers=headers)
        project_id = project.json()["id"]
        first = await gateway.post(
            f"/v1/projects/{project_id}/builds",
            json={"idea": "A reading list of books", "provider": "openai_compatible"},
            headers=headers,
        )
        assert first.status_code == 202, first.text
        base = await run_to_end(gateway, first.json()["id"], headers)
        assert base["status"] == "succeeded", base["error"]

        change = await gateway.post(
            f"/v1/projects/{project_id}/changes",
            json={"request": "let me rate each book from 1 to 5", "provider": "openai_compatible"},
            headers=headers,
        )
        assert change.status_code == 202, change.text
        assert change.json()["spec"] is None  # the model reads the request in the worker
        build = await run_to_end(gateway, change.json()["id"], headers)
        assert build["status"] == "succeeded", build["error"]
        assert (build["version"], build["origin"], build["parent_id"]) == (2, "change", base["id"])
        spec = json.loads(
            (
                await gateway.get(f"/v1/builds/{build['id']}/files/spec.json", headers=headers)
            ).content
        )
        assert [f["name"] for f in spec["entities"][0]["fields"]] == ["title", "notes", "rating"]
        asked = [
            b for _, _, b in model.requests if b["messages"][0]["content"].startswith("You change")
        ]
        assert "let me rate each book from 1 to 5" in asked[0]["messages"][-1]["content"]
        diff = await gateway.get(f"/v1/builds/{build['id']}/spec-diff", headers=headers)
        assert diff.json()["diff"]["entities"]["changed"][0]["fields"]["added"] == [
            {"name": "rating", "type": "integer"}
        ]

        # The model's files fail the same way after its fix: one fix round, not two.
        model.failing = True
        again = await gateway.post(
            f"/v1/projects/{project_id}/changes",
            json={"request": "let me rate each book from 1 to 5", "provider": "openai_compatible"},
            headers=headers,
        )
        failed = await run_to_end(gateway, again.json()["id"], headers)
    finally:
        await model.stop()
    assert failed["status"] == "failed"
    assert "the same failure repeated" in failed["error"]
    assert model.fix_rounds == 1
