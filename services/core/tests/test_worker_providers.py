"""The worker hands the pipeline the user's decrypted key, and never falls back without one."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from launchforge_common.testing import free_port
from launchforge_core.core.config import CoreSettings
from launchforge_core.pipeline.types import PipelineResult, StageRecord
from launchforge_core.providers import Message
from launchforge_core.worker.worker import provider_http_client

SECRET = "sk-local-" + uuid.uuid4().hex


class ChatStandIn:
    """A local OpenAI-compatible ``/v1/chat/completions`` that records what it was sent."""

    def __init__(self) -> None:
        self.port = free_port()
        self.seen: list[tuple[str, str]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        lines = head.split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        await reader.readexactly(int(headers.get("content-length", "0")))
        self.seen.append((lines[0].split(" ")[1], headers.get("authorization", "")))
        body = json.dumps(
            {
                "model": "local-model",
                "choices": [{"message": {"role": "assistant", "content": "hello"}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 1},
            }
        ).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )
        await writer.drain()
        writer.close()


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
    server = await asyncio.start_server(stand_in.handle, "127.0.0.1", stand_in.port)
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
        server.close()
        await server.wait_closed()
    assert stand_in.seen == [("/v1/chat/completions", f"Bearer {SECRET}")]
    assert calls[0][0] == "openai_compatible"
    assert row.status == "failed"
    assert row.generator == "llm:openai_compatible"
    assert row.model == "local-model"
    assert row.usage == {"input_tokens": 3, "output_tokens": 1}
    assert row.stages[0]["outcome"] == "failed"


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
