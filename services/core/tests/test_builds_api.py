"""The builds API: validation, ownership, cancel, retry, pagination, provider keys required."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from launchforge_core.models import BuildEvent
from sqlalchemy import func, select

IDEA = "A tracker for books I have read, with notes and ratings"


async def test_create_build_is_queued_and_readable(client, alice, make_project) -> None:
    project_id = await make_project(alice)
    response = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={
            "idea": f"  {IDEA}  ",
            "target_users": "readers",
            "features": ["notes", " ratings "],
            "theme": "dark",
        },
        headers=alice.headers,
    )
    assert response.status_code == 202, response.text
    build = response.json()
    assert build["status"] == "queued"
    assert build["idea"] == IDEA
    assert build["features"] == ["notes", "ratings"]
    assert build["provider"] == "offline"
    assert build["theme"] == "dark"
    assert build["generator"] is None
    assert build["attempt"] == 0
    assert response.headers["Location"] == f"/v1/builds/{build['id']}"

    got = await client.get(f"/v1/builds/{build['id']}", headers=alice.headers)
    assert got.status_code == 200
    assert got.json()["id"] == build["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"idea": "tiny"},
        {"idea": "x" * 5001},
        {"idea": "     padded     "[:9]},
        {"idea": IDEA, "theme": "neon"},
        {"idea": IDEA, "provider": "mock"},
        {"idea": IDEA, "features": ["f"] * 31},
        {"idea": IDEA, "features": ["x" * 201]},
        {"idea": IDEA, "features": "notes"},
        {"idea": IDEA, "spec": {"blob": "x" * 70_000}},
        {"idea": IDEA, "spec": ["not", "an", "object"]},
        {"idea": IDEA, "surprise": True},
        {"idea": IDEA, "model": ""},
        {},
    ],
)
async def test_invalid_build_requests_are_422(client, alice, make_project, body) -> None:
    project_id = await make_project(alice)
    response = await client.post(
        f"/v1/projects/{project_id}/builds", json=body, headers=alice.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_malformed_json_and_bad_ids(client, alice, make_project) -> None:
    project_id = await make_project(alice)
    response = await client.post(
        f"/v1/projects/{project_id}/builds",
        content=b"{not json",
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert (await client.get("/v1/builds/not-a-uuid", headers=alice.headers)).status_code == 422
    missing = await client.get(f"/v1/builds/{uuid.uuid4()}", headers=alice.headers)
    assert missing.status_code == 404


async def test_llm_provider_without_a_stored_key_is_400_naming_it(
    client, alice, make_project
) -> None:
    project_id = await make_project(alice)
    for provider in ("openai", "anthropic", "google", "groq", "openai_compatible"):
        response = await client.post(
            f"/v1/projects/{project_id}/builds",
            json={"idea": IDEA, "provider": provider},
            headers=alice.headers,
        )
        assert response.status_code == 400, response.text
        body = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert body["provider"] == provider
        assert provider in body["detail"]
    # Nothing was queued and nothing was counted.
    listing = await client.get(f"/v1/projects/{project_id}/builds", headers=alice.headers)
    assert listing.json()["items"] == []
    usage = await client.get("/v1/usage", headers=alice.headers)
    assert usage.json()["used"] == 0


async def test_another_users_builds_are_404_everywhere(
    client, alice, bob, make_project, make_build
) -> None:
    build = await make_build(alice)
    build_id, project_id = build["id"], build["project_id"]
    not_found = [
        ("GET", f"/v1/builds/{build_id}"),
        ("POST", f"/v1/builds/{build_id}/cancel"),
        ("POST", f"/v1/builds/{build_id}/retry"),
        ("GET", f"/v1/builds/{build_id}/events"),
        ("GET", f"/v1/builds/{build_id}/download"),
        ("GET", f"/v1/builds/{build_id}/files"),
        ("GET", f"/v1/builds/{build_id}/files/README.md"),
        ("GET", f"/v1/projects/{project_id}/builds"),
    ]
    missing = await client.get(f"/v1/builds/{uuid.uuid4()}", headers=bob.headers)
    for method, path in not_found:
        response = await client.request(method, path, headers=bob.headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"] in (missing.json()["detail"], "Project not found.")
    created = await client.post(
        f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=bob.headers
    )
    assert created.status_code == 404
    # Alice's build is untouched by Bob's cancel attempt.
    mine = await client.get(f"/v1/builds/{build_id}", headers=alice.headers)
    assert mine.json()["status"] == "queued"


async def test_every_route_needs_a_token(client) -> None:
    some = uuid.uuid4()
    for method, path in [
        ("POST", f"/v1/projects/{some}/builds"),
        ("GET", f"/v1/projects/{some}/builds"),
        ("GET", f"/v1/builds/{some}"),
        ("GET", f"/v1/builds/{some}/events"),
        ("GET", f"/v1/builds/{some}/download"),
        ("GET", "/v1/usage"),
        ("GET", "/v1/provider-keys"),
        ("PUT", "/v1/provider-keys/openai"),
    ]:
        response = await client.request(method, path)
        assert response.status_code == 401, (method, path)


async def test_cancel_a_queued_build_then_conflict(client, alice, make_build, sessionmaker) -> None:
    build = await make_build(alice)
    response = await client.post(f"/v1/builds/{build['id']}/cancel", headers=alice.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert response.json()["finished_at"] is not None
    again = await client.post(f"/v1/builds/{build['id']}/cancel", headers=alice.headers)
    assert again.status_code == 409
    assert again.json()["status_value"] == "cancelled"
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(BuildEvent.seq, BuildEvent.status)
                .where(BuildEvent.build_id == uuid.UUID(build["id"]))
                .order_by(BuildEvent.seq)
            )
        ).all()
    assert [tuple(r) for r in rows] == [(1, "queued"), (2, "cancelled")]


async def test_retry_creates_a_linked_build_and_only_for_finished_ones(
    client, alice, make_build
) -> None:
    build = await make_build(alice, features=["notes"], theme="minimal")
    early = await client.post(f"/v1/builds/{build['id']}/retry", headers=alice.headers)
    assert early.status_code == 409
    await client.post(f"/v1/builds/{build['id']}/cancel", headers=alice.headers)
    retried = await client.post(f"/v1/builds/{build['id']}/retry", headers=alice.headers)
    assert retried.status_code == 202, retried.text
    new = retried.json()
    assert new["id"] != build["id"]
    assert new["retry_of"] == build["id"]
    assert new["status"] == "queued"
    assert (new["idea"], new["features"], new["theme"]) == (IDEA, ["notes"], "minimal")
    usage = (await client.get("/v1/usage", headers=alice.headers)).json()
    assert usage["used"] == 2  # a retry counts as a build


async def test_list_builds_is_keyset_paginated(client, alice, make_project, make_build) -> None:
    project_id = await make_project(alice)
    ids = [(await make_build(alice, project_id=project_id))["id"] for _ in range(3)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = await client.get(
            f"/v1/projects/{project_id}/builds", params=params, headers=alice.headers
        )
        assert page.status_code == 200
        seen += [b["id"] for b in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    bad = await client.get(
        f"/v1/projects/{project_id}/builds", params={"cursor": "!!"}, headers=alice.headers
    )
    assert bad.status_code == 400


async def test_deleting_the_project_deletes_its_builds(client, alice, make_build) -> None:
    build = await make_build(alice)
    # A cached read of the build must not outlive the project.
    assert (await client.get(f"/v1/builds/{build['id']}", headers=alice.headers)).status_code == 200
    deleted = await client.delete(f"/v1/projects/{build['project_id']}", headers=alice.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/v1/builds/{build['id']}", headers=alice.headers)
    assert gone.status_code == 404


async def test_events_of_a_build_count(sessionmaker, alice, make_build) -> None:
    build = await make_build(alice)
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(BuildEvent.build_id == uuid.UUID(build["id"]))
        )
    assert count == 1
