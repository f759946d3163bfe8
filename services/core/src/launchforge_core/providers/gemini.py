"""Google Gemini ``generateContent`` (key in the ``x-goog-api-key`` header)."""

from __future__ import annotations

from typing import Any

from launchforge_core.providers.base import Completion, Message
from launchforge_core.providers.http import HTTPProviderBase


class GeminiProvider(HTTPProviderBase):
    """``POST /v1beta/models/{model}:generateContent``; JSON via ``responseJsonSchema``."""

    name = "google"
    default_model = "gemini-1.5-pro"

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
        config: dict[str, Any] = {"temperature": temperature, "maxOutputTokens": max_tokens}
        if json_schema is not None:
            config["responseMimeType"] = "application/json"
            config["responseJsonSchema"] = json_schema
        payload: dict[str, Any] = {
            "contents": [
                {
                    "role": "model" if m.role == "assistant" else "user",
                    "parts": [{"text": m.content}],
                }
                for m in messages
                if m.role != "system"
            ],
            "generationConfig": config,
        }
        if system:
            payload["systemInstruction"] = {"parts": [{"text": system}]}
        headers = {"x-goog-api-key": self._api_key}
        body = await self._post_json(
            f"/v1beta/models/{chosen}:generateContent", payload, headers=headers
        )
        try:
            parts = body["candidates"][0]["content"]["parts"]
            text = "".join(p.get("text", "") for p in parts if isinstance(p, dict))
        except (KeyError, IndexError, TypeError, AttributeError):
            raise self._fail("the API answer has no candidates[0].content.parts") from None
        usage = body.get("usageMetadata") or {}
        return Completion(
            text=text,
            input_tokens=int(usage.get("promptTokenCount") or 0),
            output_tokens=int(usage.get("candidatesTokenCount") or 0),
            model=str(body.get("modelVersion") or chosen),
        )
