"""Change by asking through core's API: a new version from a request, 422 with what was
understood, 404 for someone else's, and the spec edit/diff routes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from launchforge_core.models import Build
from sqlalchemy import update

SPEC: dict[str, Any] = {
    "name": "Tasks",
    "entities": [
        {
            "name": "Task",
            "fields": [
                {"name": "title", "type": "string", "required": True},
                {"name": "notes", "type": "text"},
            ],
        },
        {
            "name": "Customer",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "phone", "type": "phone"},
            ],
        },
    ],
}


@pytest.fixture
def succeeded(make_build: Any, sessionmaker: Any) -> Any:
    """A build of ``SPEC`` marked succeeded (the worker's part is tested end to end)."""

    async def _make(user: Any, project_id: str | None = None) -> dict[str, Any]:
        build = await make_build(user, project_id, spec=SPEC)
        async with sessionmaker() as session:
            await session.execute(
                update(Build).where(Build.id == uuid.UUID(build["id"])).values(status="succeeded")
            )
            await session.commit()
        return build

    return _make


async def test_a_change_is_a_new_version_of_the_project(client, alice, succeeded) -> None:
    base = await succeeded(alice)
    response = await client.post(
        f"/v1/projects/{base['project_id']}/changes",
        json={"request": "add a priority to tasks and remove the phone field"},
        headers=alice.headers,
    )
    assert response.status_code == 202, response.text
    build = response.json()
    assert response.headers["location"] == f"/v1/builds/{build['id']}"
    assert build["project_id"] == base["project_id"]
    assert (build["version"], build["origin"]) == (2, "change")
    assert build["parent_id"] == base["id"]
    assert build["change_request"] == "add a priority to tasks and remove the phone field"
    assert build["status"] == "queued"
    assert build["idea"] == base["idea"]
    task = next(e for e in build["spec"]["entities"] if e["name"] == "Task")
    assert "priority" in [f["name"] for f in task["fields"]]
    customer = next(e for e in build["spec"]["entities"] if e["name"] == "Customer")
    assert "phone" not in [f["name"] for f in customer["fields"]]

    diff = await client.get(f"/v1/builds/{build['id']}/spec-diff", headers=alice.headers)
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert body["parent_id"] == base["id"]
    assert [e["op"] for e in body["edits"]] == ["add_field", "remove_field"]
    changed = {c["name"]: c["fields"] for c in body["diff"]["entities"]["changed"]}
    assert changed["Task"]["added"] == [{"name": "priority", "type": "enum"}]
    assert changed["Customer"]["removed"] == [{"name": "phone", "type": "phone"}]


async def test_an_unappliable_request_is_422_and_nothing_is_queued(
    client, alice, succeeded
) -> None:
    base = await succeeded(alice)
    used = (await client.get("/v1/usage", headers=alice.headers)).json()["used"]
    response = await client.post(
        f"/v1/projects/{base['project_id']}/changes",
        json={"request": "add a priority to tasks and remove the flavour field"},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert [e["op"] for e in body["understood"]] == ["add_field"]
    assert body["failed"][0]["text"] == "remove the flavour field"
    assert "flavour" in body["detail"]
    listing = await client.get(f"/v1/projects/{base['project_id']}/builds", headers=alice.headers)
    assert len(listing.json()["items"]) == 1
    assert (await client.get("/v1/usage", headers=alice.headers)).json()["used"] == used


async def test_someone_elses_project_or_base_is_404(client, alice, bob, succeeded) -> None:
    base = await succeeded(alice)
    mine = await client.post("/v1/projects", json={"name": "Bob's"}, headers=bob.headers)
    for url, body in [
        (f"/v1/projects/{base['project_id']}/changes", {"request": "add a due date to tasks"}),
        (
            f"/v1/projects/{mine.json()['id']}/changes",
            {"request": "add a due date to tasks", "base_build_id": base["id"]},
        ),
    ]:
        response = await client.post(url, json=body, headers=bob.headers)
        assert response.status_code == 404, response.text
    others = await client.post(
        f"/v1/projects/{base['project_id']}/changes",
        json={"request": "add a due date to tasks"},
        headers=bob.headers,
    )
    missing = await client.post(
        f"/v1/projects/{uuid.uuid4()}/changes",
        json={"request": "add a due date to tasks"},
        headers=bob.headers,
    )
    assert missing.json()["detail"] == others.json()["detail"]
    diff = await client.get(f"/v1/builds/{base['id']}/spec-diff", headers=bob.headers)
    assert diff.status_code == 404


async def test_the_base_must_have_succeeded(client, alice, make_build, succeeded) -> None:
    queued = await make_build(alice, spec=SPEC)
    response = await client.post(
        f"/v1/projects/{queued['project_id']}/changes",
        json={"request": "add a due date to tasks"},
        headers=alice.headers,
    )
    assert response.status_code == 409  # nothing succeeded yet
    response = await client.post(
        f"/v1/projects/{queued['project_id']}/changes",
        json={"request": "add a due date to tasks", "base_build_id": queued["id"]},
        headers=alice.headers,
    )
    assert response.status_code == 409
    assert response.json()["status_value"] == "queued"
    other = await succeeded(alice)
    response = await client.post(
        f"/v1/projects/{queued['project_id']}/changes",
        json={"request": "add a due date to tasks", "base_build_id": other["id"]},
        headers=alice.headers,
    )
    assert response.status_code == 409  # a version of another project
    diff = await client.get(f"/v1/builds/{other['id']}/spec-diff", headers=alice.headers)
    assert diff.status_code == 409  # no parent


async def test_the_default_base_is_the_newest_succeeded(client, alice, succeeded) -> None:
    first = await succeeded(alice)
    second = await succeeded(alice, first["project_id"])
    response = await client.post(
        f"/v1/projects/{first['project_id']}/changes",
        json={"request": "rename Customer to Client"},
        headers=alice.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["parent_id"] == second["id"]
    assert response.json()["version"] == 3


async def test_malformed_change_requests(client, alice, succeeded) -> None:
    base = await succeeded(alice)
    url = f"/v1/projects/{base['project_id']}/changes"
    for body in [
        {},
        {"request": ""},
        {"request": "x" * 3000},
        {"request": "ok", "extra": 1},
        {"request": "add a date to tasks", "base_build_id": "nope"},
    ]:
        response = await client.post(url, json=body, headers=alice.headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.post(url, json={"request": "add x"})).status_code == 401


async def test_spec_edit_shows_the_change_without_building(client, alice) -> None:
    response = await client.post(
        "/v1/specs/edit",
        json={"spec": SPEC, "request": "rename Customer to Client. Make phone required"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["name"] for e in body["spec"]["entities"]] == ["Task", "Client"]
    assert body["spec"]["routes"]  # as a build would use it
    assert body["diff"]["entities"]["renamed"] == [{"from": "Customer", "to": "Client"}]
    assert [e["op"] for e in body["edits"]] == ["rename_entity", "set_required"]

    bad = await client.post(
        "/v1/specs/edit", json={"spec": SPEC, "request": "make it pop"}, headers=alice.headers
    )
    assert bad.status_code == 422
    assert bad.json()["understood"] == []
    invalid = await client.post(
        "/v1/specs/edit",
        json={"spec": {"name": "x", "entities": []}, "request": "add a date to tasks"},
        headers=alice.headers,
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"]


async def test_a_change_asked_of_a_model_hands_the_worker_the_parent_spec(
    client, alice, succeeded, make_job_context, run_build_to_end
) -> None:
    """With a provider the grammar is not used: the worker gives the pipeline the parent's
    spec and the request, for the model to patch."""
    from datetime import UTC, datetime

    from launchforge_common.testing import ChatCompletionStandIn
    from launchforge_core.config import CoreSettings
    from launchforge_core.pipeline.types import PipelineResult, StageRecord
    from launchforge_core.worker.worker import provider_http_client

    class StandIn(ChatCompletionStandIn):
        model = "local-model"
        usage = {"prompt_tokens": 1, "completion_tokens": 1}

        def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
            return "{}"

    seen: list[Any] = []

    async def pipeline(inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        seen.append(inp)
        now = datetime.now(UTC)
        return PipelineResult(
            "failed",
            "recorded",
            [StageRecord("spec", now, now, "failed")],
            None,
            {},
            None,
            None,
            "llm",
            {"input_tokens": 0, "output_tokens": 0},
        )

    stand_in = StandIn()
    await stand_in.start()
    try:
        put = await client.put(
            "/v1/provider-keys/openai_compatible",
            json={
                "api_key": "sk-local-0123456789",
                "base_url": f"http://127.0.0.1:{stand_in.port}/v1",
            },
            headers=alice.headers,
        )
        assert put.status_code == 200, put.text
        base = await succeeded(alice)
        # "flavour" is nothing the grammar knows: a model's change is not read by it.
        created = await client.post(
            f"/v1/projects/{base['project_id']}/changes",
            json={"request": "give it more flavour", "provider": "openai_compatible"},
            headers=alice.headers,
        )
        assert created.status_code == 202, created.text
        build = created.json()
        assert build["spec"] is None
        assert (build["origin"], build["parent_id"]) == ("change", base["id"])
        async with provider_http_client(CoreSettings(environment="test")) as http:
            ctx = make_job_context(run_pipeline=pipeline, http=http)
            await run_build_to_end(ctx, build["id"])
    finally:
        await stand_in.stop()
    (inp,) = seen
    assert inp.change_request == "give it more flavour"
    assert inp.spec is None
    assert inp.base_spec["entities"] == SPEC["entities"]
