"""The worker's side of previews, in process: claim under the cap, serve through the
internal server (token required), write the logs, stop at the hard maximum.

A real app in the real bubblewrap sandbox, real PostgreSQL; the API and the
gateway around it are covered end to end in ``tests-e2e/test_previews.py``.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from launchforge_core.models import Artifact, Build, Preview
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.repositories import previews as repo
from launchforge_core.worker.previews import PreviewManager, internal_server
from sqlalchemy import update

TOKEN = "internal-token-for-preview-tests"


async def _noop(_event: object) -> None:
    return None


@pytest.fixture(scope="module")
async def generated() -> tuple[bytes, dict]:
    result = await run_pipeline(
        BuildInput(idea="A list of my houseplants and their rooms"),
        llm=None,
        emit=_noop,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert result.archive is not None
    assert result.spec is not None
    return result.archive, result.spec


async def _queued_preview(
    client, sessionmaker, user, make_build, archive, spec, keep: frozenset[uuid.UUID] = frozenset()
) -> uuid.UUID:
    build = await make_build(user)
    build_id = uuid.UUID(build["id"])
    async with sessionmaker() as session:
        await session.execute(
            update(Build).where(Build.id == build_id).values(status="succeeded", spec=spec)
        )
        session.add(
            Artifact(
                build_id=build_id, archive=archive, size=len(archive), sha256="0" * 64, files=[]
            )
        )
        await session.commit()
    made = await client.post(f"/v1/builds/{build_id}/preview", headers=user.headers)
    assert made.status_code == 202, made.text
    preview_id = uuid.UUID(made.json()["id"])
    async with sessionmaker() as session:  # only ours is claimable here
        await session.execute(
            update(Preview)
            .where(Preview.status.in_(repo.LIVE), Preview.id.not_in([preview_id, *keep]))
            .values(status="stopped", stop_reason="test")
        )
        await session.commit()
    return preview_id


async def _until(sessionmaker, manager, preview_id, *statuses) -> Preview:
    for _ in range(600):
        await manager.tick()
        async with sessionmaker() as session:
            row = await session.get(Preview, preview_id)
        assert row is not None
        if row.status in statuses:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"preview stayed {row.status}")


async def test_claim_serve_and_stop_at_the_maximum(
    make_settings, sessionmaker, client, make_user, make_build, generated
) -> None:
    archive, spec = generated
    preview_id = await _queued_preview(client, sessionmaker, make_user(), make_build, archive, spec)
    settings = make_settings(internal_token=TOKEN, preview_max_per_worker=1)
    manager = PreviewManager(
        settings, sessionmaker, PipelineSettings(), worker_id="w-test", mode="bubblewrap"
    )
    async with internal_server(manager) as url:
        try:
            row = await _until(sessionmaker, manager, preview_id, "running", "failed")
            assert row.status == "running", (row.error, row.log_tail)
            assert row.worker_id == "w-test"
            assert row.internal_url == url
            assert "sample records created" in (row.log_tail or "")
            async with httpx.AsyncClient(base_url=url) as http:
                # Without the internal token nobody gets through.
                refused = await http.get(f"/{preview_id}/")
                assert refused.status_code == 403
                wrong = await http.get(f"/{preview_id}/", headers={"X-Internal-Token": "nope"})
                assert wrong.status_code == 403
                page = await http.get(f"/{preview_id}/", headers={"X-Internal-Token": TOKEN})
                assert page.status_code == 200
                assert "static/app.js" in page.text
                other = await http.get(f"/{uuid.uuid4()}/", headers={"X-Internal-Token": TOKEN})
                assert other.status_code == 404
            # At the cap (1) a second preview waits in the queue while this one runs.
            second = await _queued_preview(
                client,
                sessionmaker,
                make_user(),
                make_build,
                archive,
                spec,
                frozenset({preview_id}),
            )
            for _ in range(3):
                await manager.tick()
            async with sessionmaker() as session:
                waiting = await session.get(Preview, second)
            assert waiting is not None
            assert waiting.status == "queued"
            assert list(manager.live) == [preview_id]
            # The hard maximum: however busy, it ends.
            manager.settings = make_settings(
                internal_token=TOKEN, preview_max_per_worker=1, preview_max_minutes=0.0001
            )
            row = await _until(sessionmaker, manager, preview_id, "stopped", "failed")
            assert (row.status, row.stop_reason) == ("stopped", "max")
            assert preview_id not in manager.live
            # The freed slot goes to the waiting one.
            manager.settings = settings
            row = await _until(sessionmaker, manager, second, "running", "failed")
            assert row.status == "running", (row.error, row.log_tail)
        finally:
            await manager.shutdown()


async def test_under_kubernetes_the_worker_runs_previews_in_pods(
    make_settings, sessionmaker, client, make_user, make_build, generated, cluster
) -> None:
    """The app runs in a pod (the stand-in cluster's); the worker proxies to its address,
    writes its logs, reports its crash, and deletes its Job when it ends."""
    archive, spec = generated
    user = make_user()
    preview_id = await _queued_preview(client, sessionmaker, user, make_build, archive, spec)
    settings = make_settings(internal_token=TOKEN, preview_max_per_worker=2)
    manager = PreviewManager(
        settings, sessionmaker, cluster.settings, worker_id="w-k8s", mode="kubernetes"
    )
    assert manager.cap == 2
    async with internal_server(manager) as url:
        try:
            row = await _until(sessionmaker, manager, preview_id, "running", "failed")
            assert row.status == "running", (row.error, row.log_tail)
            (job,) = cluster.jobs
            assert job.startswith("lf-preview-")
            assert "sample records created" in (row.log_tail or "")
            async with httpx.AsyncClient(base_url=url) as http:
                page = await http.get(f"/{preview_id}/", headers={"X-Internal-Token": TOKEN})
                assert page.status_code == 200
                assert "static/app.js" in page.text
            # The owner stops it: the next round deletes its Job.
            build_id = row.build_id
            stopped = await client.delete(f"/v1/builds/{build_id}/preview", headers=user.headers)
            assert stopped.status_code == 200
            await manager.tick()
            assert f"job/{job}" in cluster.deleted
            assert cluster.jobs == {}
            assert manager.live == {}
            # A second one crashes in its pod: reported as crashed, with its logs kept.
            second = await _queued_preview(
                client, sessionmaker, user, make_build, archive, spec, frozenset({preview_id})
            )
            row = await _until(sessionmaker, manager, second, "running", "failed")
            assert row.status == "running", (row.error, row.log_tail)
            (job,) = cluster.jobs
            cluster.kill(job)
            row = await _until(sessionmaker, manager, second, "failed", "stopped")
            assert (row.status, row.stop_reason) == ("failed", "crashed")
            assert row.error == "The app exited with code 137; see its logs."
            assert "sample records created" in (row.log_tail or "")
            assert f"job/{job}" in cluster.deleted
            # A third reaches its Job's deadline (the maximum when it started) while this
            # worker's own clock would let it run: the cluster ended it, at the maximum.
            third = await _queued_preview(
                client, sessionmaker, user, make_build, archive, spec, frozenset({second})
            )
            manager.settings = make_settings(
                internal_token=TOKEN, preview_max_per_worker=2, preview_max_minutes=0.1
            )
            row = await _until(sessionmaker, manager, third, "running", "failed")
            assert row.status == "running", (row.error, row.log_tail)
            (job,) = cluster.jobs
            assert cluster.jobs[job]["spec"]["activeDeadlineSeconds"] == 6
            manager.settings = settings
            row = await _until(sessionmaker, manager, third, "stopped", "failed")
            assert (row.status, row.stop_reason) == ("stopped", "max")
        finally:
            await manager.shutdown()


async def test_production_refuses_an_open_preview_server(make_settings, sessionmaker) -> None:
    open_settings = make_settings(
        environment="production",
        key_encryption_keys="k1:" + "A" * 43 + "=",
        preview_internal_host="0.0.0.0",  # noqa: S104 - what is refused here
    )
    manager = PreviewManager(
        open_settings, sessionmaker, PipelineSettings(), worker_id="p", mode="bubblewrap"
    )
    assert manager.cap == 0
