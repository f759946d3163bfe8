"""Artifacts: zip download, file tree, file contents, and no way out of the tree."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import stat
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from launchforge_core.pipeline.types import PipelineResult, StageRecord
from launchforge_core.services.artifacts import PostgresArtifactStore, is_safe_path

BINARY = bytes(range(256)) * 4
FILES = {
    "README.md": b"# Book tracker\n",
    "app/main.py": b"print('hello')\n",
    "app/static/logo.bin": BINARY,
    "tests/test_api.py": b"def test_ok():\n    assert True\n",
}


def make_zip(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in entries.items():
            zf.writestr(path, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def pipeline_returning(archive: bytes):
    async def run(inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        now = datetime.now(UTC)
        return PipelineResult(
            status="succeeded",
            error=None,
            stages=[StageRecord("package", now, now, "succeeded")],
            spec={},
            files={},
            archive=archive,
            manifest={"files": len(FILES)},
            generator="test-archive/1",
            usage={},
        )

    return run


@pytest.fixture(scope="module")
async def finished(app, client, mint, make_job_context, run_build_to_end) -> dict[str, Any]:
    user_id = uuid.uuid4()
    headers = {"Authorization": f"Bearer {mint(str(user_id))}"}
    project = await client.post("/v1/projects", json={"name": "files"}, headers=headers)
    build = await client.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": "A book tracker with notes"},
        headers=headers,
    )
    build_id = build.json()["id"]
    ctx = make_job_context(run_pipeline=pipeline_returning(make_zip(FILES)))
    row = await run_build_to_end(ctx, build_id)
    assert row.status == "succeeded", row.error
    return {"id": build_id, "headers": headers}


async def test_download_streams_the_zip(client, finished) -> None:
    response = await client.get(
        f"/v1/builds/{finished['id']}/download", headers=finished["headers"]
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="launchforge-build-{finished["id"]}.zip"'
    )
    assert int(response.headers["content-length"]) == len(response.content)
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == FILES


async def test_file_tree_lists_paths_sizes_and_hashes(client, finished) -> None:
    response = await client.get(f"/v1/builds/{finished['id']}/files", headers=finished["headers"])
    assert response.status_code == 200
    tree = response.json()["files"]
    assert tree == [
        {"path": p, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for p, d in sorted(FILES.items())
    ]


async def test_file_contents_and_types(client, finished) -> None:
    base = f"/v1/builds/{finished['id']}/files"
    text = await client.get(f"{base}/app/main.py", headers=finished["headers"])
    assert text.status_code == 200
    assert text.content == FILES["app/main.py"]
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["x-content-type-options"] == "nosniff"
    binary = await client.get(f"{base}/app/static/logo.bin", headers=finished["headers"])
    assert binary.headers["content-type"] == "application/octet-stream"
    assert binary.content == BINARY
    missing = await client.get(f"{base}/app/nope.py", headers=finished["headers"])
    assert missing.status_code == 404


async def test_other_users_cannot_read_the_artifact(client, finished, make_user) -> None:
    stranger = make_user()
    for suffix in ("download", "files", "files/README.md", "events"):
        response = await client.get(
            f"/v1/builds/{finished['id']}/{suffix}", headers=stranger.headers
        )
        assert response.status_code == 404, suffix


async def raw_get(url: str, raw_path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Send the path bytes exactly as written (clients would normalise ``..`` away)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = f"GET {raw_path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode("latin-1"))
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data


TRAVERSALS = [
    "../../../../etc/passwd",
    "app/../README.md",
    "./README.md",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "%252e%252e/%252e%252e/etc/passwd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "..%5C..%5Cetc%5Cpasswd",
    "app%5Cmain.py",
    "README.md%00.txt",
    "README.md%00",
    "APP/MAIN.PY",
    "app//main.py",
    "C:%5Cwindows%5Cwin.ini",
]


async def test_path_traversal_is_impossible(app, serve_app, finished) -> None:
    from launchforge_core.main import create_app

    async with serve_app(create_app(app.state.settings)) as live:
        for variant in TRAVERSALS:
            status, body = await raw_get(
                live.url, f"/v1/builds/{finished['id']}/files/{variant}", finished["headers"]
            )
            assert status in (400, 404), (variant, status)
            assert b"root:" not in body
            assert b"Book tracker" not in body
        ok, body = await raw_get(
            live.url, f"/v1/builds/{finished['id']}/files/README.md", finished["headers"]
        )
        assert ok == 200
        assert body.endswith(FILES["README.md"])


@pytest.mark.parametrize(
    "path",
    ["a/../b", "../x", "/abs", "a\\b", "a\x00b", "", ".", "a//b", "c:/x", "x/\n"],
)
def test_unsafe_paths(path: str) -> None:
    assert not is_safe_path(path)


@pytest.mark.parametrize(
    ("archive", "error"),
    [
        (make_zip({"../escape.py": b"x"}), "unsafe path"),
        (make_zip({"ok.py": b"x"}, symlink="link"), "symlink"),
        (make_zip({"big.bin": os.urandom(8192)}), "more than"),
    ],
)
async def test_unsafe_or_oversized_archives_fail_the_build(
    client, make_user, make_build, make_job_context, sessionmaker, run_build_to_end, archive, error
) -> None:
    user = make_user()
    build = await make_build(user)
    ctx = make_job_context(run_pipeline=pipeline_returning(archive))
    ctx.store = PostgresArtifactStore(sessionmaker, max_bytes=2048)
    row = await run_build_to_end(ctx, build["id"])
    assert row.status == "failed"
    assert error in (row.error or "")
    download = await client.get(f"/v1/builds/{build['id']}/download", headers=user.headers)
    assert download.status_code == 404
