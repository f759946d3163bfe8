"""Live preview through the gateway: Run a succeeded build, use its app, stop it.

A real platform (auth, core, a core worker running previews in its bubblewrap
sandbox, the gateway): start a preview of an offline build, load its page and
static files and call its API under the preview path (seeded records listed,
a record created), the preview's own CSP and CORS, another user's 404s,
forged and expired tokens, the per-user limit (429), the per-worker cap and
the idle stop, a preview no worker has room for failing as ``no_capacity``,
and an app that crashes at import reporting its error and logs.
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from e2e_platform import Platform, launch_platform
from launchforge_core.services.previews import PreviewTokens
from test_builds import SPEC, follow, login

SECRET = "e2e-preview-token-secret-" + uuid.uuid4().hex
WAIT_S = 120.0


@pytest.fixture(scope="module")
async def preview_platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    overrides = {"CORE_PREVIEW_TOKEN_SECRET": SECRET, "CORE_PREVIEW_MAX_PER_USER": "1"}
    async with launch_platform(
        tmp_path_factory.mktemp("preview-logs"), overrides=overrides
    ) as plat:
        yield plat


@pytest.fixture
async def gw(preview_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=preview_platform.gateway_url, timeout=30) as client:
        yield client


async def succeeded_build(gw: httpx.AsyncClient, headers: dict[str, str]) -> str:
    project = await gw.post("/v1/projects", json={"name": "Preview me"}, headers=headers)
    assert project.status_code == 201, project.text
    created = await gw.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": "Course administration for a small school", "spec": SPEC},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    build_id: str = created.json()["id"]
    events = await follow(gw, build_id, headers)
    assert events[-1]["status"] == "succeeded", events[-1]
    return build_id


async def wait_status(
    gw: httpx.AsyncClient, build_id: str, headers: dict[str, str], *wanted: str
) -> dict[str, Any]:
    """Poll the preview until its status is one of ``wanted`` (a bounded wait, not a timing)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        answer = await gw.get(f"/v1/builds/{build_id}/preview", headers=headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in wanted:
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.3)


