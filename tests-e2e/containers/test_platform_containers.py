"""The journey through the gateway container, against the real images."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from typing import Any

import httpx
import pytest

BUILD_TIMEOUT_S = 240
# The first test also starts the platform's containers (about a minute on 2 cores).
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT_S + 120)
TERMINAL = {"succeeded", "failed", "cancelled"}


def _register_and_login(client: httpx.Client) -> dict[str, str]:
    email = f"ada-{uuid.uuid4().hex[:10]}@example.com"
    password = f"Containers-{uuid.uuid4().hex}"
    registered = client.post("/v1/auth/register", json={"email": email, "password": password})
    assert registered.status_code == 201, registered.text
    assert registered.json()["email"] == email
    login = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"authorization": f"Bearer {login.json()['access_token']}"}


def test_platform_is_ready_through_the_gateway(cgateway: httpx.Client) -> None:
    ready = cgateway.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert cgateway.get("/livez").status_code == 200
    # The gateway is the only entry: internal routes are not reachable.
    internal = cgateway.get("/internal/introspect")
    assert internal.status_code == 404
    assert internal.headers["content-type"].startswith("application/problem+json")


def test_register_login_and_projects(cgateway: httpx.Client) -> None:
    headers = _register_and_login(cgateway)
    me = cgateway.get("/v1/auth/me", headers=headers)
    assert me.status_code == 200, me.text

    created = cgateway.post(
        "/v1/projects",
        headers=headers,
        json={"name": "Habit tracker", "description": "in containers"},
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert created.headers["x-request-id"]

    listed = cgateway.get("/v1/projects", headers=headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [project["id"]]
    fetched = cgateway.get(f"/v1/projects/{project['id']}", headers=headers)
    assert fetched.json()["name"] == "Habit tracker"

    # Another account never sees it (core verifies auth's token via the JWKS).
    other = _register_and_login(cgateway)
    assert cgateway.get(f"/v1/projects/{project['id']}", headers=other).status_code == 404
    assert cgateway.get("/v1/projects").status_code == 401


def test_migrations_are_idempotent_like_every_helm_upgrade(containers_platform: Any) -> None:
    """The hook Jobs run `migrate` again on every upgrade: at head it is a no-op."""
    for svc in ("auth", "core"):
        containers_platform.run_once(
            f"{svc}-migrate-again",
            containers_platform.images[svc],
            ["migrate"],
            containers_platform.env[svc],
        )


def test_services_run_read_only_as_uid_10001(containers_platform: Any) -> None:
    for name in ("gateway", "auth", "core"):
        container = containers_platform.containers[name]
        uid = container.exec(["id", "-u"])
        assert uid.output.decode().strip() == "10001", name
        assert container.exec(["touch", "/app/written"]).exit_code != 0, name
        assert container.exec(["touch", "/tmp/written"]).exit_code == 0, name


def _read_sse(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON payloads of a text/event-stream, up to its terminal status event."""
    payloads: list[dict[str, Any]] = []
    data: list[str] = []
    for line in response.iter_lines():
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif not line and data:
            payload = json.loads("\n".join(data))
            payloads.append(payload)
            data = []
            if payload.get("kind") == "status" and payload.get("status") in TERMINAL:
                break
    return payloads


def test_build_offline_streams_progress_and_downloads_a_zip(
    cgateway: httpx.Client, containers_worker: str
) -> None:
    headers = _register_and_login(cgateway)
    project = cgateway.post("/v1/projects", headers=headers, json={"name": "Book club"}).json()
    started = cgateway.post(
        f"/v1/projects/{project['id']}/builds",
        headers=headers,
        json={
            "idea": "A book club app where members track books, meetings and reviews",
            "provider": "offline",
        },
    )
    assert started.status_code == 202, started.text
    build_id = started.json()["id"]

    deadline = time.monotonic() + BUILD_TIMEOUT_S
    with cgateway.stream(
        "GET",
        f"/v1/builds/{build_id}/events",
        headers=headers | {"accept": "text/event-stream"},
        timeout=httpx.Timeout(30, read=BUILD_TIMEOUT_S),
    ) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = _read_sse(stream)
    assert time.monotonic() < deadline
    assert events, "no events"
    kinds = {e["kind"] for e in events}
    assert "stage" in kinds or len(events) > 1, events
    assert events[-1]["kind"] == "status"
    summary = "\n".join(
        f"{e['kind']} {e['stage']} {e['status']}: {e['message']} {e['data']}" for e in events
    )
    assert events[-1]["status"] == "succeeded", summary

    build = cgateway.get(f"/v1/builds/{build_id}", headers=headers).json()
    assert build["status"] == "succeeded", build

    download = cgateway.get(f"/v1/builds/{build_id}/download", headers=headers)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = archive.namelist()
    assert any(name.endswith("README.md") for name in names), names
    assert any(name.endswith(".py") for name in names), names
    assert archive.testzip() is None
