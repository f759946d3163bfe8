"""Browser fixtures: Debian's chromium driven by Playwright, against the real platform.

The platform is the one ``tests-e2e/conftest.py`` starts (auth, core, a core
worker and the gateway as real processes, the way ``make dev`` runs them).
The browser talks to one origin, the gateway, which serves the web app.

These tests run with ``make test-browser`` (which builds ``web/dist`` first
and sets ``LF_BROWSER_TESTS=1``); a plain ``pytest tests-e2e`` skips them.
Screenshots go to ``test-artifacts/browser/`` (not committed).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("LF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FOUND = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a long browser passphrase"
_HERE = Path(__file__).resolve().parent
# expect() waits 5 s by default, less than the pages' own 15 s: on a 2-core CI
# machine running the worker's sandboxed builds beside the browser, a page
# that fetches three resources can take longer than that to show them.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("LF_BROWSER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run with `make test-browser`")
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


def gateway_serves_web(gateway_url: str) -> bool:
    try:
        response = httpx.get(f"{gateway_url}/", headers={"accept": "text/html"}, timeout=5)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and "text/html" in response.headers.get("content-type", "")


@pytest.fixture(scope="session")
def web_url(platform: Any) -> str:
    """The one origin the browser uses: the gateway, which serves the web app."""
    if not gateway_serves_web(platform.gateway_url):
        pytest.fail("the gateway does not serve web/dist: run `make web` (make test-browser does)")
    return str(platform.gateway_url)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_FOUND:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def context(browser: Browser, web_url: str) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=web_url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    await ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, for the page fixture to see a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


async def _what_the_page_showed(
    request: pytest.FixtureRequest, tab: Page, failed: list[str]
) -> None:
    """On a failed test: a screenshot, and the page's text and failed answers in the log,
    so a failure seen once (in CI, under load) can be read afterwards."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed or tab.is_closed():
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        await tab.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        text = await tab.locator("body").inner_text(timeout=2_000)
    except Exception as error:  # the page may be gone: the test's own failure says why
        text = f"(page unreadable: {error})"
    print(f"\n--- {request.node.name}: page at {tab.url} ---\n{text[:2000]}")
    print("--- answers >= 400 ---\n" + ("\n".join(failed[-20:]) or "(none)"))


@pytest.fixture
async def page(context: BrowserContext, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A page that fails the test on any script error or CSP violation."""
    tab = await context.new_page()
    failed: list[str] = []
    tab.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.request.method} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    await _what_the_page_showed(request, tab, failed)
    assert not problems, problems


class UI:
    """What a person does in the browser, as steps the tests share."""

    def __init__(self, page: Page, platform: Any) -> None:
        self.page = page
        self.platform = platform

    async def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    async def outbox_token(self, email: str, kind: str, within: float = 15) -> str:
        """The single-use token of the newest ``kind`` mail to ``email`` in auth's dev outbox."""
        deadline = time.monotonic() + within
        last = ""
        async with httpx.AsyncClient(base_url=self.platform.auth_url, timeout=10) as auth:
            while time.monotonic() < deadline:
                response = await auth.get("/internal/dev/outbox", params={"email": email})
                last = f"{response.status_code} {response.text[:200]}"
                if response.status_code == 200:
                    mails = [m for m in response.json() if m.get("kind") == kind]
                    if mails:
                        mail = max(mails, key=lambda m: m.get("created_at", ""))
                        match = re.search(r"[?&]token=([A-Za-z0-9_\-.~%]+)", mail["body"])
                        assert match, mail["body"]
                        return match.group(1)
                await asyncio.sleep(0.3)
        raise AssertionError(f"no {kind} mail for {email} in the outbox: {last}")

    async def submit_login(self, email: str, password: str) -> None:
        """Log in through the form; a 429 is waited out as a person would (its
        Retry-After is shown on the page), then the form is sent again."""
        page = self.page
        await page.goto("/login")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(password)
        for _ in range(3):
            await page.get_by_role("button", name="Log in").click()
            projects = page.get_by_role("heading", level=1, name="Your projects")
            await projects.or_(page.get_by_role("alert")).first.wait_for()
            alert = page.get_by_role("alert")
            if await alert.count() == 0:
                return
            wait = re.search(r"try again in (\d+) s", await alert.first.inner_text())
            if not wait:
                return  # another error: the caller asserts on it
            await asyncio.sleep(int(wait.group(1)) + 1)

    async def log_in(self, email: str, password: str = PASSWORD) -> None:
        await self.submit_login(email, password)
        await self.page.get_by_role("heading", level=1, name="Your projects").wait_for()

    async def register_api(self, email: str, password: str = PASSWORD) -> None:
        """An account made through the API (for tests about something else)."""
        async with httpx.AsyncClient(base_url=self.platform.gateway_url, timeout=15) as gateway:
            response = await gateway.post(
                "/v1/auth/register", json={"email": email, "password": password}
            )
        assert response.status_code == 201, response.text

    async def api_token(self, email: str, password: str = PASSWORD) -> str:
        """An access token from the API (waiting out a 429 like the UI does)."""
        async with httpx.AsyncClient(base_url=self.platform.gateway_url, timeout=15) as gateway:
            for _ in range(3):
                response = await gateway.post(
                    "/v1/auth/login", json={"email": email, "password": password}
                )
                if response.status_code != 429:
                    break
                await asyncio.sleep(int(response.headers.get("retry-after", "5")) + 1)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def create_project(self, name: str) -> str:
        """Create a project from the list page; returns its id (from the new URL)."""
        page = self.page
        await page.goto("/projects")
        await page.get_by_label("New project name").fill(name)
        await page.get_by_role("button", name="Create project").click()
        await page.get_by_role("heading", level=1, name=name).wait_for()
        match = re.search(r"/projects/([0-9a-f-]{36})$", page.url)
        assert match, page.url
        return match.group(1)


@pytest.fixture
def ui(page: Page, platform: Any) -> UI:
    return UI(page, platform)
