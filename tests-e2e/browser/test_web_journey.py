"""The web app in a real browser (chromium), against the real platform.

The journey of the issue: sign up -> verify via the outbox -> log in ->
create a project -> build with ``offline`` -> watch it complete -> open a
file -> download the zip (a valid zip with the app's tests inside). Plus: a
second user cannot see the first user's project, a wrong password shows the
error, the app is keyboard-usable and fits a phone's width, and the build
page keeps its progress across a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

# A build runs the generated app's own tests: ~15 s on a quiet machine,
# minutes on a loaded one.
BUILD_TIMEOUT_MS = 300_000


def new_email(tag: str) -> str:
    return f"web-{tag}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.mark.timeout(BUILD_TIMEOUT_MS // 1000 + 120)
async def test_idea_to_downloaded_app(ui: Any, page: Page) -> None:
    email = new_email("journey")
    password = "a long browser passphrase"

    # Home -> sign up, with the mouse.
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Describe an app")
    await ui.screenshot("01-home")
    await page.get_by_role("main").get_by_role("link", name="Sign up").click()
    await expect(page.get_by_role("heading", level=1, name="Create your account")).to_be_focused()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await ui.screenshot("02-sign-up")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()

    # Verify with the link from the development outbox.
    token = await ui.outbox_token(email, "verify_email")
    await page.goto(f"/verify-email?token={token}")
    await expect(page.get_by_text("Your email address is verified")).to_be_visible()
    # The single-use token does not stay in the address bar.
    assert "token=" not in page.url

    await ui.log_in(email, password)
    await ui.screenshot("03-projects")

    project_id = await ui.create_project("Habit tracker")
    await page.get_by_label("Your app idea").fill(
        "A habit tracker where people log daily habits and see their streaks"
    )
    await page.get_by_label("Target users (optional)").fill("people building routines")
    await page.get_by_label("Features (optional)").fill("habits\ncheck-ins")
    await expect(page.get_by_label("Provider")).to_have_value("offline")
    # A provider with no stored key: the form says so and links to settings.
    await page.get_by_label("Provider").select_option("openai")
    warning = page.locator("#provider-key-status")
    await expect(warning).to_contain_text("No API key is stored for this provider")
    await expect(warning.get_by_role("link", name="Add a key in settings")).to_have_attribute(
        "href", "/settings#provider-keys"
    )
    await page.get_by_label("Provider").select_option("offline")
    await expect(warning).to_be_empty()
    await ui.screenshot("04-project-build-form")
    await page.get_by_role("button", name="Start build").click()

    # Live progress until the final status.
    await page.wait_for_url(re.compile(r"/builds/[0-9a-f-]{36}$"))
    build_url = page.url
    status = page.get_by_test_id("build-status")
    await expect(status).to_have_text(
        re.compile("succeeded|failed|cancelled"), timeout=BUILD_TIMEOUT_MS
    )
    await expect(status).to_have_text("succeeded")
    await expect(page.locator("#build-progress")).to_have_attribute("value", re.compile(r"^[1-9]"))
    log = page.get_by_role("list", name="Log")
    await expect(log.get_by_role("listitem").first).to_be_visible()
    assert await log.get_by_role("listitem").count() >= 3
    await ui.screenshot("05-build-complete")

    # Open a generated test file: highlighted Python.
    tree = page.get_by_role("navigation", name="File tree")
    await expect(tree.locator("button.file").first).to_be_visible()
    test_file = tree.locator("button.file[data-path*='test_'][data-path$='.py']").first
    path = await test_file.get_attribute("data-path")
    assert path is not None
    assert path.endswith(".py"), path
    await test_file.click()
    await expect(page.get_by_test_id("viewer-path")).to_have_text(path)
    code = page.locator("pre.code code.hljs")
    await expect(code).to_contain_text("def test_")
    assert await code.locator("span.hljs-keyword").count() > 0
    await ui.screenshot("06-file-viewer")

    # Download the zip: a valid archive holding the app and its own tests.
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download zip").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".zip")
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert any(re.search(r"(^|/)tests?/test_[^/]+\.py$", n) for n in names), names
    assert any(n.endswith("README.md") for n in names), names

    # A reload keeps the finished build's log (kept per build, resumed by Last-Event-ID).
    await page.goto(build_url)
    await expect(page.get_by_test_id("build-status")).to_have_text("succeeded")
    assert await page.get_by_role("list", name="Log").get_by_role("listitem").count() >= 3

    # The project lists the build.
    await page.goto(f"/projects/{project_id}")
    await expect(page.get_by_role("link", name=re.compile("^Build "))).to_have_count(1)


async def test_second_user_cannot_see_first_users_project(ui: Any, page: Page) -> None:
    alice, bob = new_email("alice"), new_email("bob")
    await ui.register_api(alice)
    await ui.register_api(bob)

    await ui.log_in(alice)
    project_id = await ui.create_project("Alice's secret plans")
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()

    await ui.log_in(bob)
    await expect(page.get_by_text("No projects yet")).to_be_visible()
    await expect(page.get_by_text("Alice's secret plans")).to_have_count(0)
    # Even by its address: indistinguishable from a project that does not exist.
    await page.goto(f"/projects/{project_id}")
    await expect(page.get_by_role("alert")).to_contain_text("Not Found")
    await expect(page.get_by_text("Alice's secret plans")).to_have_count(0)


async def test_wrong_password_shows_the_error(ui: Any, page: Page) -> None:
    email = new_email("wrongpw")
    await ui.register_api(email)
    await ui.submit_login(email, "not the right passphrase")
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Invalid email or password.")
    await expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    await ui.screenshot("07-login-error")


async def test_projects_by_keyboard_at_phone_width(ui: Any, page: Page) -> None:
    email = new_email("keyboard")
    await ui.register_api(email)
    await page.set_viewport_size({"width": 375, "height": 740})
    await ui.log_in(email)

    # Create, rename and delete a project with the keyboard only.
    name_field = page.get_by_label("New project name")
    await name_field.focus()
    await page.keyboard.type("Recipe box")
    await page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1, name="Recipe box")
    await expect(heading).to_be_focused()  # focus follows the route change
    await ui.screenshot("08-project-phone")

    await page.goto("/projects")
    rename = page.get_by_role("button", name="Rename Recipe box")
    await rename.focus()
    await page.keyboard.press("Enter")
    # The rename field takes the focus by itself.
    await expect(page.get_by_label("New name for Recipe box")).to_be_focused()
    await page.keyboard.press("Control+A")
    await page.keyboard.type("Recipe book")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("link", name="Recipe book")).to_be_visible()
    await ui.screenshot("09-projects-phone")

    # Nothing wider than the phone's screen.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width

    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Delete Recipe book").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("No projects yet")).to_be_visible()
    await expect(page.get_by_role("link", name="Recipe book")).to_have_count(0)


async def test_a_field_focused_right_after_a_route_change_keeps_the_focus(
    ui: Any, page: Page
) -> None:
    """The new page's heading takes the focus a frame or two after it is drawn;
    a person who clicks into a field before that keeps the field (their typing
    went nowhere when the heading took it)."""
    email = new_email("quickfocus")
    await ui.register_api(email)
    await ui.log_in(email)
    await page.goto("/settings")
    await expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    # In one script, so no round trip can fall between: follow the link, let
    # the new page render (a task, well before the next frame), focus its
    # field, then let a few frames pass.
    focused = await page.evaluate(
        """async () => {
            document.querySelector('nav a[href="/projects"]').click();
            await new Promise((resolve) => setTimeout(resolve, 0));
            const field = document.getElementById("field-project-name");
            if (!field) return "the projects page was not drawn yet";
            field.focus();
            for (let i = 0; i < 5; i++) await new Promise((r) => requestAnimationFrame(r));
            await new Promise((resolve) => setTimeout(resolve, 200));
            return document.activeElement ? document.activeElement.id : "nothing";
        }"""
    )
    assert focused == "field-project-name", focused
    await page.keyboard.type("Typed at once")
    await expect(page.get_by_label("New project name")).to_have_value("Typed at once")
    # A route change with nothing focused by the person still lands on the heading.
    await page.get_by_role("link", name="Settings").click()
    await expect(page.get_by_role("heading", level=1, name="Settings")).to_be_focused()


async def test_unknown_address_and_login_guard(page: Page) -> None:
    # A client route opened directly while logged out: sent to log in, with the way back.
    await page.goto("/settings")
    await expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert "next=%2Fsettings" in page.url


async def test_settings_keys_sessions_and_usage(ui: Any, page: Page) -> None:
    email = new_email("settings")
    await ui.register_api(email)
    await ui.log_in(email)
    await page.get_by_role("link", name="Settings").click()
    await expect(page.get_by_role("heading", level=1, name="Settings")).to_be_focused()

    # Provider keys: add, replace, delete; only the last four characters shown.
    keys = page.locator("#provider-keys")
    await keys.get_by_label("Provider").select_option("openai")
    await keys.get_by_label("API key").fill("sk-browser-test-0000-abcd")
    await keys.get_by_role("button", name="Save key").click()
    row = keys.get_by_role("row", name=re.compile("openai"))
    await expect(row).to_contain_text("abcd")
    await expect(keys).not_to_contain_text("sk-browser-test")
    await keys.get_by_label("API key").fill("sk-browser-test-1111-wxyz")
    await keys.get_by_role("button", name="Replace key").click()
    await expect(row).to_contain_text("wxyz")
    await expect(keys.get_by_role("row")).to_have_count(2)  # header + one key

    # An OpenAI-compatible server: its address and how it is asked for JSON.
    await keys.get_by_label("Provider").select_option("openai_compatible")
    await keys.get_by_label("API key").fill("sk-local-server-5678")
    await keys.get_by_label("Base URL").fill("http://127.0.0.1:8089/v1")
    await keys.get_by_label("Structured output").select_option("json_object_schema")
    await keys.get_by_role("button", name="Save key").click()
    local = keys.get_by_role("row", name=re.compile("openai_compatible"))
    await expect(local).to_contain_text("http://127.0.0.1:8089/v1")
    await expect(local).to_contain_text("JSON object with a schema (llama.cpp)")
    token = await ui.api_token(email)
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        listed = await gateway.get(
            "/v1/provider-keys", headers={"Authorization": f"Bearer {token}"}
        )
    assert listed.status_code == 200, listed.text
    formats = {k["provider"]: k.get("response_format") for k in listed.json()["items"]}
    assert formats == {"openai": None, "openai_compatible": "json_object_schema"}, formats
    await keys.get_by_role("button", name="Delete the openai_compatible key").click()
    await expect(keys.get_by_role("row")).to_have_count(2)

    # API keys: created, shown once, revoked.
    api_keys = page.locator("#api-keys")
    await api_keys.get_by_label("Key name").fill("ci")
    await api_keys.get_by_label("Access").select_option(label="Read only")
    await api_keys.get_by_role("button", name="Create key").click()
    await expect(page.get_by_test_id("new-api-key")).to_have_text(re.compile(r"^lf_\S{16,}$"))
    await expect(api_keys.get_by_role("button", name="Revoke the key ci")).to_be_visible()

    # Sessions: this one is listed. Usage: the free plan's monthly builds.
    await expect(page.locator("#sessions")).to_contain_text("(this session)")
    usage = page.locator("#usage")
    await expect(usage).to_contain_text("Plan: free")
    await expect(usage).to_contain_text("0 used")
    await ui.screenshot("10-settings")

    await api_keys.get_by_role("button", name="Done").click()
    await expect(page.get_by_test_id("new-api-key")).to_have_count(0)
    await api_keys.get_by_role("button", name="Revoke the key ci").click()
    await expect(api_keys.get_by_text("No API keys.")).to_be_visible()

    # With a stored key the build form no longer warns for that provider.
    await ui.create_project("Keyed project")
    await page.get_by_label("Provider").select_option("openai")
    await expect(page.get_by_label("Model")).to_have_value("gpt-4o")
    await expect(page.locator("#provider-key-status")).to_be_empty()

    await page.goto("/settings")
    await keys.get_by_role("button", name="Delete the openai key").click()
    await expect(keys.get_by_text("No keys stored.")).to_be_visible()


async def test_quota_402_shows_the_reset_date(ui: Any, page: Page) -> None:
    email = new_email("quota")
    await ui.register_api(email)
    token = await ui.api_token(email)
    await ui.log_in(email)
    project_id = await ui.create_project("Over quota")

    # Use up the free plan's 3 builds through the API (cancelled at once: the
    # quota counts requests, and the worker stays free for other tests).
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        for n in range(3):
            created = await gateway.post(
                f"/v1/projects/{project_id}/builds",
                json={"idea": f"A to-do list number {n}", "provider": "offline"},
                headers=auth,
            )
            assert created.status_code == 202, created.text
            await gateway.post(f"/v1/builds/{created.json()['id']}/cancel", headers=auth)

    await page.get_by_label("Your app idea").fill("One build too many for the free plan")
    await page.get_by_role("button", name="Start build").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Build quota exceeded")
    await expect(alert).to_contain_text("Your monthly build quota resets on")
    await expect(alert.get_by_role("link", name="See your plan usage")).to_be_visible()
    assert re.search(rf"/projects/{project_id}$", page.url)
    await ui.screenshot("11-quota-402")


async def test_a_busy_refresh_is_waited_out_and_never_ends_the_session(ui: Any, page: Page) -> None:
    """Every page load exchanges the refresh token; a 429 or 503 there (the shared
    per-IP budget, auth restarting) must not send a logged-in person to the login page."""
    email = new_email("busy")
    await ui.register_api(email)
    await ui.log_in(email)
    project_id = await ui.create_project("Busy refresh")
    heading = page.get_by_role("heading", level=1, name="Busy refresh")

    refreshes: list[int] = []

    async def busy_once(route: Any) -> None:
        refreshes.append(1)
        if len(refreshes) == 1:
            await route.fulfill(
                status=429,
                headers={"retry-after": "1", "content-type": "application/problem+json"},
                body='{"title": "Too Many Requests", "status": 429}',
            )
        else:
            await route.continue_()

    await page.route("**/v1/auth/refresh", busy_once)
    await page.goto(f"/projects/{project_id}")
    await expect(heading).to_be_visible()
    assert len(refreshes) == 2  # waited out, then the same token again
    await page.unroute("**/v1/auth/refresh")

    # Refused every time: an error to try again, not the login page, and the session kept.
    async def always_busy(route: Any) -> None:
        await route.fulfill(status=503, headers={"retry-after": "1"}, body="")

    await page.route("**/v1/auth/refresh", always_busy)
    await page.goto(f"/projects/{project_id}")
    await expect(page.get_by_text("You are still logged in")).to_be_visible(timeout=20_000)
    assert "/login" not in page.url
    await page.unroute("**/v1/auth/refresh")
    await page.reload()
    await expect(heading).to_be_visible()


async def test_a_page_left_in_the_middle_of_a_refresh_keeps_the_session(
    ui: Any, page: Page
) -> None:
    """Every page load exchanges the refresh token. When the person navigates
    while that exchange is in flight, auth has rotated the token but the old
    page never stores the answer: the next page presents the spent token. It
    must get a new pair (auth's reuse grace window), not the login page."""
    email = new_email("midway")
    await ui.register_api(email)
    await ui.log_in(email)
    project_id = await ui.create_project("Left midway")
    heading = page.get_by_role("heading", level=1, name="Left midway")

    spent, done = asyncio.Event(), asyncio.Event()
    presented: list[str] = []

    async def lose_the_first_answer(route: Any) -> None:
        presented.append(json.loads(route.request.post_data or "{}").get("refresh_token", ""))
        if len(presented) > 1:
            await route.continue_()
            return
        rotated = await route.fetch()  # auth spends the token and answers...
        assert rotated.status == 200, await rotated.text()
        spent.set()
        await done.wait()  # ...but the page is gone before the answer arrives
        with contextlib.suppress(Exception):
            await route.abort()

    await page.route("**/v1/auth/refresh", lose_the_first_answer)
    leaving = asyncio.ensure_future(page.goto("/projects", wait_until="commit"))
    await asyncio.wait_for(spent.wait(), 30)
    await page.goto(f"/projects/{project_id}")
    await expect(heading).to_be_visible()
    assert "/login" not in page.url
    assert len(presented) == 2
    assert presented[0] == presented[1]  # the spent token, again
    done.set()
    with contextlib.suppress(Exception):
        await leaving  # interrupted by the second navigation
    await page.unroute("**/v1/auth/refresh")

    # The session goes on: a reload rotates the new pair as usual.
    await page.reload()
    await expect(heading).to_be_visible()