@pytest.mark.timeout(600)
async def test_run_reach_and_use_a_preview_through_the_gateway(gw: httpx.AsyncClient) -> None:
    headers = await login(gw)
    build_id = await succeeded_build(gw, headers)

    started = await gw.post(f"/v1/builds/{build_id}/preview", headers=headers)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    running = await wait_status(gw, build_id, headers, "running", "failed")
    assert running["status"] == "running", running
    assert "sample records created" in running["logs"]
    url = running["url"]
    assert url.startswith(f"/preview/{build_id}/")
    assert "Bearer" not in url

    # Starting again hands back the same live preview.
    again = await gw.post(f"/v1/builds/{build_id}/preview", headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == running["id"]

    # The page, with the preview's own CSP: an opaque origin, framed only by the platform.
    page = await gw.get(url)
    assert page.status_code == 200
    assert "static/app.js" in page.text
    csp = page.headers["content-security-policy"]
    assert csp.startswith("sandbox allow-scripts allow-forms")
    assert "frame-ancestors 'self'" in csp
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in page.headers
    assert "set-cookie" not in page.headers
    # Without the trailing slash: redirected, so relative URLs resolve under the prefix.
    bare = await gw.get(url.rstrip("/"))
    assert bare.status_code == 308
    assert bare.headers["location"] == url

    script = await gw.get(url + "static/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    model = (await gw.get(url + "static/model.json")).json()
    paths = {e["key"]: e["path"] for e in model["entities"]}

    # The seeded records, parents before children.
    teachers = await gw.get(url + paths["teacher"])
    assert teachers.status_code == 200, teachers.text
    assert len(teachers.json()["items"]) == 3
    courses = (await gw.get(url + paths["course"])).json()["items"]
    assert len(courses) == 3
    assert all(c["teacher"]["id"] for c in courses)

    # A preflighted JSON write from the opaque origin, then the write itself.
    preflight = await gw.options(
        url + paths["teacher"],
        headers={
            "Origin": "null",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    made = await gw.post(
        url + paths["teacher"],
        json={"full_name": "Ada Lovelace", "email": "ada@example.com"},
        headers={"Origin": "null"},
    )
    assert made.status_code == 201, made.text
    listed = (await gw.get(url + paths["teacher"])).json()["items"]
    assert "Ada Lovelace" in [t["full_name"] for t in listed]
    # The app's validation answers as it would anywhere.
    bad = await gw.post(url + paths["teacher"], json={"full_name": ""})
    assert bad.status_code == 422

    # Another user: every preview route is a 404 with the body of a missing build.
    other = await login(gw)
    missing = await gw.get(f"/v1/builds/{uuid.uuid4()}/preview", headers=other)
    for method in ("GET", "POST", "DELETE"):
        answer = await gw.request(method, f"/v1/builds/{build_id}/preview", headers=other)
        assert answer.status_code == 404, (method, answer.text)
        same = {k: v for k, v in answer.json().items() if k != "request_id"}
        assert same == {k: v for k, v in missing.json().items() if k != "request_id"}

    # Bad input is a 422 problem, a build with no preview a 404.
    bad = await gw.post("/v1/builds/not-a-uuid/preview", headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    none_yet = await gw.get(f"/v1/builds/{await succeeded_build(gw, other)}/preview", headers=other)
    assert none_yet.status_code == 404

    # Forged, foreign and expired tokens are 404s too.
    token = url.split("/")[3]
    expires, mac = token.split(".")
    forged = f"/preview/{build_id}/{expires}.{mac[:-2]}AA/"
    later = f"/preview/{build_id}/{int(expires) + 60}.{mac}/"
    elsewhere = f"/preview/{uuid.uuid4()}/{token}/"
    tokens = PreviewTokens(SECRET.encode(), 60)
    owner = uuid.UUID(running["id"])  # any id: checked below that the owner's real one is needed
    wrong_owner, _ = tokens.mint(uuid.UUID(build_id), owner)
    me = (await gw.get("/v1/auth/me", headers=headers)).json()["id"]
    expired, _ = tokens.mint(uuid.UUID(build_id), uuid.UUID(me), now=time.time() - 3600)
    fresh, _ = tokens.mint(uuid.UUID(build_id), uuid.UUID(me))
    for bad_url in (
        forged,
        later,
        elsewhere,
        f"/preview/{build_id}/{wrong_owner}/",
        f"/preview/{build_id}/{expired}/",
        f"/preview/{build_id}/not-a-token/",
    ):
        refused = await gw.get(bad_url)
        assert refused.status_code == 404, bad_url
        assert refused.json()["detail"] == "Preview not found."
    # The same key, the owner and a live expiry: the check is that, not a lookup table.
    assert (await gw.get(f"/preview/{build_id}/{fresh}/")).status_code == 200

    # Stop: the URL is dead, the status says why, the logs stay.
    stopped = await gw.delete(f"/v1/builds/{build_id}/preview", headers=headers)
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped"
    assert stopped.json()["stop_reason"] == "user"
    assert stopped.json()["url"] is None
    assert (await gw.get(url)).status_code == 404
    shown = await gw.get(f"/v1/builds/{build_id}/preview", headers=headers)
    assert "sample records created" in shown.json()["logs"]


@pytest.mark.timeout(600)
async def test_the_per_user_limit_is_a_429(gw: httpx.AsyncClient) -> None:
    headers = await login(gw)
    first, second = await succeeded_build(gw, headers), await succeeded_build(gw, headers)
    assert (await gw.post(f"/v1/builds/{first}/preview", headers=headers)).status_code == 202
    refused = await gw.post(f"/v1/builds/{second}/preview", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "stop one first" in refused.json()["detail"]
    # Stopping the first frees the slot.
    assert (await gw.delete(f"/v1/builds/{first}/preview", headers=headers)).status_code == 200
    assert (await gw.post(f"/v1/builds/{second}/preview", headers=headers)).status_code == 202
    await gw.delete(f"/v1/builds/{second}/preview", headers=headers)


async def break_artifact(platform: Platform, build_id: str) -> None:
    """Make the stored app fail at import (as a broken generated app would)."""
    url = platform.env["CORE_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    try:
        archive = await conn.fetchval(
            "SELECT archive FROM artifacts WHERE build_id = $1", uuid.UUID(build_id)
        )
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "app/main.py":
                    data = b"raise RuntimeError('the preview app broke at import')\n" + data
                dst.writestr(info, data)
        await conn.execute(
            "UPDATE artifacts SET archive = $1 WHERE build_id = $2",
            out.getvalue(),
            uuid.UUID(build_id),
        )
    finally:
        await conn.close()


@pytest.mark.timeout(600)
async def test_a_crashed_app_reports_its_error_and_logs(
    gw: httpx.AsyncClient, preview_platform: Platform
) -> None:
    headers = await login(gw)
    build_id = await succeeded_build(gw, headers)
    await break_artifact(preview_platform, build_id)
    assert (await gw.post(f"/v1/builds/{build_id}/preview", headers=headers)).status_code == 202
    failed = await wait_status(gw, build_id, headers, "failed", "running")
    assert failed["status"] == "failed"
    assert failed["stop_reason"] == "crashed"
    assert "exited with code" in failed["error"]
    assert "the preview app broke at import" in failed["logs"]
    assert failed["url"] is None
    # A failed preview does not count against the limit: another start is accepted.
    again = await gw.post(f"/v1/builds/{build_id}/preview", headers=headers)
    assert again.status_code == 202


async def alice_runs_bob_queues(
    gw: httpx.AsyncClient,
) -> tuple[dict[str, str], dict[str, str], str, str, dict[str, Any]]:
    """Two users with a succeeded build each; Alice's preview runs and takes the only
    worker's only slot, Bob's is started and waits in the queue."""
    alice, bob = await login(gw), await login(gw)
    a_build, b_build = await succeeded_build(gw, alice), await succeeded_build(gw, bob)
    assert (await gw.post(f"/v1/builds/{a_build}/preview", headers=alice)).status_code == 202
    running = await wait_status(gw, a_build, alice, "running", "failed")
    assert running["status"] == "running", running
    assert (await gw.post(f"/v1/builds/{b_build}/preview", headers=bob)).status_code == 202
    return alice, bob, a_build, b_build, running


@pytest.mark.timeout(900)
async def test_idle_stop_and_the_per_worker_cap(tmp_path: Path) -> None:
    overrides = {
        "CORE_PREVIEW_IDLE_MINUTES": "0.05",  # 3 s without a request
        "CORE_PREVIEW_MAX_PER_WORKER": "1",
    }
    async with (
        launch_platform(tmp_path, overrides=overrides) as plat,
        httpx.AsyncClient(base_url=plat.gateway_url, timeout=30) as gw,
    ):
        alice, bob, a_build, b_build, running = await alice_runs_bob_queues(gw)
        assert (await gw.get(running["url"])).status_code == 200
        waiting = await gw.get(f"/v1/builds/{b_build}/preview", headers=bob)
        assert waiting.json()["status"] == "queued"
        # Nobody uses Alice's: it stops as idle, and Bob's takes the slot.
        stopped = await wait_status(gw, a_build, alice, "stopped", "failed")
        assert stopped["stop_reason"] == "idle"
        assert (await gw.get(running["url"])).status_code == 404
        bobs = await wait_status(gw, b_build, bob, "running", "failed")
        assert bobs["status"] == "running", bobs


@pytest.mark.timeout(900)
async def test_a_full_fleet_fails_a_queued_preview_with_a_clear_reason(tmp_path: Path) -> None:
    overrides = {
        "CORE_PREVIEW_MAX_PER_WORKER": "1",
        "CORE_PREVIEW_MAX_PER_USER": "1",
        "CORE_PREVIEW_QUEUE_SECONDS": "4",
    }
    async with (
        launch_platform(tmp_path, overrides=overrides) as plat,
        httpx.AsyncClient(base_url=plat.gateway_url, timeout=30) as gw,
    ):
        alice, bob, a_build, b_build, _running = await alice_runs_bob_queues(gw)
        # The slot stays Alice's: Bob's waits, then fails.
        failed = await wait_status(gw, b_build, bob, "failed", "running", "stopped")
        assert (failed["status"], failed["stop_reason"]) == ("failed", "no_capacity"), failed
        assert "every worker is running its maximum of previews" in failed["error"]
        assert failed["url"] is None
        # Bob's slot is free again (the per-user limit is 1 here): once Alice's preview
        # stops, his next start is taken.
        assert (await gw.delete(f"/v1/builds/{a_build}/preview", headers=alice)).status_code == 200
        again = await gw.post(f"/v1/builds/{b_build}/preview", headers=bob)
        assert again.status_code == 202, again.text
        bobs = await wait_status(gw, b_build, bob, "running", "failed")
        assert bobs["status"] == "running", bobs
