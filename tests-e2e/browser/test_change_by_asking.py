"""Change it by asking, in a real browser: ask, see what will change, build it, get version 2.

On a finished build's page the person types a change, sees the data model's
diff (core's ``POST /v1/specs/edit``), builds it (``POST .../changes``) and
lands on the new build, which shows what was asked and what changed, and
succeeds. A request that cannot be applied says what was understood.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

BUILD_TIMEOUT_MS = 300_000

SPEC = {
    "name": "Task Board",
    "entities": [
        {
            "name": "Task",
            "fields": [
                {"name": "title", "type": "string", "required": True},
                {"name": "notes", "type": "text"},
            ],
        },
        {
            "name": "Customer",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "phone", "type": "phone"},
            ],
        },
    ],
    "relations": [{"from": "Task", "to": "Customer", "required": False}],
}


async def started_build(ui: Any, email: str) -> str:
    token = await ui.api_token(email)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        project = await gateway.post("/v1/projects", json={"name": "Tasks"}, headers=auth)
        assert project.status_code == 201, project.text
        build = await gateway.post(
            f"/v1/projects/{project.json()['id']}/builds",
            json={"idea": "A task board for my customers", "spec": SPEC},
            headers=auth,
        )
        assert build.status_code == 202, build.text
    return str(build.json()["id"])


async def wait_succeeded(page: Page) -> None:
    status = page.get_by_test_id("build-status")
    await expect(status).to_have_text(
        re.compile("succeeded|failed|cancelled"), timeout=BUILD_TIMEOUT_MS
    )
    await expect(status).to_have_text("succeeded")


@pytest.mark.timeout(2 * BUILD_TIMEOUT_MS // 1000 + 180)
async def test_ask_see_the_diff_build_and_get_a_new_version(ui: Any, page: Page) -> None:
    email = f"web-change-{uuid.uuid4().hex[:10]}@example.com"
    await ui.register_api(email)
    build_id = await started_build(ui, email)
    await ui.log_in(email)
    await page.goto(f"/builds/{build_id}")
    await wait_succeeded(page)

    form = page.get_by_role("form", name="Ask for a change")
    request = form.get_by_label("What should change?")

    # A request it cannot apply: what it understood, and what failed.
    await request.fill("add a priority to tasks and remove the flavour field")
    await form.get_by_role("button", name="Show what will change").click()
    refused = page.get_by_test_id("change-refused")
    await expect(refused).to_contain_text("remove the flavour field")
    await expect(refused).to_contain_text("Understood: add field priority")

    # A request it can: the diff before anything is built.
    await request.fill("Add a priority to tasks and remove the phone field")
    await form.get_by_role("button", name="Show what will change").click()
    preview = page.get_by_test_id("change-preview")
    diff = preview.get_by_role("list", name="Data model changes")
    await expect(diff).to_contain_text("Task.priority (enum)")
    await expect(diff).to_contain_text("Customer.phone (phone)")
    await expect(page.get_by_test_id("change-refused")).to_have_count(0)
    await ui.screenshot("40-change-preview")

    # The files changed come from the platform's version diff (GET /v1/projects/{id}/diff).
    asked: list[tuple[str, int]] = []

    def seen(response: Any) -> None:
        if re.search(r"/v1/projects/[0-9a-f-]+/diff\?", response.url):
            asked.append((response.url, response.status))

    page.on("response", seen)
    await preview.get_by_role("button", name="Build this change").click()
    await expect(page).not_to_have_url(re.compile(f"/builds/{build_id}$"))
    await expect(page).to_have_url(re.compile(r"/builds/[0-9a-f-]{36}$"))
    summary = page.get_by_test_id("change-summary")
    await expect(summary.get_by_role("heading", level=2)).to_have_text("Change (version 2)")
    await expect(summary.get_by_test_id("change-request")).to_have_text(
        "Add a priority to tasks and remove the phone field"
    )
    await expect(summary.get_by_role("list", name="Data model changes")).to_contain_text(
        "Task.priority (enum)"
    )
    await wait_succeeded(page)
    await expect(summary.get_by_role("link", name="the previous version")).to_have_attribute(
        "href", f"/builds/{build_id}"
    )
    files = summary.get_by_test_id("files-changed")
    await expect(files).to_contain_text("app/models.py (changed)")
    # The real unified diff, opened: the new field is in the models.
    models = files.locator("details").filter(
        has=page.locator("summary", has_text="app/models.py (changed)")
    )
    await models.locator("summary").click()
    await expect(models).to_have_attribute("open", "")
    await expect(models.locator("code")).to_contain_text("+++ v2/app/models.py")
    await expect(models.locator("code")).to_contain_text("priority")
    url, status = asked[-1]
    assert f"from={build_id}&to=" in url
    assert status == 200
    await ui.screenshot("41-change-built")
