"""Versions through the gateway: two real offline builds, list, diff, restore, download.

The second build's spec adds a field to an entity, so the diff must show the
model and schema files changed. Restoring version 1 makes version 3 (a copy,
current), and every version stays listed and downloadable.
"""

from __future__ import annotations

import copy
import io
import uuid
import zipfile
from typing import Any

import httpx
import pytest
from test_builds import follow, login

SPEC_V1: dict[str, Any] = {
    "name": "Plant Log",
    "entities": [
        {
            "name": "Plant",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "location", "type": "string"},
            ],
        }
    ],
}
SPEC_V2 = copy.deepcopy(SPEC_V1)
SPEC_V2["entities"][0]["fields"].append({"name": "watered_on", "type": "date"})


async def build(
    gateway: httpx.AsyncClient, headers: dict[str, str], project_id: str, spec: dict[str, Any]
) -> dict[str, Any]:
    created = await gateway.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": "A log of my house plants and when I water them", "spec": spec},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    events = await follow(gateway, created.json()["id"], headers)
    assert events[-1]["status"] == "succeeded", events[-1]
    result: dict[str, Any] = created.json()
    return result


def names(archive: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return sorted(zf.namelist())


@pytest.mark.timeout(900)
async def test_versions_list_diff_restore_download(gateway: httpx.AsyncClient) -> None:
    headers = await login(gateway)
    created = await gateway.post("/v1/projects", json={"name": "Plant Log"}, headers=headers)
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    base = f"/v1/projects/{project_id}"

    first = await build(gateway, headers, project_id, SPEC_V1)
    second = await build(gateway, headers, project_id, SPEC_V2)
    assert (first["version"], second["version"]) == (1, 2)

    listed = (await gateway.get(f"{base}/versions", headers=headers)).json()
    assert [v["version"] for v in listed["items"]] == [2, 1]
    assert [v["is_current"] for v in listed["items"]] == [True, False]
    assert listed["items"][0]["spec_summary"]["field_count"] == 3
    assert listed["items"][1]["spec_summary"]["field_count"] == 2
    assert listed["items"][0]["spec_summary"]["entities"] == ["Plant"]
    page = (await gateway.get(f"{base}/versions", params={"limit": 1}, headers=headers)).json()
    assert [v["version"] for v in page["items"]] == [2]
    rest = await gateway.get(
        f"{base}/versions", params={"limit": 1, "cursor": page["next_cursor"]}, headers=headers
    )
    assert [v["version"] for v in rest.json()["items"]] == [1]
    assert rest.json()["next_cursor"] is None

    diff = await gateway.get(
        f"{base}/diff", params={"from": first["id"], "to": second["id"]}, headers=headers
    )
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert body["from"]["version"] == 1
    assert body["to"]["version"] == 2
    changed = {f["path"]: f for f in body["files"] if f["status"] == "changed"}
    assert "app/models.py" in changed, sorted(changed)
    assert "app/schemas.py" in changed, sorted(changed)
    assert "watered_on" in changed["app/models.py"]["diff"]
    assert any(
        line.startswith("+") and "watered_on" in line
        for line in changed["app/schemas.py"]["diff"].splitlines()
    )
    assert body["unchanged"] > 0
    assert body["truncated"] is False

    restored = await gateway.post(f"{base}/versions/1/restore", headers=headers)
    assert restored.status_code == 201, restored.text
    copy_of_first = restored.json()
    assert copy_of_first["version"] == 3
    assert copy_of_first["origin"] == "restore"
    assert copy_of_first["parent_id"] == first["id"]
    assert copy_of_first["status"] == "succeeded"
    # SSE clients see the restored version finished.
    events = await follow(gateway, copy_of_first["id"], headers)
    assert events[-1]["status"] == "succeeded"

    project = (await gateway.get(base, headers=headers)).json()
    assert project["current_version"] == 3
    assert project["current_build_id"] == copy_of_first["id"]
    after = (await gateway.get(f"{base}/versions", headers=headers)).json()
    assert [v["version"] for v in after["items"]] == [3, 2, 1]
    assert [v["is_current"] for v in after["items"]] == [True, False, False]

    v1 = await gateway.get(f"{base}/versions/1/download", headers=headers, timeout=60)
    v3 = await gateway.get(f"{base}/versions/3/download", headers=headers, timeout=60)
    assert v1.status_code == v3.status_code == 200
    assert v3.headers["content-disposition"] == 'attachment; filename="plant-log-v3.zip"'
    assert names(v1.content) == names(v3.content)
    assert v1.content == v3.content
    v2 = await gateway.get(f"{base}/versions/2/download", headers=headers, timeout=60)
    assert v2.status_code == 200  # the newer version is still there

    same = await gateway.get(
        f"{base}/diff", params={"from_version": 1, "to_version": 3}, headers=headers
    )
    assert same.json()["files"] == []

    stranger = await login(gateway)
    for method, path in (
        ("GET", f"{base}/versions"),
        ("GET", f"{base}/versions/1"),
        ("GET", f"{base}/versions/1/download"),
        ("POST", f"{base}/versions/1/restore"),
        ("GET", f"{base}/diff?from_version=1&to_version=2"),
    ):
        response = await gateway.request(method, path, headers=stranger)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    missing = await gateway.get(f"/v1/projects/{uuid.uuid4()}/versions", headers=stranger)
    assert (
        missing.json()["detail"]
        == (await gateway.get(f"{base}/versions", headers=stranger)).json()["detail"]
    )
