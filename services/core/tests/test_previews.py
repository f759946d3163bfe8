"""Live previews in core: signed tokens, the API's rules and limits, the claim queue.

Real PostgreSQL and Redis; the app itself running in a sandbox is tested in
``pipeline/test_preview_serve.py`` and end to end in ``tests-e2e/test_previews.py``.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from launchforge_core.models import Build, Preview
from launchforge_core.repositories import previews as repo
from launchforge_core.services.previews import PreviewTokens
from sqlalchemy import update

# --- tokens ------------------------------------------------------------------------------


def test_a_token_opens_only_its_build_for_its_owner_until_it_expires() -> None:
    tokens = PreviewTokens(b"k" * 32, ttl_seconds=600)
    build, owner = uuid.uuid4(), uuid.uuid4()
    token, expires = tokens.mint(build, owner, now=1_000_000)
    assert expires == 1_000_600
    assert tokens.check(token, build, owner, now=1_000_599)
    assert not tokens.check(token, build, owner, now=1_000_601)
    assert not tokens.check(token, uuid.uuid4(), owner, now=1_000_000)
    assert not tokens.check(token, build, uuid.uuid4(), now=1_000_000)
    assert not PreviewTokens(b"x" * 32, 600).check(token, build, owner, now=1_000_000)
    stamp, mac = token.split(".")
    assert not tokens.check(f"{int(stamp) + 1000}.{mac}", build, owner, now=1_000_000)
    for bad in ("", ".", "abc.def", f"{stamp}.", f"-1.{mac}", "9" * 40 + "." + mac):
        assert not tokens.check(bad, build, owner, now=1_000_000)


# --- the API -----------------------------------------------------------------------------


async def _succeed(sessionmaker, build_id: str) -> None:
    async with sessionmaker() as session:
        await session.execute(
            update(Build)
            .where(Build.id == uuid.UUID(build_id))
            .values(status="succeeded", lease_expires_at=None)
        )
        await session.commit()


async def test_start_show_and_stop(client, sessionmaker, alice, bob, make_build) -> None:
    build = await make_build(alice)
    path = f"/v1/builds/{build['id']}/preview"

    not_yet = await client.post(path, headers=alice.headers)
    assert not_yet.status_code == 409
    assert not_yet.headers["content-type"].startswith("application/problem+json")
    assert "succeeded" in not_yet.json()["detail"]
    assert (await client.get(path, headers=alice.headers)).status_code == 404

    await _succeed(sessionmaker, build["id"])
    started = await client.post(path, headers=alice.headers)
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["status"] == "queued"
    assert body["url"].startswith(f"/preview/{build['id']}/")
    again = await client.post(path, headers=alice.headers)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]

    # Bob sees nothing of it: the same 404 as a build that does not exist.
    missing = await client.get(f"/v1/builds/{uuid.uuid4()}/preview", headers=bob.headers)
    for method in ("GET", "POST", "DELETE"):
        answer = await client.request(method, path, headers=bob.headers)
        assert answer.status_code == 404
        assert answer.json()["detail"] == missing.json()["detail"]

    stopped = await client.delete(path, headers=alice.headers)
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped"
    assert stopped.json()["stop_reason"] == "user"
    assert stopped.json()["url"] is None
    shown = (await client.get(path, headers=alice.headers)).json()
    assert shown["status"] == "stopped"


async def test_the_per_user_limit(app, client, sessionmaker, make_user, make_build) -> None:
    user = make_user()
    builds = [await make_build(user) for _ in range(3)]
    for build in builds:
        await _succeed(sessionmaker, build["id"])
    assert app.state.settings.preview_max_per_user == 2
    for build in builds[:2]:
        answer = await client.post(f"/v1/builds/{build['id']}/preview", headers=user.headers)
        assert answer.status_code == 202
    over = await client.post(f"/v1/builds/{builds[2]['id']}/preview", headers=user.headers)
    assert over.status_code == 429
    assert over.json()["limit"] == 2
    # Concurrent starts cannot slip past the count (the owner's lock).
    await client.delete(f"/v1/builds/{builds[0]['id']}/preview", headers=user.headers)
    racing = await asyncio.gather(
        *(
            client.post(f"/v1/builds/{b['id']}/preview", headers=user.headers)
            for b in (builds[0], builds[2])
        )
    )
    assert sorted(r.status_code for r in racing) == [202, 429]
    for build in builds:  # no queued preview is left for a later test's worker
        await client.delete(f"/v1/builds/{build['id']}/preview", headers=user.headers)


async def test_the_kubernetes_sandbox_queues_previews_too(
    make_settings, start_app, sessionmaker, make_user, make_build
) -> None:
    """A worker runs it in a pod of its own (test_preview_worker.py)."""
    from launchforge_core.main import create_app

    user = make_user()
    build = await make_build(user)
    await _succeed(sessionmaker, build["id"])
    async with start_app(create_app(make_settings(sandbox_mode="kubernetes"))) as other:
        answer = await other.post(f"/v1/builds/{build['id']}/preview", headers=user.headers)
        assert answer.status_code == 202, answer.text
        assert answer.json()["status"] == "queued"
        stopped = await other.delete(f"/v1/builds/{build['id']}/preview", headers=user.headers)
        assert stopped.status_code == 200


async def test_the_preview_path_refuses_bad_tokens_with_the_preview_headers(
    client, sessionmaker, alice, make_build
) -> None:
    build = await make_build(alice)
    await _succeed(sessionmaker, build["id"])
    started = (await client.post(f"/v1/builds/{build['id']}/preview", headers=alice.headers)).json()
    # Queued, not running: even its own URL is a 404 until it runs.
    for url in (started["url"], f"/preview/{build['id']}/1.abc/", f"/preview/{uuid.uuid4()}/x/"):
        answer = await client.get(url)
        assert answer.status_code == 404
        assert answer.json()["detail"] == "Preview not found."
        assert answer.headers["content-security-policy"].startswith("sandbox ")
        assert answer.headers["access-control-allow-origin"] == "*"
    await client.delete(f"/v1/builds/{build['id']}/preview", headers=alice.headers)


# --- the claim queue -----------------------------------------------------------------------


async def _park_others(sessionmaker, keep: uuid.UUID) -> None:
    async with sessionmaker() as session:
        await session.execute(
            update(Preview)
            .where(Preview.status.in_(repo.LIVE), Preview.id != keep)
            .values(status="stopped", stop_reason="test")
        )
        await session.commit()


async def test_one_claim_per_preview_and_lost_workers_fail_it(
    client, sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    build = await make_build(user)
    await _succeed(sessionmaker, build["id"])
    made = await client.post(f"/v1/builds/{build['id']}/preview", headers=user.headers)
    preview_id = uuid.UUID(made.json()["id"])
    await _park_others(sessionmaker, preview_id)

    async def claim(worker: str):
        async with sessionmaker() as session:
            got = await repo.claim(
                session, worker_id=worker, internal_url=f"http://{worker}", lease_seconds=30
            )
            await session.commit()
        return got

    claims = [c for c in await asyncio.gather(*(claim(f"w{i}") for i in range(6))) if c]
    assert len(claims) == 1
    preview, claimed_build = claims[0]
    assert preview.id == preview_id
    assert preview.status == "starting"
    assert str(claimed_build.id) == build["id"]
    worker = preview.worker_id
    assert worker is not None

    async with sessionmaker() as session:
        assert await repo.renew(session, worker, [preview_id], lease_seconds=30) == {preview_id}
        assert await repo.renew(session, "someone-else", [preview_id], lease_seconds=30) == set()
        # The worker stops renewing: its lease runs out and the preview is failed once.
        await session.execute(
            update(Preview)
            .where(Preview.id == preview_id)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        assert await repo.fail_lost(session) >= 1
        await session.commit()
        row = await session.get(Preview, preview_id)
    assert row is not None
    assert (row.status, row.stop_reason) == ("failed", "worker_lost")
    shown = await client.get(f"/v1/builds/{build['id']}/preview", headers=user.headers)
    assert "worker" in shown.json()["error"]


async def test_the_owners_stop_wins_over_the_workers_late_writes(
    client, sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    build = await make_build(user)
    await _succeed(sessionmaker, build["id"])
    made = await client.post(f"/v1/builds/{build['id']}/preview", headers=user.headers)
    preview_id = uuid.UUID(made.json()["id"])
    await _park_others(sessionmaker, preview_id)
    async with sessionmaker() as session:
        claimed = await repo.claim(
            session, worker_id="w", internal_url="http://w", lease_seconds=30
        )
        await session.commit()
    assert claimed is not None
    await client.delete(f"/v1/builds/{build['id']}/preview", headers=user.headers)
    async with sessionmaker() as session:
        assert not await repo.update_live(session, preview_id, "w", status="running")
        await repo.finish(
            session,
            preview_id,
            "w",
            status="failed",
            stop_reason="crashed",
            error="late",
            log_tail="the logs",
        )
        await session.commit()
        row = await session.get(Preview, preview_id)
    assert row is not None
    assert (row.status, row.stop_reason, row.error) == ("stopped", "user", None)
    assert row.log_tail == "the logs"


async def _age(sessionmaker, preview_id: uuid.UUID, seconds: float) -> None:
    async with sessionmaker() as session:
        await session.execute(
            update(Preview)
            .where(Preview.id == preview_id)
            .values(created_at=datetime.now(UTC) - timedelta(seconds=seconds))
        )
        await session.commit()


async def test_a_preview_no_worker_takes_fails_as_no_capacity_and_frees_the_slot(
    app, client, sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    builds = [await make_build(user) for _ in range(3)]
    for build in builds:
        await _succeed(sessionmaker, build["id"])
    paths = [f"/v1/builds/{b['id']}/preview" for b in builds]
    made = [(await client.post(p, headers=user.headers)).json() for p in paths[:2]]
    assert (await client.post(paths[2], headers=user.headers)).status_code == 429
    bound = app.state.settings.preview_queue_seconds
    assert bound == 60

    # Just inside the bound: still queued.
    await _age(sessionmaker, uuid.UUID(made[0]["id"]), bound - 5)
    waiting = (await client.get(paths[0], headers=user.headers)).json()
    assert waiting["status"] == "queued"

    # Past it: failed with the reason and a message the page shows, no URL.
    await _age(sessionmaker, uuid.UUID(made[0]["id"]), bound + 1)
    shown = await client.get(paths[0], headers=user.headers)
    assert shown.status_code == 200
    body = shown.json()
    assert (body["status"], body["stop_reason"]) == ("failed", "no_capacity")
    assert "every worker is running its maximum of previews" in body["error"]
    assert body["url"] is None
    assert body["stopped_at"] is not None
    # Its slot is free: the third build starts.
    third = await client.post(paths[2], headers=user.headers)
    assert third.status_code == 202, third.text

    # A start also fails the owner's expired previews first, without any GET or worker.
    await _age(sessionmaker, uuid.UUID(made[1]["id"]), bound + 1)
    again = await client.post(paths[0], headers=user.headers)
    assert again.status_code == 202, again.text
    async with sessionmaker() as session:
        second = await session.get(Preview, uuid.UUID(made[1]["id"]))
    assert second is not None
    assert (second.status, second.stop_reason) == ("failed", "no_capacity")
    for path in paths:
        await client.delete(path, headers=user.headers)


async def test_workers_fail_only_previews_queued_past_the_bound(
    make_settings, client, sessionmaker, make_user, make_build
) -> None:
    from launchforge_core.pipeline import PipelineSettings
    from launchforge_core.worker.previews import PreviewManager

    user = make_user()
    ids = []
    for _ in range(2):
        build = await make_build(user)
        await _succeed(sessionmaker, build["id"])
        made = await client.post(f"/v1/builds/{build['id']}/preview", headers=user.headers)
        ids.append(uuid.UUID(made.json()["id"]))
    old, fresh = ids
    await _age(sessionmaker, old, 61)
    # A worker with no slots at all (as when every worker is full) still fails it.
    manager = PreviewManager(
        make_settings(preview_max_per_worker=0),
        sessionmaker,
        PipelineSettings(),
        worker_id="full",
        mode="process",
    )
    assert manager.cap == 0
    await manager.tick()
    async with sessionmaker() as session:
        rows = {pid: await session.get(Preview, pid) for pid in ids}
    assert (rows[old].status, rows[old].stop_reason) == ("failed", "no_capacity")
    assert rows[fresh].status == "queued"
    # A claimed preview is never failed by the bound, however old its row.
    await _age(sessionmaker, fresh, 600)
    async with sessionmaker() as session:
        await session.execute(update(Preview).where(Preview.id == fresh).values(status="starting"))
        assert await repo.fail_unclaimed(session, queue_seconds=60, preview_id=fresh) == 0
        await session.execute(update(Preview).where(Preview.id == fresh).values(status="queued"))
        await session.commit()
    await client.delete(f"/v1/builds/{rows[fresh].build_id}/preview", headers=user.headers)


def test_replicas_sharing_the_internal_token_sign_alike(make_settings) -> None:
    build, owner = uuid.uuid4(), uuid.uuid4()
    one = PreviewTokens.from_settings(make_settings(internal_token="shared-internal-token"))
    two = PreviewTokens.from_settings(make_settings(internal_token="shared-internal-token"))
    token, _ = one.mint(build, owner)
    assert two.check(token, build, owner)
    assert one.secret != b"shared-internal-token"  # derived, not the token itself
    other = PreviewTokens.from_settings(make_settings(internal_token="another-internal-token"))
    assert not other.check(token, build, owner)
    configured = PreviewTokens.from_settings(make_settings(preview_token_secret="s" * 32))
    assert configured.secret == b"s" * 32
    lone = PreviewTokens.from_settings(make_settings())
    assert not lone.check(token, build, owner)


async def test_a_dot_segment_never_reaches_another_preview_on_the_worker(
    make_settings, serve_app, sessionmaker, make_user, make_build, client
) -> None:
    """The worker's URL is ``{internal}/{preview_id}/{path}``; httpx would fold
    ``x/../../<other id>`` into another preview's. Sent raw (no client-side
    normalisation), such a path is a 404 and the worker sees nothing."""
    import http.client

    from launchforge_core.main import create_app
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    seen: list[str] = []

    async def record(request):  # type: ignore[no-untyped-def]
        seen.append(request.url.path)
        return PlainTextResponse("from the app")

    # A stand-in for the worker's preview server: it records what reaches it.
    worker = Starlette(routes=[Route("/{rest:path}", record)])

    user = make_user()
    build = await make_build(user)
    await _succeed(sessionmaker, build["id"])
    settings = make_settings(internal_token="dot-segment-test-internal-token")

    async with serve_app(worker) as fake_worker, serve_app(create_app(settings)) as core:
        async with httpx.AsyncClient(base_url=core.url) as api:
            path = f"/v1/builds/{build['id']}/preview"
            started = await api.post(path, headers=user.headers)
        preview_id = uuid.UUID(started.json()["id"])
        url = started.json()["url"]
        await _park_others(sessionmaker, preview_id)
        async with sessionmaker() as session:
            claimed = await repo.claim(
                session, worker_id="w", internal_url=fake_worker.url, lease_seconds=30
            )
            assert claimed is not None
            assert await repo.update_live(session, preview_id, "w", status="running")
            await session.commit()

        def raw_get(path: str) -> tuple[int, bytes]:
            host, port = core.url.removeprefix("http://").split(":")
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            try:
                conn.request("GET", path)
                answer = conn.getresponse()
                return answer.status, answer.read()
            finally:
                conn.close()

        status, body = await asyncio.to_thread(raw_get, f"{url}api/items")
        assert (status, body) == (200, b"from the app"), body
        assert seen == [f"/{preview_id}/api/items"]

        other = uuid.uuid4()
        for path in (f"{url}x/../../{other}/api/items", f"{url}../{other}/", f"{url}./api"):
            status, body = await asyncio.to_thread(raw_get, path)
            assert status == 404, (path, body)
        assert seen == [f"/{preview_id}/api/items"]
        async with httpx.AsyncClient(base_url=core.url) as api:
            await api.delete(path, headers=user.headers)
