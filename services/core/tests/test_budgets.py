"""Model budgets: checked before each model call, recorded after it, shown by /v1/usage.

The model is an OpenAI-compatible stand-in server that reports known token
counts; the pipeline, worker, PostgreSQL and the API are the real ones.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from typing import Any

from launchforge_common.testing import ChatCompletionStandIn
from launchforge_core.config import CoreSettings
from launchforge_core.models import BuildEvent
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.services.budgets import BudgetPolicy, add_usage, month_spend
from launchforge_core.worker.worker import provider_http_client
from sqlalchemy import select

SPEC = {
    "name": "Tiny Notes",
    "entities": [
        {
            "name": "Note",
            "fields": [{"name": "title", "type": "string", "required": True, "max_length": 40}],
        }
    ],
}
IDEA = "A notes app: each note has a title"
# Every call reports 30,000 prompt and 1,000 completion tokens; each call's
# worst case (estimated prompt + max_tokens) stays under 12,000 tokens.
PER_CALL = 31_000
PIPELINE = PipelineSettings(run_validation=False, llm_max_tokens=8000)


class ModelStandIn(ChatCompletionStandIn):
    """Answers the spec request with SPEC and the files request with no files."""

    model = "local-model"
    usage = {"prompt_tokens": 30_000, "completion_tokens": 1_000}

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        return json.dumps(SPEC) if system.startswith("You design") else '{"files": []}'


async def _with_key(client: Any, user: Any, stand_in: ModelStandIn) -> None:
    put = await client.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": "sk-local-1", "base_url": f"http://127.0.0.1:{stand_in.port}/v1"},
        headers=user.headers,
    )
    assert put.status_code == 200


async def _run(make_build, make_job_context, run_build_to_end, user, policy) -> Any:
    created = await make_build(user, idea=IDEA, provider="openai_compatible")
    async with provider_http_client(CoreSettings(environment="test")) as http:
        ctx = make_job_context(http=http, budgets=policy, pipeline_settings=PIPELINE)
        return await run_build_to_end(ctx, created["id"])


async def test_a_build_stops_before_the_call_that_would_pass_its_maximum(
    client, make_user, make_build, make_job_context, run_build_to_end
) -> None:
    stand_in = ModelStandIn()
    await stand_in.start()
    user = make_user()
    policy = BudgetPolicy(token_budgets={"free": None}, build_max_tokens=35_000)
    try:
        await _with_key(client, user, stand_in)
        row = await _run(make_build, make_job_context, run_build_to_end, user, policy)
    finally:
        await stand_in.stop()
    # The spec call was made; the files call (31,000 + its worst case > 35,000) was not.
    assert len(stand_in.requests) == 1
    assert row.status == "failed"
    assert row.error is not None
    assert row.error.startswith(
        "Build token maximum reached: 31,000 of 35,000 tokens used; "
        "the next model call could use up to "
    )
    assert [(s["name"], s["outcome"]) for s in row.stages] == [
        ("spec", "succeeded"),
        ("generate", "failed"),
    ]
    usage = (await client.get("/v1/usage", headers=user.headers)).json()["models"]
    assert usage["tokens_used"] == PER_CALL
    assert usage["builds_stopped"] == 1
    assert usage["providers"][0]["provider"] == "openai_compatible"
    assert usage["providers"][0]["calls"] == 1


async def test_the_monthly_budget_spans_builds_and_usage_shows_it(
    client, make_user, make_build, make_job_context, run_build_to_end, sessionmaker
) -> None:
    stand_in = ModelStandIn()
    await stand_in.start()
    user, other = make_user(), make_user()
    policy = BudgetPolicy(
        token_budgets={"free": 100_000},
        cost_budgets_usd={"free": None},
        prices={"openai_compatible/local-model": (1.0, 2.0)},
    )
    try:
        await _with_key(client, user, stand_in)
        first = await _run(make_build, make_job_context, run_build_to_end, user, policy)
        assert first.status == "succeeded", first.error
        assert len(stand_in.requests) == 2
        second = await _run(make_build, make_job_context, run_build_to_end, user, policy)
    finally:
        await stand_in.stop()
    # The second build's spec call fits (62,000 + < 12,000); its files call would not.
    assert len(stand_in.requests) == 3
    assert second.status == "failed"
    assert second.error is not None
    assert second.error.startswith(
        "Monthly token budget reached: 93,000 of 100,000 tokens used; "
        "the next model call could use up to "
    )
    async with sessionmaker() as session:
        events = (
            await session.execute(
                select(BuildEvent.kind, BuildEvent.stage, BuildEvent.message).where(
                    BuildEvent.build_id == second.id
                )
            )
        ).all()
    # a log line, the generate stage's failure and the build's terminal status say why
    assert ("log", "generate", second.error) in [tuple(e) for e in events]
    assert ("stage", "generate", second.error) in [tuple(e) for e in events]
    assert any(e.kind == "status" and e.message == second.error for e in events)
    shown = (await client.get(f"/v1/builds/{second.id}", headers=user.headers)).json()
    assert shown["status"] == "failed"
    assert shown["error"] == second.error
    usage = (await client.get("/v1/usage", headers=user.headers)).json()["models"]
    # 3 calls of 30,000 in and 1,000 out at $1 / $2 per million: $0.032 each.
    assert usage == {
        "tokens_used": 93_000,
        "cost_usd": 0.096,
        "token_budget": 1_000_000,  # the app's own setting; the worker used its policy
        "cost_budget_usd": 5.0,
        "build_max_tokens": 300_000,
        "builds_stopped": 1,
        "providers": [
            {
                "provider": "openai_compatible",
                "input_tokens": 90_000,
                "output_tokens": 3_000,
                "tokens": 93_000,
                "cost_usd": 0.096,
                "calls": 3,
                "builds_stopped": 1,
            }
        ],
    }
    # Another user sees none of it.
    theirs = (await client.get("/v1/usage", headers=other.headers)).json()["models"]
    assert (theirs["tokens_used"], theirs["providers"]) == (0, [])


async def test_concurrent_increments_add_up(sessionmaker) -> None:
    user_id = uuid.uuid4()

    async def one(i: int) -> None:
        async with sessionmaker() as session:
            await add_usage(
                session,
                user_id,
                "openai" if i % 2 else "groq",
                input_tokens=100,
                output_tokens=10,
                cost_usd=Decimal("0.001"),
                calls=1,
            )
            await session.commit()

    await asyncio.gather(*(one(i) for i in range(30)))
    async with sessionmaker() as session:
        spend = await month_spend(session, user_id)
    assert spend.tokens == 30 * 110
    assert spend.cost_usd == Decimal("0.030")
    assert [(p.provider, p.calls, p.input_tokens) for p in spend.providers] == [
        ("groq", 15, 1500),
        ("openai", 15, 1500),
    ]


async def test_an_exhausted_budget_refuses_model_builds_at_submission(
    client, make_user, make_project, sessionmaker
) -> None:
    user = make_user()
    await client.put("/v1/provider-keys/groq", json={"api_key": "sk-groq-1"}, headers=user.headers)
    me = (await client.get("/v1/usage", headers=user.headers)).json()
    assert me["models"]["token_budget"] == 1_000_000
    async with sessionmaker() as session:
        await add_usage(session, user.id, "groq", input_tokens=999_000, output_tokens=1_000)
        await session.commit()
    project_id = await make_project(user)
    refused = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": IDEA, "provider": "groq"},
        headers=user.headers,
    )
    assert refused.status_code == 402
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["title"] == "Model budget exceeded"
    assert (problem["budget"], problem["limit"], problem["used"]) == (
        "tokens",
        1_000_000,
        1_000_000,
    )
    # Nothing was queued or counted against the build quota; offline builds still run.
    usage = (await client.get("/v1/usage", headers=user.headers)).json()
    assert usage["used"] == 0
    offline = await client.post(
        f"/v1/projects/{project_id}/builds", json={"idea": IDEA}, headers=user.headers
    )
    assert offline.status_code == 202


def test_settings_and_policy(monkeypatch) -> None:
    monkeypatch.setenv("CORE_BUILD_MAX_TOKENS", "null")
    monkeypatch.setenv("CORE_PLAN_TOKEN_BUDGETS", '{"free": 10, "team": null}')
    monkeypatch.setenv("CORE_MODEL_PRICES", '{"groq/m": [1, 2], "m": [5, 5]}')
    policy = BudgetPolicy.from_settings(CoreSettings(environment="test"))
    assert policy.build_max_tokens is None
    # unknown plans and builds without a plan get free's budget; admins none
    assert [policy.token_budget(p) for p in ("team", "gold", None, "(admin)")] == [
        None,
        10,
        10,
        None,
    ]
    # provider/model wins over model; an unknown model costs 0
    assert policy.cost("groq", "m", 1_000_000, 1_000_000) == Decimal("3")
    assert policy.cost("openai", "m", 1_000_000, 0) == Decimal("5")
    assert policy.cost("openai", "unknown", 10**9, 10**9) == Decimal(0)
