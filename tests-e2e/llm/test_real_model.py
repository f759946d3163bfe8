"""Builds through the whole platform against a real model server (llama.cpp, Gemma 3 270M).

gateway -> core -> worker -> the model server, with ``provider: openai_compatible``.
What a stand-in may not do and the real server does: refuse ``json_schema`` with a
500 (the provider then asks in llama.cpp's ``json_object`` + schema form, once, and
remembers it), build a grammar from the schema sent (the grammar-friendly one: the
server must still be alive afterwards), write invalid JSON (the repair round runs),
and report real token counts. Beside it run the builds whose server is wrong: a
model name it does not serve, a port where nothing listens, a server that never
answers. Each ends with an error that says what to change.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from launchforge_common.testing import free_port
from launchforge_core.providers.format_memory import memory_key
from redis.asyncio import Redis
from test_builds import follow, login

BASE_URL = os.environ.get("LF_LLM_BASE_URL", "")
MODEL = os.environ.get("LF_LLM_MODEL", "gemma3-270m")
SERVER_LOG = os.environ.get("LF_LLM_SERVER_LOG", "")
CALL_DEADLINE = float(os.environ.get("LF_LLM_CALL_DEADLINE", "150"))
IDEA = "A reading list: I track books and their authors, and mark each book as read or not."
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


class SilentServer:
    """Lists the model at GET /v1/models, then never answers a chat call (a slow server)."""

    def __init__(self) -> None:
        self.posts = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            if head.startswith("GET"):
                body = b'{"object": "list", "data": [{"id": "%s"}]}' % MODEL.encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
                return
            self.posts += 1
            await asyncio.sleep(CALL_DEADLINE + 120)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()


async def _forget_format(base_url: str) -> None:
    """This run starts not knowing the server's format (another run may have taught it)."""
    redis = Redis.from_url(REDIS_URL)
    try:
        digest = memory_key(base_url, MODEL)
        keys = [k async for k in redis.scan_iter(f"lf:*:response-format:{digest}")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def _user_with_key(gateway: httpx.AsyncClient, base_url: str) -> tuple[dict[str, str], str]:
    headers = await login(gateway)
    key = await gateway.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": "sk-local-llama-cpp", "base_url": base_url},
        headers=headers,
    )
    assert key.status_code == 200, key.text
    project = await gateway.post("/v1/projects", json={"name": "Reading"}, headers=headers)
    assert project.status_code == 201, project.text
    return headers, project.json()["id"]


async def _build(
    gateway: httpx.AsyncClient, headers: dict[str, str], project_id: str, model: str
) -> dict[str, Any]:
    created = await gateway.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": IDEA, "provider": "openai_compatible", "model": model},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    events = await follow(gateway, created.json()["id"], headers)
    assert events[-1]["kind"] == "status"
    build = (await gateway.get(f"/v1/builds/{created.json()['id']}", headers=headers)).json()
    build["_events"] = events
    return build


def _server_log() -> bytes:
    return Path(SERVER_LOG).read_bytes() if SERVER_LOG else b""


@pytest.mark.timeout(900)
async def test_real_builds_and_clear_errors(gateway: httpx.AsyncClient) -> None:
    await _forget_format(BASE_URL)
    log_offset = len(_server_log())
    silent = SilentServer()
    await silent.start()
    down_url = f"http://127.0.0.1:{free_port()}/v1"
    try:
        real_headers, real_project = await _user_with_key(gateway, BASE_URL)
        down_headers, down_project = await _user_with_key(gateway, down_url)
        slow_headers, slow_project = await _user_with_key(
            gateway, f"http://127.0.0.1:{silent.port}/v1"
        )
        # The error cases run beside the real build (the worker takes four at once).
        wrong, down, slow, real = await asyncio.gather(
            _build(gateway, real_headers, real_project, "no-such-model"),
            _build(gateway, down_headers, down_project, MODEL),
            _build(gateway, slow_headers, slow_project, MODEL),
            _build(gateway, real_headers, real_project, MODEL),
        )
    finally:
        await silent.stop()

    for label, build in (("wrong", wrong), ("down", down), ("slow", slow), ("real", real)):
        print(f"\n{label}: {build['status']}: {build.get('error')} usage={build.get('usage')}")
    # A wrong model name: llama.cpp would answer it with its one model; the check names it.
    assert wrong["status"] == "failed"
    assert "does not serve the model 'no-such-model'" in wrong["error"]
    assert f"'{MODEL}'" in wrong["error"]
    # Nothing listens: bounded retries, then the address and what to check.
    assert down["status"] == "failed"
    assert f"could not reach the API at {down_url}" in down["error"]
    assert "is the server running" in down["error"]
    # A server that never answers: one call, stopped at the deadline, not retried.
    assert slow["status"] == "failed"
    assert f"did not answer within {CALL_DEADLINE:g} s" in slow["error"]
    assert "CORE_PROVIDER_CALL_DEADLINE_SECONDS" in slow["error"]
    assert silent.posts == 1
    for build in (wrong, down, slow):
        assert "internal error" not in build["error"].lower()

    # The real model: its answer validated, or the repair round ran and the spec
    # stage failed saying why; either way a clear outcome and real token counts.
    assert real["status"] in ("succeeded", "failed"), real
    stages = {s["name"]: s for s in real["stages"]}
    spec_stage = stages["spec"]
    usage = (await gateway.get("/v1/usage", headers=real_headers)).json()["models"]
    (provider,) = usage["providers"]
    assert provider["provider"] == "openai_compatible"
    assert real["usage"]["input_tokens"] > 500  # the spec prompt alone is over 1,000 tokens
    assert real["usage"]["output_tokens"] > 0
    assert provider["input_tokens"] == real["usage"]["input_tokens"]
    assert provider["output_tokens"] == real["usage"]["output_tokens"]
    assert usage["tokens_used"] == real["usage"]["input_tokens"] + real["usage"]["output_tokens"]
    if spec_stage["outcome"] == "failed":
        assert real["status"] == "failed"
        assert real["error"].startswith(
            ("the model's spec failed validation", "openai_compatible: ")
        ), real["error"]
        if real["error"].startswith("the model's spec failed validation"):
            assert provider["calls"] == 2  # the first answer and the repair round
    else:
        assert spec_stage["outcome"] == "succeeded"
        spec = await gateway.get(f"/v1/builds/{real['id']}/files/spec.json", headers=real_headers)
        if real["status"] == "succeeded":
            assert spec.status_code == 200
    if real["status"] == "failed":
        assert "internal error" not in real["error"].lower()
    print(
        f"\nreal build: {real['status']}, spec stage {spec_stage['outcome']}, "
        f"{provider['calls']} calls, {real['usage']}, error: {real.get('error')}"
    )

    # The server refused json_schema once (a 500), then took llama.cpp's form, which the
    # provider remembered: no second 500. And the grammar from that schema did not kill it.
    if SERVER_LOG:
        log = _server_log()[log_offset:].decode("utf-8", "replace")
        statuses = re.findall(r'"POST /v1/chat/completions HTTP/1.1" (\d{3})', log)
        assert statuses.count("500") == 1, statuses
        assert statuses.count("200") == provider["calls"], statuses
        assert "failed to parse grammar" not in log
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(f"{BASE_URL}/models")).status_code == 200
