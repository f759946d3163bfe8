"""Anthropic Messages API (``POST /v1/messages`` with ``x-api-key``)."""

from __future__ import annotations

import json
from typing import Any

from launchforge_core.providers.base import Completion, Message
from launchforge_core.providers.http import HTTPProviderBase

ANTHROPIC_VERSION = "2023-06-01"
_TOOL = "answer"


class AnthropicProvider(HTTPProviderBase):
    """Structured output through a forced tool call whose ``input_schema`` is the schema."""

    name = "anthropic"
    default_model = "claude-3-5-sonnet-latest"

    async def complete(
        self,
        messages: list[Message],
        *,
        model: str | None = None,
        json_schema: dict[str, Any] | None = None,
        temperature: float = 0.2,
        max_tokens: int = 4096,
    ) -> Completion:
        chosen = model or self.default_model
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        payload: dict[str, Any] = {
            "model": chosen,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "messages": [
                {"role": m.role, "content": m.content} for m in messages if m.role != "system"
            ],
        }
        if system:
            payload["system"] = system
        if json_schema is not None:
            payload["tools"] = [
                {"name": _TOOL, "description": "Return the answer.", "input_schema": json_schema}
            ]
            payload["tool_choice"] = {"type": "tool", "name": _TOOL}
        headers = {"x-api-key": self._api_key, "anthropic-version": ANTHROPIC_VERSION}
        body = await self._post_json("/v1/messages", payload, headers=headers)
        blocks = body.get("content")
        if not isinstance(blocks, list):
            raise self._fail("the API answer has no content blocks")
        text = ""
        for block in blocks:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use" and json_schema is not None:
                text = json.dumps(block.get("input"))
                break
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                text += block["text"]
        usage = body.get("usage") or {}
        return Completion(
            text=text,
            input_tokens=int(usage.get("input_tokens") or 0),
            output_tokens=int(usage.get("output_tokens") or 0),
            model=str(body.get("model") or chosen),
        )
