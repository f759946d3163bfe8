"""``/mcp``: LaunchForge's MCP server, driven by the official SDK's own client.

Core runs under a real uvicorn on a free port; callers are ``lf_`` API keys
resolved through a stand-in of auth's introspection (``introspection``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

TOOLS = {
    "list_projects",
    "create_project",
    "start_build",
    "get_build",
    "request_change",
    "list_versions",
    "list_files",
    "get_file",
    "get_download_link",
}


def make_key(introspection: Any, user_id: str, scopes: list[str]) -> str:
    key = "lf_" + uuid.uuid4().hex
    introspection.keys[key] = {
        "active": True,
        "sub": user_id,
        "scopes": scopes,
        "key_id": uuid.uuid4().hex,
        "email_verified": True,
    }
    return key


@pytest.fixture
async def core(introspection: Any, make_settings: Any, serve_app: Any) -> AsyncIterator[str]:
    """Core on a real port, taking API keys from the stand-in; yields its base URL."""
    from launchforge_core.main import create_app

    app = create_app(
        make_settings(auth_url=introspection.url, internal_token=introspection.internal_token)
    )
    async with serve_app(app) as live:
        yield live.url


@asynccontextmanager
async def mcp_session(base_url: str, key: str) -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        streamable_http_client(f"{base_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    """A tool's structured result; fails the test on a tool error."""
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, (tool, result.content)
    assert result.structured_content is not None
    return result.structured_content


def error_text(result: CallToolResult) -> str:
    assert result.is_error, result
    return " ".join(getattr(block, "text", "") for block in result.content)


async def test_tools_are_listed_with_precise_schemas(core: str, introspection: Any) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, key) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description, tool.name
        assert "Scope: " in tool.description, tool.name
        assert tool.output_schema is not None, tool.name

    start = tools["start_build"].input_schema
    assert set(start["required"]) == {"project_id", "idea"}
    assert start["properties"]["project_id"]["format"] == "uuid"
    assert start["properties"]["idea"]["minLength"] == 5
    assert "minimal" in json.dumps(start["properties"]["theme"])
    follow = tools["get_build"].input_schema["properties"]
    assert {"build_id", "after_event_id", "wait_seconds"} <= set(follow)
    assert follow["wait_seconds"]["maximum"] == 20
    assert "finished" in tools["get_build"].output_schema["properties"]
    assert tools["list_projects"].annotations.read_only_hint is True
    assert set(tools["request_change"].input_schema["required"]) == {"project_id", "request"}


