"""Idea -> running app, only through the gateway, with a real core worker process.

register -> project -> build (offline) -> follow SSE to the end -> download
the zip -> unzip it -> the generated app's own tests pass with this venv's
python. Then the same from an explicit spec of three related entities.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

SPEC = {
    "name": "Course Desk",
    "entities": [
        {
            "name": "Teacher",
            "fields": [
                {"name": "full_name", "type": "string", "required": True, "max_length": 120},
                {"name": "email", "type": "email", "required": True, "unique": True},
            ],
        },
        {
            "name": "Course",
            "fields": [
                {"name": "title", "type": "string", "required": True},
                {"name": "credits", "type": "integer", "minimum": 1, "maximum": 30},
                {"name": "level", "type": "enum", "choices": ["intro", "advanced"]},
            ],
        },
        {
            "name": "Enrollment",
            "fields": [
                {"name": "student_name", "type": "string", "required": True},
                {"name": "grade", "type": "number", "minimum": 0, "maximum": 100},
            ],
        },
    ],
    "relations": [
        {"from": "Course", "to": "Teacher", "kind": "many_to_one", "required": True},
        {"from": "Enrollment", "to": "Course", "kind": "many_to_one", "required": True},
    ],
}


async def login(gateway: httpx.AsyncClient) -> dict[str, str]:
    email = f"builder-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery staple"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    r = await gateway.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def follow(
    gateway: httpx.AsyncClient, build_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every SSE event of the build until the server ends the stream.

    Like a browser's EventSource, a dropped connection is resumed with
    ``Last-Event-ID``; the ids must still come out gap-free.
    """
    events: list[dict[str, Any]] = []
    for _ in range(5):
        resume = {"Last-Event-ID": str(events[-1]["id"])} if events else {}
        try:
            async with gateway.stream(
                "GET",
                f"/v1/builds/{build_id}/events",
                headers={**headers, **resume},
                timeout=httpx.Timeout(300, connect=10),
            ) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        events.append(json.loads(line.removeprefix("data:").strip()))
            return events
        except (httpx.ReadError, httpx.RemoteProtocolError):
            continue
    raise AssertionError("the event stream kept dropping")


def run_generated_tests(archive: bytes, workdir: Path) -> subprocess.CompletedProcess[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        for name in zf.namelist():
            target = (workdir / name).resolve()
            assert target.is_relative_to(workdir.resolve()), name
        zf.extractall(workdir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CORE_", "AUTH_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def build_and_verify(
    gateway: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], workdir: Path
) -> dict[str, Any]:
    project = await gateway.post("/v1/projects", json={"name": "Built app"}, headers=headers)
    assert project.status_code == 201, project.text
    created = await gateway.post(
        f"/v1/projects/{project.json()['id']}/builds", json=body, headers=headers
    )
    assert created.status_code == 202, created.text
    build_id = created.json()["id"]
    assert created.json()["status"] == "queued"

    events = await follow(gateway, build_id, headers)
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["status"] == "queued"
    assert events[-1]["kind"] == "status"
    assert events[-1]["status"] == "succeeded", events[-1]
    stages = {e["stage"] for e in events if e["kind"] == "stage"}
    assert {"spec", "generate", "validate", "package"} <= stages

    # Resuming after the second-to-last event yields exactly the last one.
    resumed = await follow(gateway, build_id, {**headers, "Last-Event-ID": str(events[-2]["id"])})
    assert resumed == events[-1:]

    build = (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()
    assert build["status"] == "succeeded"
    assert build["generator"].startswith("offline")
    assert [s["name"] for s in build["stages"]][:3] == ["spec", "generate", "validate"]

    tree = await gateway.get(f"/v1/builds/{build_id}/files", headers=headers)
    assert tree.status_code == 200
    paths = {f["path"] for f in tree.json()["files"]}
    assert "README.md" in paths
    readme = await gateway.get(f"/v1/builds/{build_id}/files/README.md", headers=headers)
    assert readme.status_code == 200
    assert readme.headers["content-type"] == "text/plain; charset=utf-8"

    download = await gateway.get(f"/v1/builds/{build_id}/download", headers=headers, timeout=60)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert "attachment" in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as zf:
        assert set(zf.namelist()) == paths
        assert zf.read("README.md") == readme.content

    result = run_generated_tests(download.content, workdir)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    return {"build": build, "paths": paths, "stdout": result.stdout}


# A real build (the app's tests run twice: in the validate stage and here),
# plus the platform's startup when this is the first test: beyond the
# suite's default per-test timeout on a loaded 2-core machine.
@pytest.mark.timeout(600)
async def test_offline_idea_to_an_app_whose_tests_pass(
    gateway: httpx.AsyncClient, tmp_path: Path
) -> None:
    headers = await login(gateway)
    outcome = await build_and_verify(
        gateway,
        headers,
        {
            "idea": "A reading log where I track books, authors and my notes on each book",
            "features": ["ratings"],
            "theme": "dark",
        },
        tmp_path,
    )
    assert outcome["build"]["provider"] == "offline"
    usage = (await gateway.get("/v1/usage", headers=headers)).json()
    assert (usage["plan"], usage["used"]) == ("free", 1)


@pytest.mark.timeout(600)
async def test_explicit_spec_of_three_related_entities(
    gateway: httpx.AsyncClient, tmp_path: Path
) -> None:
    headers = await login(gateway)
    outcome = await build_and_verify(
        gateway,
        headers,
        {"idea": "Course administration for a small school", "spec": SPEC},
        tmp_path,
    )
    text = "\n".join(sorted(outcome["paths"])).lower()
    for entity in ("teacher", "course", "enrollment"):
        assert entity in text, outcome["paths"]


async def test_missing_provider_key_is_a_clear_400(gateway: httpx.AsyncClient) -> None:
    headers = await login(gateway)
    project = await gateway.post("/v1/projects", json={"name": "p"}, headers=headers)
    response = await gateway.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": "A todo list with tags", "provider": "openai"},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["provider"] == "openai"
