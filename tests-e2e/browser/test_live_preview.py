"""Run a build's app from the build page: the live preview in a sandboxed frame.

After a build, "Run" starts the app in a worker's sandbox; the build page
shows it in an ``<iframe sandbox="allow-scripts allow-forms">`` at its signed
preview URL, with its status and logs. Inside the frame the generated app
works as it does anywhere: its seeded sample records are listed and a person
adds one through its form (a CORS write from the frame's opaque origin).
Then "Stop" ends it. The screenshot of the running preview is the README's.
An app that crashes at start shows its error and its logs on the page.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from test_previews import break_artifact

BUILD_TIMEOUT_MS = 300_000
ROOT = Path(__file__).resolve().parents[2]

SPEC = {
    "name": "Plant Care",
    "description": "Keep track of my houseplants and when they need water.",
    "entities": [
        {
            "name": "Plant",
            "fields": [
                {"name": "name", "type": "string", "required": True, "max_length": 80},
                {"name": "room", "type": "enum", "choices": ["kitchen", "bedroom", "office"]},
                {"name": "water_every_days", "type": "integer", "minimum": 1, "maximum": 60},
            ],
        }
    ],
}


async def succeeded_build_page(ui: Any, page: Page, email: str) -> str:
    """Sign up, build the plant app through the API, open its page once it succeeded."""
    await ui.register_api(email)
    token = await ui.api_token(email)
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        auth = {"Authorization": f"Bearer {token}"}
        project = await gateway.post("/v1/projects", json={"name": "Plants"}, headers=auth)
        build = await gateway.post(
            f"/v1/projects/{project.json()['id']}/builds",
            json={"idea": "Track my houseplants", "spec": SPEC},
            headers=auth,
        )
        assert build.status_code == 202, build.text
    build_id: str = build.json()["id"]
    await ui.log_in(email)

    await page.goto(f"/builds/{build_id}")
    status = page.get_by_test_id("build-status")
    await expect(status).to_have_text(
        re.compile("succeeded|failed|cancelled"), timeout=BUILD_TIMEOUT_MS
    )
    await expect(status).to_have_text("succeeded")
    return build_id


@pytest.mark.timeout(BUILD_TIMEOUT_MS // 1000 + 240)
async def test_run_shows_the_app_and_adding_a_record_works(ui: Any, page: Page) -> None:
    email = f"web-live-{uuid.uuid4().hex[:10]}@example.com"
    build_id = await succeeded_build_page(ui, page, email)

    await page.get_by_role("button", name="Run", exact=True).click()
    live = page.get_by_test_id("live-status")
    await expect(live).to_have_text(re.compile("running|failed"), timeout=120_000)
    await expect(live).to_have_text("running")

    frame_element = page.get_by_test_id("live-frame")
    await expect(frame_element).to_have_attribute("sandbox", "allow-scripts allow-forms")
    src = await frame_element.get_attribute("src")
    assert src is not None
    assert src.startswith(f"/preview/{build_id}/")
    frame = page.frame_locator("[data-testid='live-frame']")

    # The app itself, scripts running: its heading and the seeded samples.
    await expect(frame.get_by_role("heading", level=1)).to_have_text("Plant Care")
    plant_rows = frame.locator("section#plants tbody tr")
    await expect(plant_rows).to_have_count(3)
    await expect(plant_rows.filter(has_text="Plant 1")).to_have_count(1)

    # A person adds a plant through the app's own form.
    form = frame.get_by_role("form", name="New plant", exact=True)
    await form.get_by_label(re.compile(r"^Name( \*)?$")).fill("Monstera by the window")
    await form.get_by_label(re.compile(r"^Water every days( \*)?$")).fill("7")
    await form.get_by_role("button", name="Add plant").click()
    await expect(plant_rows.filter(has_text="Monstera by the window")).to_have_count(1)
    await expect(form.get_by_role("status")).to_contain_text("Added plant")

    # The frame is an opaque origin: the web app's storage is out of its reach.
    opaque = await frame.locator("body").evaluate("() => self.origin")
    assert opaque == "null"

    await expect(page.get_by_test_id("live-logs")).to_contain_text("sample records created")
    panel = page.locator(".live-preview")
    await frame.locator("body").evaluate("() => window.scrollTo(0, 0)")
    await panel.scroll_into_view_if_needed()
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    await panel.screenshot(path=str(images / "preview.png"))

    await page.get_by_role("button", name="Stop", exact=True).click()
    await expect(live).to_have_text("stopped")
    await expect(frame_element).to_have_count(0)


@pytest.mark.timeout(BUILD_TIMEOUT_MS // 1000 + 240)
async def test_a_crashed_app_shows_its_error_and_logs(ui: Any, page: Page) -> None:
    email = f"web-live-crash-{uuid.uuid4().hex[:10]}@example.com"
    build_id = await succeeded_build_page(ui, page, email)
    # The stored app now fails at import, as a broken generated app would.
    await break_artifact(ui.platform, build_id)

    await page.get_by_role("button", name="Run", exact=True).click()
    live = page.get_by_test_id("live-status")
    await expect(live).to_have_text(re.compile("running|failed"), timeout=120_000)
    await expect(live).to_have_text("failed")
    panel = page.locator(".live-preview")
    await expect(panel).to_contain_text("(the app crashed)")
    error = page.get_by_test_id("live-error")
    await expect(error).to_have_attribute("role", "alert")
    await expect(error).to_contain_text(re.compile(r"exited with code \d+", re.IGNORECASE))
    logs = page.get_by_test_id("live-logs")
    await expect(logs).to_contain_text("the preview app broke at import")
    await expect(logs).to_contain_text("RuntimeError")
    # No frame for an app that is not running, and it can be run again.
    await expect(page.get_by_test_id("live-frame")).to_have_count(0)
    await expect(page.get_by_role("button", name="Run", exact=True)).to_be_enabled()