@pytest.mark.parametrize("authorization", [None, "Bearer lf_" + "0" * 32, "Bearer not-a-jwt"])
async def test_no_or_a_bad_key_is_401_before_any_mcp(core: str, authorization: Any) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if authorization:
        headers["Authorization"] = authorization
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    async with httpx.AsyncClient(base_url=core) as client:
        response = await client.post("/mcp", json=initialize, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


async def test_the_sdk_client_without_a_key_is_refused(core: str) -> None:
    # The SDK turns the 401 into a generic error; the answer itself is checked above.
    with pytest.raises(Exception):  # noqa: B017, PT011
        async with (
            httpx2.AsyncClient(timeout=30) as http,
            streamable_http_client(f"{core}/mcp", http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()


async def test_create_build_follow_and_read_files(
    core: str, introspection: Any, make_job_context: Callable[..., Any], run_build_to_end: Any
) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, key) as session:
        project = await call(session, "create_project", name="Reading log")
        listed = await call(session, "list_projects")
        assert [p["id"] for p in listed["items"]] == [project["id"]]

        build = await call(
            session,
            "start_build",
            project_id=project["id"],
            idea="A tracker for books I have read, with notes and ratings",
        )
        assert build["status"] == "queued"
        assert build["project_id"] == project["id"]
        assert build["version"] == 1
        assert build["provider"] == "offline"

        early = await call(session, "get_build", build_id=build["id"])
        assert early["build"]["id"] == build["id"]
        assert early["finished"] is False

        row = await run_build_to_end(make_job_context(), build["id"])
        assert row.status == "succeeded", row.error

        # Finished only once every event has been handed out: a page cut by max_events
        # is not the end, however the build ended.
        first_page = await call(session, "get_build", build_id=build["id"], max_events=1)
        assert [e["id"] for e in first_page["events"]] == [1]
        assert first_page["build"]["status"] == "succeeded"
        assert first_page["finished"] is False

        progress = await call(session, "get_build", build_id=build["id"], wait_seconds=5)
        assert progress["finished"] is True
        assert progress["build"]["status"] == "succeeded"
        ids = [e["id"] for e in progress["events"]]
        assert ids == list(range(1, len(ids) + 1))
        assert ids
        assert progress["last_event_id"] == ids[-1]
        assert progress["events"][-1]["kind"] == "status"
        assert {s["name"] for s in progress["build"]["stages"]} >= {"spec", "validate"}
        # Following on from the last id: nothing new, and no wait on a finished build.
        rest = await call(
            session, "get_build", build_id=build["id"], after_event_id=ids[-1], wait_seconds=20
        )
        assert rest["events"] == []
        assert rest["last_event_id"] == ids[-1]

        files = await call(session, "list_files", build_id=build["id"])
        paths = [f["path"] for f in files["files"]]
        assert "backend/app/main.py" in paths or any(p.endswith("main.py") for p in paths)
        path = next(p for p in paths if p.endswith(".py"))
        content = await call(session, "get_file", build_id=build["id"], path=path)
        assert content["encoding"] == "utf-8"
        assert content["size"] == len(content["content"].encode())
        size = next(f["size"] for f in files["files"] if f["path"] == path)
        assert content["size"] == size

        missing = await session.call_tool(
            "get_file", {"build_id": build["id"], "path": "no/such/file.py"}
        )
        assert "404" in error_text(missing)

        link = await call(session, "get_download_link", build_id=build["id"])
        assert link["path"] == f"/v1/builds/{build['id']}/download"
        assert link["url"].endswith(link["path"])
        assert link["url"].startswith("http://")
        assert "Bearer" in link["auth"]
    # The link works with the same key (and only with a key).
    async with httpx.AsyncClient(base_url=core) as client:
        zipped = await client.get(link["path"], headers={"Authorization": f"Bearer {key}"})
        assert zipped.status_code == 200
        assert zipped.content[:2] == b"PK"
        assert (await client.get(link["path"])).status_code == 401


async def test_a_key_without_the_scope_gets_a_tool_error_naming_it(
    core: str, introspection: Any
) -> None:
    user = str(uuid.uuid4())
    owner = make_key(introspection, user, ["*"])
    reader = make_key(introspection, user, ["builds:read"])
    async with mcp_session(core, owner) as session:
        project = await call(session, "create_project", name="scoped")
    async with mcp_session(core, reader) as session:
        refused = await session.call_tool(
            "start_build", {"project_id": project["id"], "idea": "a todo list app"}
        )
        assert "403" in error_text(refused)
        assert "builds:write" in error_text(refused)
        listing = await session.call_tool("list_projects", {})
        assert "projects:read" in error_text(listing)
        creating = await session.call_tool("create_project", {"name": "nope"})
        assert "projects:write" in error_text(creating)
    async with mcp_session(core, owner) as session:
        assert len((await call(session, "list_projects"))["items"]) == 1


async def test_another_users_project_and_build_are_not_found(core: str, introspection: Any) -> None:
    alice = make_key(introspection, str(uuid.uuid4()), ["*"])
    bob = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, alice) as session:
        project = await call(session, "create_project", name="Alice's")
        build = await call(
            session, "start_build", project_id=project["id"], idea="A recipe book with tags"
        )
    async with mcp_session(core, bob) as session:
        assert (await call(session, "list_projects"))["items"] == []
        for tool, arguments in (
            ("start_build", {"project_id": project["id"], "idea": "steal this app"}),
            ("get_build", {"build_id": build["id"]}),
            ("get_download_link", {"build_id": build["id"]}),
            ("get_file", {"build_id": build["id"], "path": "README.md"}),
        ):
            text = error_text(await session.call_tool(tool, arguments))
            assert "404" in text, (tool, text)
            assert "not found" in text.lower(), (tool, text)
            assert "Alice" not in text


async def test_invalid_arguments_are_tool_errors_not_crashes(core: str, introspection: Any) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, key) as session:
        project = await call(session, "create_project", name="checks")
        bad_id = await session.call_tool("get_build", {"build_id": "not-a-uuid"})
        assert bad_id.is_error
        too_short = await session.call_tool(
            "start_build", {"project_id": project["id"], "idea": "abc"}
        )
        assert too_short.is_error
        bad_spec = await session.call_tool(
            "start_build",
            {"project_id": project["id"], "idea": "a spec build", "spec": {"entities": 3}},
        )
        # Checked by the REST route: its 422 problem, with the located errors.
        assert "422" in error_text(bad_spec)
        assert "errors" in error_text(bad_spec)


