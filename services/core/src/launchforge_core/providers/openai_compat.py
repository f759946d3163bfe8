"""OpenAI-compatible chat completions: OpenAI, Groq, and any base URL (Ollama, vLLM)."""

from __future__ import annotations

from typing import Any, Literal

from launchforge_core.providers.base import Completion, Message
from launchforge_core.providers.http import HTTPProviderBase


class OpenAICompatibleProvider(HTTPProviderBase):
    """``POST {base}/chat/completions`` with ``Authorization: Bearer``.

    ``structured`` picks how JSON output is requested: ``json_schema`` (OpenAI's
    structured outputs), ``json_object`` (JSON mode, which Groq and most
    self-hosted servers understand) or ``none``.
    """

    def __init__(
        self,
        *,
        name: str = "openai",
        default_model: str = "gpt-4o-mini",
        structured: Literal["json_schema", "json_object", "none"] = "json_schema",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.default_model = default_model
        self.structured = structured

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
        payload: dict[str, Any] = {
            "model": chosen,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if json_schema is not None and self.structured == "json_schema":
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": json_schema, "strict": False},
            }
        elif json_schema is not None and self.structured == "json_object":
            payload["response_format"] = {"type": "json_object"}
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        body = await self._post_json("/chat/completions", payload, headers=headers)
        try:
            text = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self._fail("the API answer has no choices[0].message.content") from None
        if not isinstance(text, str):
            raise self._fail("the API answer has no text content")
        usage = body.get("usage") or {}
        return Completion(
            text=text,
            input_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
            model=str(body.get("model") or chosen),
        )
