"""The deployed product has its UI: the gateway image serves the web app.

A person opens the gateway container's address in chromium, signs in and sees
their projects: what `helm install` and compose deliver, not only the API.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("LF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]


def test_the_gateway_image_serves_the_web_app(cgateway: httpx.Client) -> None:
    page = cgateway.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in page.headers
    # A client-side route is the app too (the single-page app's fallback) ...
    assert cgateway.get("/projects", headers={"accept": "text/html"}).status_code == 200
    # ... while the API stays the API.
    assert cgateway.get("/v1/projects").status_code == 401


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")
def test_sign_in_through_the_gateway_container_in_chromium(cgateway: httpx.Client) -> None:
    email = f"web-{uuid.uuid4().hex[:10]}@example.com"
    password = f"Containers-{uuid.uuid4().hex}"
    registered = cgateway.post("/v1/auth/register", json={"email": email, "password": password})
    assert registered.status_code == 201, registered.text

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=str(cgateway.base_url))
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto("/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", level=1, name="Your projects")).to_be_visible()
            page.get_by_label("New project name").fill("Made in the container")
            page.get_by_role("button", name="Create project").click()
            expect(
                page.get_by_role("heading", level=1, name="Made in the container")
            ).to_be_visible()
            assert errors == []
        finally:
            browser.close()
