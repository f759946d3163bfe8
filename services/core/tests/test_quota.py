"""Monthly build quotas: atomic under concurrency, 402 with the reset date, admin bypass."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from launchforge_core.services.quota import month_start, next_month, resets_at

IDEA = "A habit tracker with streaks and reminders"


def _expected_reset() -> str:
    return resets_at(month_start()).isoformat()


async def test_twenty_concurrent_requests_admit_exactly_the_limit(
    client, make_user, make_project
) -> None:
    user = make_user()
    project_id = await make_project(user)

    async def attempt() -> int:
        response = await client.post(
            f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=user.headers
        )
        if response.status_code == 402:
            body = response.json()
            assert response.headers["content-type"] == "application/problem+json"
            assert body["resets_at"] == _expected_reset()
            assert body["limit"] == 3
            assert body["plan"] == "free"
            assert _expected_reset() in body["detail"]
        return response.status_code

    statuses = await asyncio.gather(*(attempt() for _ in range(20)))
    assert sorted(statuses) == [202] * 3 + [402] * 17
    listing = await client.get(
        f"/v1/projects/{project_id}/builds", params={"limit": 100}, headers=user.headers
    )
    assert len(listing.json()["items"]) == 3
    usage = (await client.get("/v1/usage", headers=user.headers)).json()
    assert usage == {
        "plan": "free",
        "month": datetime.now(UTC).strftime("%Y-%m"),
        "used": 3,
        "limit": 3,
        "remaining": 0,
        "resets_at": usage["resets_at"],
        # offline builds spend no model tokens; the free plan's default budgets
        "models": {
            "tokens_used": 0,
            "cost_usd": 0.0,
            "token_budget": 1_000_000,
            "cost_budget_usd": 5.0,
            "build_max_tokens": 300_000,
            "builds_stopped": 0,
            "providers": [],
        },
    }
    assert datetime.fromisoformat(usage["resets_at"].replace("Z", "+00:00")) == resets_at(
        month_start()
    )


async def test_admins_bypass_and_are_still_counted(client, mint, make_project) -> None:
    user_id = uuid.uuid4()
    headers = {"Authorization": f"Bearer {mint(str(user_id), roles=['user', 'admin'])}"}
    admin = SimpleNamespace(headers=headers)
    project_id = await make_project(admin)
    for _ in range(5):
        response = await client.post(
            f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=headers
        )
        assert response.status_code == 202
    usage = (await client.get("/v1/usage", headers=headers)).json()
    assert (usage["used"], usage["limit"], usage["remaining"]) == (5, None, None)


async def test_plans_and_configured_limits(
    client, mint, make_settings, start_app, make_project
) -> None:
    from launchforge_core.main import create_app

    pro = {"Authorization": f"Bearer {mint(str(uuid.uuid4()), plan='pro')}"}
    usage = (await client.get("/v1/usage", headers=pro)).json()
    assert (usage["plan"], usage["limit"], usage["remaining"]) == ("pro", 100, 100)
    ent = {"Authorization": f"Bearer {mint(str(uuid.uuid4()), plan='enterprise')}"}
    assert (await client.get("/v1/usage", headers=ent)).json()["limit"] is None
    odd = {"Authorization": f"Bearer {mint(str(uuid.uuid4()), plan='platinum')}"}
    assert (await client.get("/v1/usage", headers=odd)).json()["plan"] == "free"

    app = create_app(make_settings(plan_limits={"free": 1, "pro": 2, "enterprise": None}))
    user_id = uuid.uuid4()
    headers = {"Authorization": f"Bearer {mint(str(user_id))}"}
    async with start_app(app) as other:
        created = await other.post("/v1/projects", json={"name": "p"}, headers=headers)
        project_id = created.json()["id"]
        first = await other.post(
            f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=headers
        )
        second = await other.post(
            f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=headers
        )
    assert (first.status_code, second.status_code) == (202, 402)


async def test_a_failed_or_cancelled_build_still_counts(client, make_user, make_build) -> None:
    user = make_user()
    build = await make_build(user)
    await client.post(f"/v1/builds/{build['id']}/cancel", headers=user.headers)
    usage = (await client.get("/v1/usage", headers=user.headers)).json()
    assert usage["used"] == 1
    assert usage["remaining"] == 2


def test_month_arithmetic() -> None:
    assert next_month(datetime(2026, 12, 31, tzinfo=UTC).date().replace(day=1)).isoformat() == (
        "2027-01-01"
    )
    assert month_start(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)).isoformat() == "2026-03-01"
    assert resets_at(month_start(datetime(2026, 2, 10, tzinfo=UTC))).isoformat() == (
        "2026-03-01T00:00:00+00:00"
    )
