"""LaunchForge as an MCP server, through the gateway, with the official SDK's client.

A real user makes a real ``lf_`` API key; the SDK's Streamable HTTP client
then goes idea -> start_build -> follow until succeeded -> request_change
("add a priority to tasks") -> follow -> get_file showing ``priority`` ->
list_versions -> get_download_link, and the link downloads the zip with the
same key.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

IDEA = "A task list: tasks with a title, a due date and notes, grouped into projects"
SCOPES = ["projects:read", "projects:write", "builds:read", "builds:write"]


async def make_api_key(gateway: httpx.AsyncClient, scopes: list[str]) -> str:
    email = f"mcp-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery staple"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    r = await gateway.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    session = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = await gateway.post(
        "/v1/auth/api-keys", json={"name": "mcp client", "scopes": scopes}, headers=session
    )
    assert r.status_code == 201, r.text
    key: str = r.json()["key"]
    assert key.startswith("lf_")
    return key


@asynccontextmanager
async def mcp_session(gateway_url: str, key: str) -> AsyncIterator[ClientSession]:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http,
        streamable_http_client(f"{gateway_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def text_of(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


async def call(session: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, (tool, text_of(result))
    assert result.structured_content is not None
    return result.structured_content


async def follow(session: ClientSession, build_id: str) -> dict[str, Any]:
    """get_build long polls until the build has finished; every event once, in order."""
    seen: list[dict[str, Any]] = []
    for _ in range(200):
        after = seen[-1]["id"] if seen else 0
        progress = await call(
            session, "get_build", build_id=build_id, after_event_id=after, wait_seconds=10
        )
        seen += progress["events"]
        assert progress["last_event_id"] == (seen[-1]["id"] if seen else 0)
        if progress["finished"]:
            assert [e["id"] for e in seen] == list(range(1, len(seen) + 1))
            assert seen[-1]["kind"] == "status"
            return {**progress, "events": seen}
    raise AssertionError("the build did not finish")


async def models_of(session: ClientSession, build_id: str) -> str:
    files = await call(session, "list_files", build_id=build_id)
    assert "app/models.py" in [f["path"] for f in files["files"]]
    content = await call(session, "get_file", build_id=build_id, path="app/models.py")
    assert content["encoding"] == "utf-8"
    text: str = content["content"]
    return text


async def test_idea_build_change_and_files_over_mcp(
    gateway: httpx.AsyncClient, platform: Any
) -> None:
    key = await make_api_key(gateway, SCOPES)
    async with mcp_session(platform.gateway_url, key) as session:
        tools = {tool.name for tool in (await session.list_tools()).tools}
        assert {
            "list_projects",
            "create_project",
            "start_build",
            "get_build",
            "request_change",
            "list_versions",
            "get_file",
            "get_download_link",
        } <= tools

        project = await call(session, "create_project", name="Tasks via MCP")
        listed = await call(session, "list_projects")
        assert [p["id"] for p in listed["items"]] == [project["id"]]

        build = await call(session, "start_build", project_id=project["id"], idea=IDEA)
        assert build["status"] == "queued"
        done = await follow(session, build["id"])
        assert done["build"]["status"] == "succeeded", done["build"]["error"]
        assert done["events"][0]["status"] == "queued"
        stages = {e["stage"] for e in done["events"] if e["kind"] == "stage"}
        assert {"spec", "generate", "validate", "package"} <= stages

        first = await models_of(session, build["id"])
        assert "class Task" in first
        assert "priority" not in first

        link = await call(session, "get_download_link", build_id=build["id"])
        assert link["status"] == "succeeded"
        assert link["path"] == f"/v1/builds/{build['id']}/download"
        # The gateway's view of the host: the URL the caller can use as it is.
        assert link["url"] == platform.gateway_url + link["path"]
        zipped = await gateway.get(link["path"], headers={"Authorization": f"Bearer {key}"})
        assert zipped.status_code == 200
        assert zipped.content[:2] == b"PK"
        assert (await gateway.get(link["path"])).status_code == 401

    # --- change by asking, and versions ---------------------------------------------
    async with mcp_session(platform.gateway_url, key) as session:
        change = await call(
            session, "request_change", project_id=project["id"], request="add a priority to tasks"
        )
        assert change["id"] != build["id"]
        assert change["version"] == 2
        changed = await follow(session, change["id"])
        assert changed["build"]["status"] == "succeeded", changed["build"]["error"]
        assert "priority" in await models_of(session, change["id"])
        link = await call(session, "get_download_link", build_id=change["id"])
        assert link["path"] == f"/v1/builds/{change['id']}/download"

        versions = await call(session, "list_versions", project_id=project["id"])
    by_number = {v["version"]: v for v in versions["items"]}
    assert by_number[2]["build_id"] == change["id"]
    assert by_number[1]["build_id"] == build["id"]
    assert by_number[2]["is_current"] is True


async def test_mcp_through_the_gateway_needs_a_key_and_its_scopes(
    gateway: httpx.AsyncClient, platform: Any
) -> None:
    refused = await gateway.post(
        "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    )
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert "ratelimit" in refused.headers

    reader = await make_api_key(gateway, ["projects:read", "builds:read"])
    async with mcp_session(platform.gateway_url, reader) as session:
        assert (await call(session, "list_projects"))["items"] == []
        denied = await session.call_tool("create_project", {"name": "nope"})
        assert denied.is_error
        assert "projects:write" in text_of(denied)
        missing = await session.call_tool("get_build", {"build_id": str(uuid.uuid4())})
        assert missing.is_error
        assert "404" in text_of(missing)


async def test_another_users_things_are_not_found_over_mcp(
    gateway: httpx.AsyncClient, platform: Any
) -> None:
    alice = await make_api_key(gateway, SCOPES)
    bob = await make_api_key(gateway, SCOPES)
    async with mcp_session(platform.gateway_url, alice) as session:
        project = await call(session, "create_project", name="Alice's diary")
        build = await call(
            session, "start_build", project_id=project["id"], idea="A diary of private notes"
        )
    async with mcp_session(platform.gateway_url, bob) as session:
        assert (await call(session, "list_projects"))["items"] == []
        for tool, arguments, key in (
            ("get_build", {"build_id": build["id"]}, "build_id"),
            ("get_download_link", {"build_id": build["id"]}, "build_id"),
            ("list_files", {"build_id": build["id"]}, "build_id"),
            ("get_file", {"build_id": build["id"], "path": "app/models.py"}, "build_id"),
            ("start_build", {"project_id": project["id"], "idea": "my app now"}, "project_id"),
        ):
            theirs = await session.call_tool(tool, arguments)
            nobodys = await session.call_tool(tool, {**arguments, key: str(uuid.uuid4())})
            assert theirs.is_error, tool
            assert "404" in text_of(theirs), tool
            # The same answer as for an id that does not exist at all.
            assert text_of(theirs) == text_of(nobodys), tool
    async with mcp_session(platform.gateway_url, alice) as session:
        mine = await call(session, "get_build", build_id=build["id"])
        assert mine["build"]["idea"] == "A diary of private notes"
        assert [p["id"] for p in (await call(session, "list_projects"))["items"]] == [project["id"]]


MALFORMED = {
    "garbage": b"{not json",
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "null": b"null",
    "no-method": b'{"jsonrpc": "2.0", "id": 1}',
}


async def test_malformed_mcp_bodies_through_the_gateway_are_4xx(
    gateway: httpx.AsyncClient,
) -> None:
    key = await make_api_key(gateway, ["projects:read"])
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    for name, body in MALFORMED.items():
        response = await gateway.post("/mcp", content=body, headers=headers)
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:300])
        assert len(response.content) < 10_000, name
    # The gateway's request size limit (10 MiB by default) holds on /mcp too.
    oversize = await gateway.post("/mcp", content=b" " * (11 * 1024 * 1024), headers=headers)
    assert oversize.status_code == 413
    assert oversize.headers["content-type"] == "application/problem+json"
    stream = await gateway.get("/mcp", headers=headers)
    assert stream.status_code == 405
    assert stream.headers["allow"] == "POST"
