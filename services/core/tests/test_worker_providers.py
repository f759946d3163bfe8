"""The worker hands the pipeline the user's decrypted key, and never falls back without one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from launchforge_common.testing import ChatCompletionStandIn
from launchforge_core.config import CoreSettings
from launchforge_core.pipeline.types import PipelineResult, StageRecord
from launchforge_core.providers import Message
from launchforge_core.worker.worker import provider_http_client

SECRET = "sk-local-" + uuid.uuid4().hex


class ChatStandIn(ChatCompletionStandIn):
    """A local OpenAI-compatible server that answers "hello" and records who asked."""

    model = "local-model"
    usage = {"prompt_tokens": 3, "completion_tokens": 1}

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        return "hello"

    @property
    def seen(self) -> list[tuple[str, str]]:
        return [(path, headers.get("authorization", "")) for path, headers, _ in self.requests]


def pipeline_that_calls_the_model(calls: list[Any]):
    async def run(inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        completion = await llm.complete([Message("user", "hi")])
        calls.append((inp.provider, completion))
        now = datetime.now(UTC)
        return PipelineResult(
            status="failed",
            error="stand-in pipeline stops after one call",
            stages=[StageRecord("spec", now, now, "failed", "stand-in")],
            spec=None,
            files={},
            archive=None,
            manifest={"model": completion.model},
            generator="llm:openai_compatible",
            usage={"input_tokens": completion.input_tokens, "output_tokens": 1},
        )

    return run


async def test_the_pipeline_gets_a_provider_with_the_users_key(
    client, make_user, make_build, make_job_context, run_build_to_end
) -> None:
    stand_in = ChatStandIn()
    await stand_in.start()
    user = make_user()
    try:
        put = await client.put(
            "/v1/provider-keys/openai_compatible",
            json={"api_key": SECRET, "base_url": f"http://127.0.0.1:{stand_in.port}/v1"},
            headers=user.headers,
        )
        assert put.status_code == 200
        created = await make_build(
            user, idea="A plant watering planner", provider="openai_compatible"
        )
        calls: list[Any] = []
        # The worker process's own client for model servers (egress-pinned).
        async with provider_http_client(CoreSettings(environment="test")) as http:
            ctx = make_job_context(run_pipeline=pipeline_that_calls_the_model(calls), http=http)
            row = await run_build_to_end(ctx, created["id"])
    finally:
        await stand_in.stop()
    assert stand_in.seen == [("/v1/chat/completions", f"Bearer {SECRET}")]
    assert calls[0][0] == "openai_compatible"
    assert row.status == "failed"
    assert row.generator == "llm:openai_compatible"
    assert row.model == "local-model"
    assert row.usage == {"input_tokens": 3, "output_tokens": 1}
    assert row.stages[0]["outcome"] == "failed"


def pipeline_that_asks_for_json(calls: list[Any]):
    async def run(inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        completion = await llm.complete([Message("user", "hi")], json_schema={"type": "object"})
        calls.append(completion)
        now = datetime.now(UTC)
        return PipelineResult(
            status="failed",
            error="stand-in pipeline stops after one call",
            stages=[StageRecord("spec", now, now, "failed", "stand-in")],
            spec=None,
            files={},
            archive=None,
            manifest={},
            generator="llm:openai_compatible",
            usage={},
        )

    return run


async def test_the_keys_chosen_response_format_is_what_the_server_is_asked(
    client, make_user, make_build, make_job_context, run_build_to_end
) -> None:
    stand_in = ChatStandIn()
    await stand_in.start()
    user = make_user()
    try:
        put = await client.put(
            "/v1/provider-keys/openai_compatible",
            json={
                "api_key": SECRET,
                "base_url": f"http://127.0.0.1:{stand_in.port}/v1",
                "response_format": "json_object_schema",
            },
            headers=user.headers,
        )
        assert put.status_code == 200, put.text
        created = await make_build(
            user, idea="A plant watering planner", provider="openai_compatible"
        )
        calls: list[Any] = []
        async with provider_http_client(CoreSettings(environment="test")) as http:
            ctx = make_job_context(run_pipeline=pipeline_that_asks_for_json(calls), http=http)
            await run_build_to_end(ctx, created["id"])
    finally:
        await stand_in.stop()
    assert len(calls) == 1
    ((_, _, body),) = stand_in.requests
    assert body["response_format"] == {"type": "json_object", "schema": {"type": "object"}}


async def test_a_key_deleted_while_queued_fails_the_build_loudly(
    client, make_user, make_build, make_job_context, run_build_to_end
) -> None:
    user = make_user()
    await client.put("/v1/provider-keys/groq", json={"api_key": SECRET}, headers=user.headers)
    created = await make_build(user, idea="A plant watering planner", provider="groq")
    await client.delete("/v1/provider-keys/groq", headers=user.headers)
    calls: list[Any] = []
    ctx = make_job_context(run_pipeline=pipeline_that_calls_the_model(calls))
    row = await run_build_to_end(ctx, created["id"])
    assert row.status == "failed"
    assert row.error == "No API key is stored for provider 'groq'."
    assert calls == []  # the pipeline never ran, with or without a model
