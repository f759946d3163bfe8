"""Change it by asking, through the gateway: a request becomes version 2 of the project.

An offline change is read by the grammar when it is asked: the new build is
of the same project, its parent is the base, it builds like any build, and its
generated app has the new field. A request the grammar cannot apply is a 422
naming what it understood; someone else's project is a 404.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from test_builds import follow, login


async def built(gateway: httpx.AsyncClient, build_id: str, headers: dict[str, str]) -> Any:
    events = await follow(gateway, build_id, headers)
    assert events[-1]["status"] == "succeeded", events[-1]
    return (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()


# Two real builds, each validated by running the generated app's own tests.
@pytest.mark.timeout(600)
async def test_an_offline_change_is_a_new_version_with_the_new_field(
    gateway: httpx.AsyncClient,
) -> None:
    headers = await login(gateway)
    project = await gateway.post("/v1/projects", json={"name": "Tasks"}, headers=headers)
    project_id = project.json()["id"]
    first = await gateway.post(
        f"/v1/projects/{project_id}/builds",
        json={
            "idea": "A task list: tasks with a title and notes; customers with a name and a phone"
        },
        headers=headers,
    )
    assert first.status_code == 202, first.text
    base = await built(gateway, first.json()["id"], headers)
    assert base["version"] == 1

    # What would change, before building.
    base_spec = await gateway.get(f"/v1/builds/{base['id']}/files/spec.json", headers=headers)
    preview = await gateway.post(
        "/v1/specs/edit",
        json={"spec": json.loads(base_spec.content), "request": "add a priority to tasks"},
        headers=headers,
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["edits"][0]["op"] == "add_field"

    change = await gateway.post(
        f"/v1/projects/{project_id}/changes",
        json={"request": "Add a priority to tasks and remove the phone field"},
        headers=headers,
    )
    assert change.status_code == 202, change.text
    assert change.headers["location"] == f"/v1/builds/{change.json()['id']}"
    build = await built(gateway, change.json()["id"], headers)
    assert build["project_id"] == project_id
    assert (build["version"], build["origin"]) == (2, "change")
    assert build["parent_id"] == base["id"]
    assert build["change_request"] == "Add a priority to tasks and remove the phone field"

    models = await gateway.get(f"/v1/builds/{build['id']}/files/app/models.py", headers=headers)
    assert models.status_code == 200
    assert "priority" in models.text
    assert "phone" not in models.text
    old_models = await gateway.get(f"/v1/builds/{base['id']}/files/app/models.py", headers=headers)
    assert "priority" not in old_models.text
    spec = json.loads(
        (await gateway.get(f"/v1/builds/{build['id']}/files/spec.json", headers=headers)).content
    )
    task = next(e for e in spec["entities"] if e["name"] == "Task")
    priority = next(f for f in task["fields"] if f["name"] == "priority")
    assert priority["choices"] == ["low", "medium", "high"]

    diff = await gateway.get(f"/v1/builds/{build['id']}/spec-diff", headers=headers)
    assert diff.status_code == 200, diff.text
    changed = {c["name"]: c["fields"] for c in diff.json()["diff"]["entities"]["changed"]}
    assert changed["Task"]["added"] == [{"name": "priority", "type": "enum"}]
    assert changed["Customer"]["removed"] == [{"name": "phone", "type": "phone"}]

    # A request it cannot apply: 422 with what it understood; nothing queued or charged.
    used = (await gateway.get("/v1/usage", headers=headers)).json()["used"]
    refused = await gateway.post(
        f"/v1/projects/{project_id}/changes",
        json={"request": "add a due date to tasks and remove the flavour field"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert [e["op"] for e in body["understood"]] == ["add_field"]
    assert body["failed"][0]["text"] == "remove the flavour field"
    assert (await gateway.get("/v1/usage", headers=headers)).json()["used"] == used
    listing = await gateway.get(f"/v1/projects/{project_id}/builds", headers=headers)
    assert len(listing.json()["items"]) == 2

    # Someone else: the same 404 as a project that does not exist.
    other = await login(gateway)
    theirs = await gateway.post(
        f"/v1/projects/{project_id}/changes",
        json={"request": "add a due date to tasks"},
        headers=other,
    )
    missing = await gateway.post(
        f"/v1/projects/{uuid.uuid4()}/changes",
        json={"request": "add a due date to tasks"},
        headers=other,
    )
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"]
    peek = await gateway.get(f"/v1/builds/{build['id']}/spec-diff", headers=other)
    assert peek.status_code == 404
