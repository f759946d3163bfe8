"""GET /v1/builds/{id}/events: order, Last-Event-ID resume, end after terminal, heartbeats.

Served by a real uvicorn on a free port (ASGI test transports buffer whole
responses, which would hide streaming bugs).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from launchforge_core.services import events as event_service

IDEA = "A journal for runners with weekly distance goals"


async def read_stream(url: str, headers: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """All events of one SSE response (until the server ends it) and its comment lines."""
    received: list[dict[str, Any]] = []
    comments: list[str] = []
    async with (
        httpx.AsyncClient(timeout=20.0) as http,
        http.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        current: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line.startswith(":"):
                comments.append(line)
            elif line == "":
                if "data" in current:
                    payload = json.loads(current["data"])
                    assert str(payload["id"]) == current["id"]
                    assert payload["kind"] == current["event"]
                    received.append(payload)
                current = {}
            else:
                key, _, value = line.partition(":")
                current[key] = value.removeprefix(" ")
    return received, comments


async def test_stream_replays_then_follows_live_and_ends(
    app, serve_app, make_user, make_build
) -> None:
    user = make_user()
    build = await make_build(user)
    async with serve_app_on(app, serve_app) as live:
        url = f"{live.url}/v1/builds/{build['id']}/events"
        reader = asyncio.create_task(read_stream(url, user.headers))
        await asyncio.sleep(0.5)  # the client is now waiting on the live channel
        assert not reader.done()
        async with httpx.AsyncClient(base_url=live.url) as http:
            cancel = await http.post(f"/v1/builds/{build['id']}/cancel", headers=user.headers)
        assert cancel.status_code == 200
        received, _ = await asyncio.wait_for(reader, 10)
    assert [(e["id"], e["status"]) for e in received] == [(1, "queued"), (2, "cancelled")]
    assert received[-1]["kind"] == "status"


async def test_last_event_id_resumes_with_nothing_missed(
    app, serve_app, make_user, make_build, sessionmaker
) -> None:
    user = make_user()
    build = await make_build(user)
    # A few more events, as a worker would write them, then the terminal one.
    build_id = uuid.UUID(build["id"])
    async with sessionmaker() as session:
        for i in range(5):
            await event_service.append(session, build_id, kind="log", message=f"line {i}")
        await session.commit()
    async with serve_app_on(app, serve_app) as live:
        async with httpx.AsyncClient(base_url=live.url) as http:
            cancel = await http.post(f"/v1/builds/{build['id']}/cancel", headers=user.headers)
            assert cancel.status_code == 200
        url = f"{live.url}/v1/builds/{build['id']}/events"
        everything, _ = await asyncio.wait_for(read_stream(url, user.headers), 10)
        resumed, _ = await read_stream(url, {**user.headers, "Last-Event-ID": "3"})
        after_end, _ = await read_stream(url, {**user.headers, "Last-Event-ID": "7"})
        async with httpx.AsyncClient(base_url=live.url) as http:
            bad = await http.get(
                f"/v1/builds/{build['id']}/events", headers={**user.headers, "Last-Event-ID": "x"}
            )
    assert [e["id"] for e in everything] == [1, 2, 3, 4, 5, 6, 7]
    assert [e["message"] for e in everything[1:6]] == [f"line {i}" for i in range(5)]
    assert [e["id"] for e in resumed] == [4, 5, 6, 7]
    assert resumed == everything[3:]
    assert after_end == []  # nothing after the terminal event... and the stream still ends
    assert bad.status_code == 400


async def test_heartbeats_keep_an_idle_stream_open(
    make_settings, serve_app, mint, make_user
) -> None:
    from launchforge_core.main import create_app

    app = create_app(make_settings(sse_heartbeat_seconds=0.2))
    user = make_user()
    async with serve_app(app) as live, httpx.AsyncClient(base_url=live.url) as http:
        project = await http.post("/v1/projects", json={"name": "p"}, headers=user.headers)
        build = await http.post(
            f"/v1/projects/{project.json()['id']}/builds", json={"idea": IDEA}, headers=user.headers
        )
        url = f"{live.url}/v1/builds/{build.json()['id']}/events"
        reader = asyncio.create_task(read_stream(url, user.headers))
        await asyncio.sleep(1.0)
        await http.post(f"/v1/builds/{build.json()['id']}/cancel", headers=user.headers)
        received, comments = await asyncio.wait_for(reader, 10)
    assert [e["status"] for e in received] == ["queued", "cancelled"]
    assert len(comments) >= 2  # ": ping ..." comment lines while idle


async def test_without_redis_the_stream_polls_the_table(
    make_settings, serve_app, make_user
) -> None:
    from launchforge_common.testing import free_port
    from launchforge_core.main import create_app

    # Nothing listens on this port: every Redis call fails fast.
    app = create_app(
        make_settings(redis_url=f"redis://127.0.0.1:{free_port()}/0", sse_poll_seconds=0.2)
    )
    user = make_user()
    async with serve_app(app) as live, httpx.AsyncClient(base_url=live.url) as http:
        project = await http.post("/v1/projects", json={"name": "p"}, headers=user.headers)
        build = await http.post(
            f"/v1/projects/{project.json()['id']}/builds", json={"idea": IDEA}, headers=user.headers
        )
        assert build.status_code == 202
        url = f"{live.url}/v1/builds/{build.json()['id']}/events"
        reader = asyncio.create_task(read_stream(url, user.headers))
        await asyncio.sleep(0.6)
        await http.post(f"/v1/builds/{build.json()['id']}/cancel", headers=user.headers)
        received, _ = await asyncio.wait_for(reader, 10)
    assert [(e["id"], e["status"]) for e in received] == [(1, "queued"), (2, "cancelled")]


def serve_app_on(app: Any, serve_app: Any) -> Any:
    """The session app has its lifespan running already; serve a twin on a port."""
    from launchforge_core.main import create_app

    return serve_app(create_app(app.state.settings))