async def test_change_and_versions_tools_reach_the_real_routes(
    core: str, introspection: Any, make_job_context: Callable[..., Any], run_build_to_end: Any
) -> None:
    """request_change / list_versions: a change is a new version; one it cannot apply is a
    tool error carrying what was understood; versions list newest first with the current one."""
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, key) as session:
        project = await call(session, "create_project", name="changes")
        first = await call(
            session, "start_build", project_id=project["id"], idea="A task list with notes"
        )
        # Only a succeeded build can be changed: the route's 409, as a tool error.
        early = await session.call_tool(
            "request_change", {"project_id": project["id"], "request": "add a priority to tasks"}
        )
        assert "409" in error_text(early)
        row = await run_build_to_end(make_job_context(), first["id"])
        assert row.status == "succeeded", row.error

        change = await call(
            session, "request_change", project_id=project["id"], request="add a priority to tasks"
        )
        assert change["version"] == 2
        assert change["origin"] == "change"
        assert change["parent_id"] == first["id"]
        assert change["change_request"] == "add a priority to tasks"
        task = next(e for e in change["spec"]["entities"] if e["name"] == "Task")
        assert "priority" in {f["name"] for f in task["fields"]}

        refused = await session.call_tool(
            "request_change",
            {
                "project_id": project["id"],
                "request": "add a priority to tasks\nmake tasks teleport",
            },
        )
        assert "422" in error_text(refused)
        assert "understood" in error_text(refused)

        page = await call(session, "list_versions", project_id=project["id"])
        assert [v["version"] for v in page["items"]] == [2, 1]
        assert [v["is_current"] for v in page["items"]] == [False, True]
        assert page["items"][0]["request"] == "add a priority to tasks"


async def test_get_build_long_polls_for_the_next_event(
    introspection: Any, make_settings: Any, serve_app: Any
) -> None:
    import asyncio

    from launchforge_core.main import create_app
    from launchforge_core.services import events

    app = create_app(
        make_settings(auth_url=introspection.url, internal_token=introspection.internal_token)
    )
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with serve_app(app) as live, mcp_session(live.url, key) as session:
        project = await call(session, "create_project", name="polled")
        build = await call(session, "start_build", project_id=project["id"], idea="A notes app")
        queued = await call(session, "get_build", build_id=build["id"])
        assert [e["status"] for e in queued["events"]] == ["queued"]
        after = queued["last_event_id"]

        poll = asyncio.create_task(
            call(session, "get_build", build_id=build["id"], after_event_id=after, wait_seconds=20)
        )
        state = live.app.state
        async with state.sessionmaker() as db:
            payload = await events.append(
                db, uuid.UUID(build["id"]), kind="log", message="generating the page"
            )
            await db.commit()
        assert payload is not None
        await events.Publisher(state.redis, state.redis_health).publish(payload)
        news = await poll
        assert [e["message"] for e in news["events"]] == ["generating the page"]
        assert news["last_event_id"] == after + 1
        assert news["finished"] is False


@pytest.mark.parametrize(
    ("method", "content", "content_type"),
    [
        ("POST", b"{not json", "application/json"),
        ("POST", b"[]", "application/json"),
        ("POST", b"hello", "text/plain"),
        ("POST", b"[" * 100_000 + b"]" * 100_000, "application/json"),
        ("POST", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "application/json"),
        ("POST", b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}', "application/json"),
        ("POST", b'{"jsonrpc": "2.0", "id": "\\ud800", "method": "x"}', "application/json"),
        ("POST", b"null", "application/json"),
        ("POST", b"", "application/json"),
        ("GET", b"", ""),
        ("DELETE", b"", ""),
        ("PUT", b"{}", "application/json"),
    ],
)
async def test_malformed_mcp_requests_are_4xx_never_5xx(
    core: str, introspection: Any, method: str, content: bytes, content_type: str
) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json, text/event-stream"}
    if content_type:
        headers["Content-Type"] = content_type
    async with httpx.AsyncClient(base_url=core) as client:
        response = await client.request(method, "/mcp", content=content, headers=headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if method != "POST":
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


async def test_a_call_without_its_params_is_a_json_rpc_error(core: str, introspection: Any) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(base_url=core) as client:
        response = await client.post(
            "/mcp", json={"jsonrpc": "2.0", "id": 7, "method": "tools/call"}, headers=headers
        )
    # A protocol error travels in the JSON-RPC answer, as the transport says.
    assert response.status_code == 200
    assert response.json()["id"] == 7
    assert response.json()["error"]["code"] == -32602


async def test_an_unknown_tool_is_a_tool_error(core: str, introspection: Any) -> None:
    key = make_key(introspection, str(uuid.uuid4()), ["*"])
    async with mcp_session(core, key) as session:
        result = await session.call_tool("drop_database", {})
    assert result.is_error
    assert "drop_database" in error_text(result)
