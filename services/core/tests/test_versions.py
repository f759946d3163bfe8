"""Versions: numbering, the current version, pagination, diff, restore, download, isolation.

Builds are run by a real in-process worker whose pipeline is a stand-in that
returns a zip the test chose (``FixedPipeline``), so what a diff or a restore
must show is known exactly. Everything else (PostgreSQL, Redis, the cache,
the worker's fenced finish) is real.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from launchforge_core.models import BuildEvent
from launchforge_core.pipeline.types import PipelineResult, StageRecord
from launchforge_core.repositories import versions as version_repo
from launchforge_core.services.diff import diff_archives
from sqlalchemy import select

PROBLEM = "application/problem+json"

SPEC_V1 = {
    "name": "Books",
    "entities": [{"name": "Book", "fields": [{"name": "title", "type": "string"}]}],
    "relations": [],
}
SPEC_V2 = {
    "name": "Books",
    "entities": [
        {
            "name": "Book",
            "fields": [{"name": "title", "type": "string"}, {"name": "rating", "type": "integer"}],
        },
        {"name": "Note", "fields": [{"name": "text", "type": "text"}]},
    ],
    "relations": [{"from": "Note", "to": "Book"}],
}


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path, content in files.items():
            zf.writestr(path, content)
    return buffer.getvalue()


FILES_V1 = {
    "README.md": b"# Books\n",
    "app/models.py": b"class Book:\n    title: str\n",
    "old.txt": b"going away\n",
    "logo.bin": b"\x89PNG\x00\x01",
}
FILES_V2 = {
    "README.md": b"# Books\n",
    "app/models.py": b"class Book:\n    title: str\n    rating: int\n",
    "new.txt": b"brand new\n",
    "logo.bin": b"\x89PNG\x00\x02",
}


class FixedPipeline:
    """A pipeline stand-in: succeeds (or fails) at once with the given files and spec."""

    def __init__(
        self, files: dict[str, bytes], spec: dict[str, Any] | None, *, ok: bool = True
    ) -> None:
        self.files, self.spec, self.ok = files, spec, ok

    async def __call__(self, inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        now = datetime.now(UTC)
        return PipelineResult(
            status="succeeded" if self.ok else "failed",
            error=None if self.ok else "the stand-in failed",
            stages=[StageRecord("spec", now, now, "succeeded" if self.ok else "failed")],
            spec=self.spec,
            files=self.files,
            archive=make_zip(self.files) if self.ok else None,
            manifest={"generator": "fixed"},
            generator="fixed/1",
            usage={"input_tokens": 0, "output_tokens": 0},
        )


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


class Versions:
    """Helpers bound to the test's fixtures."""

    def __init__(self, client, make_build, make_project, make_job_context, run_build_to_end):
        self.client = client
        self.make_build = make_build
        self.make_project = make_project
        self.make_job_context = make_job_context
        self.run_build_to_end = run_build_to_end

    async def build(
        self,
        user,
        project_id: str,
        files: dict[str, bytes] | None = None,
        spec: dict[str, Any] | None = None,
        *,
        ok: bool = True,
        **body: Any,
    ) -> dict[str, Any]:
        build = await self.make_build(user, project_id, **body)
        ctx = self.make_job_context(
            run_pipeline=FixedPipeline(files or FILES_V1, spec or SPEC_V1, ok=ok)
        )
        row = await self.run_build_to_end(ctx, build["id"])
        assert row.status == ("succeeded" if ok else "failed"), row.error
        return build

    async def project(self, user, project_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/projects/{project_id}", headers=user.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def list(self, user, project_id: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(
            f"/v1/projects/{project_id}/versions", params=params, headers=user.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def v(client, make_build, make_project, make_job_context, run_build_to_end) -> Versions:
    return Versions(client, make_build, make_project, make_job_context, run_build_to_end)


# --- numbering and the current version -----------------------------------------------------


async def test_two_builds_at_once_get_distinct_versions(client, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    body = {"idea": "A tracker for books I have read"}
    responses = await asyncio.gather(
        *(
            client.post(f"/v1/projects/{project_id}/builds", json=body, headers=user.headers)
            for _ in range(2)
        )
    )
    assert [r.status_code for r in responses] == [202, 202]
    assert sorted(r.json()["version"] for r in responses) == [1, 2]
    assert {r.json()["origin"] for r in responses} == {"idea"}


async def test_current_moves_on_success_and_not_on_failure(v, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    # Primed in the cache before anything succeeds: the worker must invalidate it.
    before = await v.project(user, project_id)
    assert before["current_build_id"] is None
    assert before["current_version"] is None

    first = await v.build(user, project_id)
    after_first = await v.project(user, project_id)
    assert after_first["current_build_id"] == first["id"]
    assert after_first["current_version"] == 1

    await v.build(user, project_id, ok=False)
    after_failure = await v.project(user, project_id)
    assert after_failure["current_build_id"] == first["id"]
    assert after_failure["current_version"] == 1

    third = await v.build(user, project_id, FILES_V2, SPEC_V2)
    after_third = await v.project(user, project_id)
    assert after_third["current_build_id"] == third["id"]
    assert after_third["current_version"] == 3

    listed = await v.client.get("/v1/projects", headers=user.headers)
    assert listed.json()["items"][0]["current_version"] == 3


async def test_a_lower_version_succeeding_later_does_not_take_current(
    client, make_user, make_build, make_project, sessionmaker
) -> None:
    user = make_user()
    project_id = await make_project(user)
    low = await make_build(user, project_id)
    high = await make_build(user, project_id)
    pid, low_id, high_id = uuid.UUID(project_id), uuid.UUID(low["id"]), uuid.UUID(high["id"])
    async with sessionmaker() as session:
        assert await version_repo.promote_if_newer(
            session, project_id=pid, build_id=high_id, version=2
        )
        assert not await version_repo.promote_if_newer(
            session, project_id=pid, build_id=low_id, version=1
        )
        await session.commit()
    project = (await client.get(f"/v1/projects/{project_id}", headers=user.headers)).json()
    assert project["current_build_id"] == high["id"]
    assert project["current_version"] == 2


# --- listing ------------------------------------------------------------------------------


async def test_versions_are_listed_newest_first_with_their_summary(
    v, make_user, make_project
) -> None:
    user = make_user()
    project_id = await make_project(user)
    first = await v.build(user, project_id, idea="A tracker for books I have read")
    second = await v.build(user, project_id, FILES_V2, SPEC_V2)
    await v.build(user, project_id, ok=False)

    page = await v.list(user, project_id, limit=2)
    assert [item["version"] for item in page["items"]] == [3, 2]
    failed, current = page["items"]
    assert failed["status"] == "failed"
    assert failed["download_url"] is None
    assert failed["spec_summary"] is None  # never built: no artifact, no spec given
    assert failed["is_current"] is False
    assert current["build_id"] == second["id"]
    assert current["is_current"] is True
    assert current["origin"] == "idea"
    assert current["parent_version"] is None
    assert current["spec_summary"] == {
        "entities": ["Book", "Note"],
        "entity_count": 2,
        "field_count": 3,
        "relation_count": 1,
    }
    assert current["download_url"] == f"/v1/projects/{project_id}/versions/2/download"
    assert current["finished_at"] is not None
    assert page["next_cursor"]

    rest = await v.list(user, project_id, limit=2, cursor=page["next_cursor"])
    assert [item["version"] for item in rest["items"]] == [1]
    assert rest["next_cursor"] is None
    only = rest["items"][0]
    assert only["build_id"] == first["id"]
    assert only["request"] == "A tracker for books I have read"
    assert only["spec_summary"]["entities"] == ["Book"]

    one = await v.client.get(f"/v1/projects/{project_id}/versions/2", headers=user.headers)
    assert one.status_code == 200
    assert one.json() == current


async def test_bad_cursors_and_missing_versions(client, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    for cursor in ("nope!", "djF8MQ", "eHwxMjM", "dnwtMQ"):  # junk, "v1|1", "x|123", "v|-1"
        response = await client.get(
            f"/v1/projects/{project_id}/versions", params={"cursor": cursor}, headers=user.headers
        )
        assert_problem(response, 400)
    empty = await client.get(f"/v1/projects/{project_id}/versions", headers=user.headers)
    assert empty.json() == {"items": [], "next_cursor": None}
    missing = await client.get(f"/v1/projects/{project_id}/versions/7", headers=user.headers)
    assert_problem(missing, 404)
    zero = await client.get(f"/v1/projects/{project_id}/versions/0", headers=user.headers)
    assert zero.status_code == 422


# --- diff -----------------------------------------------------------------------------------


async def test_diff_lists_added_removed_and_changed_files(v, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    first = await v.build(user, project_id)
    second = await v.build(user, project_id, FILES_V2, SPEC_V2)

    by_id = await v.client.get(
        f"/v1/projects/{project_id}/diff",
        params={"from": first["id"], "to": second["id"]},
        headers=user.headers,
    )
    assert by_id.status_code == 200, by_id.text
    body = by_id.json()
    assert body["from"] == {"build_id": first["id"], "version": 1}
    assert body["to"] == {"build_id": second["id"], "version": 2}
    assert body["unchanged"] == 1  # README.md
    assert body["truncated"] is False
    files = {f["path"]: f for f in body["files"]}
    assert {p: f["status"] for p, f in files.items()} == {
        "app/models.py": "changed",
        "logo.bin": "changed",
        "new.txt": "added",
        "old.txt": "removed",
    }
    models = files["app/models.py"]["diff"]
    assert models.startswith("--- v1/app/models.py\n+++ v2/app/models.py\n")
    assert "+    rating: int\n" in models
    assert files["logo.bin"]["diff"] is None  # binary
    assert "+brand new\n" in files["new.txt"]["diff"]
    assert "-going away\n" in files["old.txt"]["diff"]

    by_number = await v.client.get(
        f"/v1/projects/{project_id}/diff",
        params={"from_version": 1, "to_version": 2},
        headers=user.headers,
    )
    assert by_number.json() == body


async def test_diff_refuses_what_it_cannot_compare(v, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    first = await v.build(user, project_id)
    failed = await v.build(user, project_id, ok=False)
    url = f"/v1/projects/{project_id}/diff"

    no_artifact = await v.client.get(
        url, params={"from": first["id"], "to": failed["id"]}, headers=user.headers
    )
    assert_problem(no_artifact, 409)
    assert_problem(await v.client.get(url, params={"from": first["id"]}, headers=user.headers), 400)
    both = await v.client.get(
        url, params={"from": first["id"], "from_version": 1, "to_version": 1}, headers=user.headers
    )
    assert_problem(both, 400)
    unknown = await v.client.get(
        url, params={"from": first["id"], "to": str(uuid.uuid4())}, headers=user.headers
    )
    assert_problem(unknown, 404)
    # A build of another project of the same user is not a version of this one.
    other_project = await v.make_project(user)
    elsewhere = await v.make_build(user, other_project)
    foreign = await v.client.get(
        url, params={"from": first["id"], "to": elsewhere["id"]}, headers=user.headers
    )
    assert_problem(foreign, 404)
    bad = await v.client.get(url, params={"from": "x", "to": "y"}, headers=user.headers)
    assert bad.status_code == 422


def test_diff_truncates_past_its_cap_and_skips_large_files() -> None:
    old = {f"f{i}.txt": b"a\n" * 50 for i in range(5)} | {"big.txt": b"x\n" * 1000}
    new = {f"f{i}.txt": b"b\n" * 50 for i in range(5)} | {"big.txt": b"y\n" * 1000}

    def index(files: dict[str, bytes]) -> list[dict[str, Any]]:
        import hashlib

        return [{"path": p, "sha256": hashlib.sha256(c).hexdigest()} for p, c in files.items()]

    result = diff_archives(
        make_zip(old),
        make_zip(new),
        index(old),
        index(new),
        max_file_bytes=1000,
        max_total_chars=600,
    )
    by_path = {f.path: f for f in result.files}
    assert by_path["big.txt"].diff is None  # over max_file_bytes
    texts = [by_path[f"f{i}.txt"].diff for i in range(5)]
    assert texts[0] is not None  # the first one fits (about 320 characters)
    assert texts[1:] == [None] * 4
    assert result.truncated is True
    assert sum(len(t) for t in texts if t) <= 600


def test_diff_lines_stay_lines_without_a_final_newline() -> None:
    old, new = {"a.txt": b"one\r\ntwo"}, {"a.txt": b"one\r\nthree"}

    def index(files: dict[str, bytes]) -> list[dict[str, Any]]:
        return [{"path": p, "sha256": str(hash(c))} for p, c in files.items()]

    result = diff_archives(make_zip(old), make_zip(new), index(old), index(new))
    assert result.files[0].diff == (
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n"
    )


# --- restore --------------------------------------------------------------------------------


async def test_restore_makes_a_new_current_version_and_keeps_the_others(
    v, make_user, make_project, sessionmaker
) -> None:
    user = make_user()
    project_id = await make_project(user, name="My Book Shelf")
    first = await v.build(user, project_id)
    second = await v.build(user, project_id, FILES_V2, SPEC_V2)
    await v.build(user, project_id, ok=False)  # the month's third and last build
    usage_before = (await v.client.get("/v1/usage", headers=user.headers)).json()
    assert usage_before["remaining"] == 0
    await v.project(user, project_id)  # cached with version 2 current

    restored = await v.client.post(
        f"/v1/projects/{project_id}/versions/1/restore", headers=user.headers
    )
    assert restored.status_code == 201, restored.text
    build = restored.json()
    assert restored.headers["location"] == f"/v1/builds/{build['id']}"
    assert build["version"] == 4
    assert build["origin"] == "restore"
    assert build["parent_id"] == first["id"]
    assert build["status"] == "succeeded"
    assert build["idea"] == first["idea"]
    assert build["finished_at"] is not None

    # Nothing charged, nothing deleted, the copy is current.
    usage_after = (await v.client.get("/v1/usage", headers=user.headers)).json()
    assert usage_after["used"] == usage_before["used"]
    project = await v.project(user, project_id)
    assert project["current_build_id"] == build["id"]
    assert project["current_version"] == 4
    listed = await v.list(user, project_id)
    assert [item["version"] for item in listed["items"]] == [4, 3, 2, 1]
    assert [item["is_current"] for item in listed["items"]] == [True, False, False, False]
    assert listed["items"][0]["parent_version"] == 1
    assert listed["items"][0]["spec_summary"]["entities"] == ["Book"]
    assert listed["items"][2]["build_id"] == second["id"]

    # Byte-identical artifact, served under the version's own name.
    one = await v.client.get(f"/v1/projects/{project_id}/versions/1/download", headers=user.headers)
    four = await v.client.get(
        f"/v1/projects/{project_id}/versions/4/download", headers=user.headers
    )
    assert one.status_code == four.status_code == 200
    assert one.content == four.content
    assert one.headers["content-type"] == "application/zip"
    assert four.headers["content-disposition"] == 'attachment; filename="my-book-shelf-v4.zip"'
    assert (
        zipfile.ZipFile(io.BytesIO(four.content)).read("app/models.py")
        == (FILES_V1["app/models.py"])
    )
    by_build = await v.client.get(f"/v1/builds/{build['id']}/download", headers=user.headers)
    assert by_build.content == one.content

    # SSE clients see it finished: its only event is the terminal status.
    async with sessionmaker() as session:
        events = list(
            (
                await session.execute(
                    select(BuildEvent).where(BuildEvent.build_id == uuid.UUID(build["id"]))
                )
            ).scalars()
        )
    assert [(e.seq, e.kind, e.status) for e in events] == [(1, "status", "succeeded")]
    assert events[0].data["restored_from"] == 1


async def test_only_a_succeeded_version_can_be_restored(v, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    await v.build(user, project_id, ok=False)
    refused = await v.client.post(
        f"/v1/projects/{project_id}/versions/1/restore", headers=user.headers
    )
    assert_problem(refused, 409)
    missing = await v.client.post(
        f"/v1/projects/{project_id}/versions/9/restore", headers=user.headers
    )
    assert_problem(missing, 404)
    listed = await v.list(user, project_id)
    assert [item["version"] for item in listed["items"]] == [1]


async def test_two_restores_at_once_make_two_versions(v, make_user, make_project) -> None:
    user = make_user()
    project_id = await make_project(user)
    await v.build(user, project_id)
    url = f"/v1/projects/{project_id}/versions/1/restore"
    answers = await asyncio.gather(*(v.client.post(url, headers=user.headers) for _ in range(2)))
    assert [a.status_code for a in answers] == [201, 201]
    assert sorted(a.json()["version"] for a in answers) == [2, 3]
    project = await v.project(user, project_id)
    assert project["current_version"] in (2, 3)
    listed = await v.list(user, project_id)
    assert [item["version"] for item in listed["items"]] == [3, 2, 1]


async def test_restoring_a_queued_build_is_refused(client, make_user, make_build) -> None:
    user = make_user()
    build = await make_build(user)
    response = await client.post(
        f"/v1/projects/{build['project_id']}/versions/1/restore", headers=user.headers
    )
    body = assert_problem(response, 409)
    assert body["status_value"] == "queued"


# --- isolation ------------------------------------------------------------------------------


async def test_another_users_versions_are_404_everywhere(v, make_user, make_project) -> None:
    owner, other = make_user(), make_user()
    project_id = await make_project(owner)
    first = await v.build(owner, project_id)
    base = f"/v1/projects/{project_id}"
    missing_project = f"/v1/projects/{uuid.uuid4()}"
    bodies = []
    for prefix in (base, missing_project):
        for method, path, params in (
            ("GET", "/versions", {}),
            ("GET", "/versions/1", {}),
            ("GET", "/versions/1/download", {}),
            ("POST", "/versions/1/restore", {}),
            ("GET", "/diff", {"from": first["id"], "to": first["id"]}),
            ("GET", "/diff", {"from_version": 1, "to_version": 1}),
        ):
            response = await v.client.request(
                method, prefix + path, params=params, headers=other.headers
            )
            body = assert_problem(response, 404)
            bodies.append((path, body["detail"]))
    half = len(bodies) // 2
    assert bodies[:half] == bodies[half:]  # same body as a missing project
    listed = await v.list(owner, project_id)
    assert [item["version"] for item in listed["items"]] == [1]  # the failed restore made none


async def test_an_older_build_finishing_after_a_restore_does_not_take_current(
    v, make_user, make_project
) -> None:
    user = make_user()
    project_id = await make_project(user)
    await v.build(user, project_id)
    pending = await v.make_build(user, project_id)  # version 2, still queued
    restored = await v.client.post(
        f"/v1/projects/{project_id}/versions/1/restore", headers=user.headers
    )
    assert restored.json()["version"] == 3
    ctx = v.make_job_context(run_pipeline=FixedPipeline(FILES_V2, SPEC_V2))
    row = await v.run_build_to_end(ctx, pending["id"])
    assert row.status == "succeeded"
    project = await v.project(user, project_id)
    assert project["current_version"] == 3
    listed = await v.list(user, project_id)
    assert [(i["version"], i["status"], i["is_current"]) for i in listed["items"]] == [
        (3, "succeeded", True),
        (2, "succeeded", False),
        (1, "succeeded", False),
    ]
