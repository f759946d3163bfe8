"""The settings page shows this month's model spending against the budgets, per provider.

The spending is made through the API: a build with an OpenAI-compatible
stand-in model that reports 290,000 prompt and 1,000 completion tokens, which
the default per-build maximum (300,000) stops before its second call.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import httpx
import pytest
from budget_kit import BudgetModel, budget_model, start_budget_build
from playwright.async_api import Page, expect


async def spend_through_the_api(gateway_url: str, token: str, model: BudgetModel) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15) as gateway:
        build_id = await start_budget_build(gateway, headers, model)
        for _ in range(600):
            shown = (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()
            if shown["status"] in ("succeeded", "failed", "cancelled"):
                break
            await asyncio.sleep(0.2)
        assert shown["status"] == "failed"
        usage: dict[str, Any] = (await gateway.get("/v1/usage", headers=headers)).json()
    return usage


@pytest.mark.timeout(300)
async def test_settings_show_model_spending_per_provider(ui: Any, page: Page) -> None:
    email = f"web-spend-{uuid.uuid4().hex[:10]}@example.com"
    await ui.register_api(email)
    # A model in the default price table ($0.15 / $0.60 per million tokens).
    async with budget_model("gpt-4o-mini") as model:
        token = await ui.api_token(email)
        usage = await spend_through_the_api(ui.platform.gateway_url, token, model)
    spend = usage["models"]
    assert (spend["tokens_used"], spend["token_budget"], spend["builds_stopped"]) == (
        291_000,
        1_000_000,
        1,
    )
    assert spend["cost_usd"] == 0.0441  # 290,000 x $0.15 + 1,000 x $0.60, per million

    await ui.log_in(email)
    await page.get_by_role("link", name="Settings").click()
    panel = page.locator("#model-spend")
    await expect(page.get_by_test_id("model-tokens")).to_have_text("Tokens: 291,000 of 1,000,000")
    await expect(page.get_by_test_id("model-cost")).to_have_text("Cost: $0.0441 of $5.00")
    await expect(panel).to_contain_text("A build may use at most 300,000 tokens.")
    await expect(panel).to_contain_text("Builds stopped by a budget this month: 1.")
    row = panel.get_by_role("row", name=re.compile("openai_compatible"))
    await expect(row.get_by_role("cell")).to_have_text(["1", "291,000", "$0.0441", "1"])
    await expect(page.locator("#token-meter")).to_have_attribute("value", "291000")
    await ui.screenshot("model-spending")
