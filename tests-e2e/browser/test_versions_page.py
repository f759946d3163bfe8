"""The project page's versions: list, compare two, restore one, and nothing is lost.

Two builds of a project are made through the API (the second spec adds a
field), then everything else happens in the browser: the versions are listed
with their request, spec summary, status and the "current" badge; picking two
shows the file diff (the models file changed, its added line styled as one);
restoring version 1 (confirmed) makes version 3, current, and versions 1 and 2
are still listed; version 3 downloads under its own name; with more versions
than a page, "More versions" shows the older ones.
"""

from __future__ import annotations

import asyncio
import copy
import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Dialog, Page, expect

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


async def build_to_end(
    gateway: httpx.AsyncClient, auth: dict[str, str], project_id: str, spec: dict[str, Any]
) -> str:
    created = await gateway.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": "A log of my house plants", "spec": spec},
        headers=auth,
    )
    assert created.status_code == 202, created.text
    build_id: str = created.json()["id"]
    for _ in range(1200):  # bounded wait for the worker; the outcome is asserted
        status = (await gateway.get(f"/v1/builds/{build_id}", headers=auth)).json()["status"]
        if status in ("succeeded", "failed", "cancelled"):
            break
        await asyncio.sleep(0.25)
    assert status == "succeeded"
    return build_id


def version_item(page: Page, number: int) -> Any:
    return page.locator(f'li.version[data-version="{number}"]')


@pytest.mark.timeout(600)
async def test_list_compare_restore_and_keep_every_version(ui: Any, page: Page) -> None:
    email = f"web-versions-{uuid.uuid4().hex[:10]}@example.com"
    await ui.register_api(email)
    token = await ui.api_token(email)
    auth = {"Authorization": f"Bearer {token}"}
    await ui.log_in(email)
    project_id = await ui.create_project("Plant Log")
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        await build_to_end(gateway, auth, project_id, SPEC_V1)
        await build_to_end(gateway, auth, project_id, SPEC_V2)

    await page.goto(f"/projects/{project_id}")
    versions = page.get_by_role("list", name="Versions")
    await expect(versions.locator("li.version")).to_have_count(2)
    newest = version_item(page, 2)
    await expect(newest).to_contain_text("Version 2")
    await expect(newest).to_contain_text("current")
    await expect(newest).to_contain_text("succeeded")
    await expect(newest).to_contain_text("A log of my house plants")
    await expect(newest).to_contain_text("Plant · 1 entity, 3 fields, 0 relations")
    await expect(version_item(page, 1)).to_contain_text("2 fields")
    await expect(version_item(page, 1).locator(".badge-current")).to_have_count(0)

    # Compare: pick two, see the files and the styled diff lines.
    await page.get_by_label("Compare version 1").check()
    await page.get_by_label("Compare version 2").check()
    await page.get_by_role("button", name="Compare version 1 with 2").click()
    diff = page.locator("section.diff")
    await expect(
        diff.get_by_role("heading", name="Changes from version 1 to version 2")
    ).to_be_visible()
    models = diff.locator('li.diff-file[data-path="app/models.py"]')
    await expect(models).to_contain_text("changed")
    if await models.locator("details").get_attribute("open") is None:
        await models.locator("summary").click()  # long lists start folded
    added = models.locator(".diff-line-add", has_text="watered_on").first
    await expect(added).to_be_visible()
    assert await added.evaluate("e => getComputedStyle(e).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    # The diff is text: nothing in it became an element.
    assert await diff.locator("pre.diff-text *:not(span)").count() == 0
    await ui.screenshot("versions-diff")

    # Restore version 1, confirmed: a new version 3, current; 1 and 2 stay.
    messages: list[str] = []

    async def accept(dialog: Dialog) -> None:
        messages.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    await page.get_by_role("button", name="Restore version 1").click()
    await expect(
        page.get_by_text("Restored version 1 as version 3; it is now current.")
    ).to_be_visible()
    assert "No version is deleted" in messages[0]
    await expect(versions.locator("li.version")).to_have_count(3)
    await expect(version_item(page, 3).locator(".badge-current")).to_have_count(1)
    await expect(version_item(page, 3)).to_contain_text("restored from version 1")
    await expect(version_item(page, 2).locator(".badge-current")).to_have_count(0)
    await expect(version_item(page, 1)).to_be_visible()
    await ui.screenshot("versions-restored")

    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download version 3").click()
    download = await download_info.value
    assert download.suggested_filename == "plant-log-v3.zip"

    # More versions than a page (restores are free): "More versions" shows the rest.
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        for _ in range(9):
            made = await gateway.post(f"/v1/projects/{project_id}/versions/2/restore", headers=auth)
            assert made.status_code == 201, made.text
    await page.reload()
    await expect(versions.locator("li.version")).to_have_count(10)
    await expect(version_item(page, 12).locator(".badge-current")).to_have_count(1)
    await page.get_by_role("button", name="More versions").click()
    await expect(versions.locator("li.version")).to_have_count(12)
    await expect(version_item(page, 1)).to_contain_text("Version 1")
    await expect(page.get_by_role("button", name="More versions")).to_have_count(0)
    assert re.search(r"/projects/[0-9a-f-]{36}$", page.url)
