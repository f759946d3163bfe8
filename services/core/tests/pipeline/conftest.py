"""Fixtures for the pipeline tests: a local stand-in for the LLM APIs and helpers.

The stand-in is a real aiohttp server on a free port that speaks the wire
formats of OpenAI-compatible chat completions, Anthropic Messages and Gemini
generateContent. Each test scripts the answers (status, body, headers) and
reads back the requests the real provider clients sent.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from launchforge_common.testing import free_port
from launchforge_core.pipeline import PipelineEvent


@dataclass
class Scripted:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> raw text
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: Any


def openai_answer(
    text: str, *, prompt: int = 11, completion: int = 7, model: str = "gpt-4o-mini"
) -> Scripted:
    return Scripted(
        body={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": text},
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
    )


def anthropic_answer(text: str | None = None, *, tool_input: Any = None) -> Scripted:
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if tool_input is not None:
        content.append({"type": "tool_use", "id": "tu_1", "name": "answer", "input": tool_input})
    return Scripted(
        body={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-3-5-sonnet-latest",
            "content": content,
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 21, "output_tokens": 9},
        }
    )


def gemini_answer(text: str) -> Scripted:
    return Scripted(
        body={
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}
            ],
            "usageMetadata": {
                "promptTokenCount": 31,
                "candidatesTokenCount": 13,
                "totalTokenCount": 44,
            },
            "modelVersion": "gemini-1.5-pro",
        }
    )


class StandIn:
    """Answers POSTs from ``script`` in order and records every request."""

    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.seen: list[Seen] = []
        # GET /v1/models lists these; None: 404, as on servers without the endpoint.
        self.models: list[str] | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.seen.append(Seen(request.path, dict(request.headers), dict(request.query), body))
        if not self.script:
            return web.json_response(
                {"error": {"message": "stand-in: nothing scripted"}}, status=599
            )
        answer = self.script.pop(0)
        if isinstance(answer.body, str):
            return web.Response(
                status=answer.status,
                text=answer.body,
                headers=answer.headers,
                content_type="application/json",
            )
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)

    async def _models(self, request: web.Request) -> web.StreamResponse:
        if self.models is None:
            return web.json_response({"error": {"message": "not found"}}, status=404)
        return web.json_response(
            {"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]}
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        app.router.add_get("/{tail:.*}", self._models)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class Recorder:
    """An ``emit`` callback that keeps every event."""

    def __init__(self) -> None:
        self.events: list[PipelineEvent] = []

    async def __call__(self, event: PipelineEvent) -> None:
        self.events.append(event)

    def stages(self) -> list[tuple[str, str | None]]:
        return [(e.stage, e.status) for e in self.events if e.kind == "stage"]

    def logs(self) -> list[str]:
        return [e.message for e in self.events if e.kind == "log"]


@pytest.fixture
def pipeline_settings():
    from launchforge_core.pipeline import PipelineSettings

    return PipelineSettings()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def run_generated_tests(
    archive: bytes, where: Path, pyc: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Unzip ``archive`` into ``where`` and run its pytest suite with core's interpreter."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        zf.extractall(where)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(where),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONPATH": str(where),
    }
    if pyc:
        env["PYTHONPYCACHEPREFIX"] = pyc
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def run_unzipped(tmp_path_factory):
    pyc = str(tmp_path_factory.mktemp("pyc-unzipped"))
    return lambda archive, where: run_generated_tests(archive, where, pyc)


# Tests share these via fixtures (no cross-test imports under importlib mode).
@pytest.fixture
def answers():
    return {
        "openai": openai_answer,
        "anthropic": anthropic_answer,
        "gemini": gemini_answer,
        "Scripted": Scripted,
    }
