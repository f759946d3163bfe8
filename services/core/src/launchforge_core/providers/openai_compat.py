"""OpenAI-compatible chat completions: OpenAI, Groq, and any base URL (Ollama, vLLM, llama.cpp)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from launchforge_core.providers.base import (
    Completion,
    ConnectionDroppedError,
    Message,
    ProviderError,
    ResponseFormatRefusedError,
)
from launchforge_core.providers.format_memory import FormatMemory
from launchforge_core.providers.grammar_schema import grammar_friendly
from launchforge_core.providers.http import HTTPProviderBase

Structured = Literal["auto", "json_schema", "json_object_schema", "json_object", "none"]
STRUCTURED_FORMS: tuple[Structured, ...] = get_args(Structured)


def structured_form(value: str | None) -> Structured:
    """A stored choice as a form; unset or unknown (a row from a newer release): ``auto``."""
    for form in STRUCTURED_FORMS:
        if value == form:
            return form
    return "auto"


# What ``auto`` tries, in order, while the server refuses the response format.
AUTO_ORDER: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object")


def response_format(form: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The ``response_format`` of one form (None: ask for plain text)."""
    if form == "json_schema":  # OpenAI structured outputs, vLLM
        return {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": schema, "strict": False},
        }
    if form == "json_object_schema":  # llama.cpp's server: JSON mode constrained by a schema
        return {"type": "json_object", "schema": schema}
    if form == "json_object":  # JSON mode: Groq, Ollama, most servers
        return {"type": "json_object"}
    return None


class OpenAICompatibleProvider(HTTPProviderBase):
    """``POST {base}/chat/completions`` with ``Authorization: Bearer``.

    ``structured`` picks how JSON output is requested: ``json_schema`` (OpenAI's
    structured outputs), ``json_object_schema`` (llama.cpp's form), ``json_object``
    (JSON mode), ``none``, or ``auto``: the form ``format_memory`` remembers for this
    base URL and model, else ``json_schema``, falling back along ``AUTO_ORDER`` when
    the server refuses the response format, and remembering the form that worked.
    The schema sent is :func:`grammar_friendly`'s loose copy; callers validate the
    answer against their full schema.

    ``check_model`` asks ``GET {base}/models`` once before the first call: servers such
    as llama.cpp answer any model name with the one model they have, so a wrong name
    would otherwise go unnoticed.
    """

    def __init__(
        self,
        *,
        name: str = "openai",
        default_model: str = "gpt-4o-mini",
        structured: Structured = "json_schema",
        format_memory: FormatMemory | None = None,
        check_model: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.default_model = default_model
        self.structured = structured
        self.format_memory = format_memory
        self.check_model = check_model
        self._checked: set[str] = set()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    async def _check_model(self, model: str) -> None:
        if not self.check_model or model in self._checked:
            return
        body = await self._get_json("/models", headers=self._headers())
        data = body.get("data") if body is not None else None
        if isinstance(data, list):
            served = [m.get("id") for m in data if isinstance(m, dict)]
            served = [m for m in served if isinstance(m, str)]
            if served and model not in served:
                raise self._fail(
                    f"the server at {self._where()} does not serve the model {model!r}; "
                    f"it serves {', '.join(repr(m) for m in served[:10])}: "
                    "give the build one of them as its model",
                    status=404,
                )
        self._checked.add(model)

    async def _form(self, model: str) -> str:
        if self.structured != "auto":
            return self.structured
        if self.format_memory is not None:
            known = await self.format_memory.get(self.base_url, model)
            if known is not None:
                return known
        return AUTO_ORDER[0]

    async def _remember(self, model: str, form: str) -> None:
        if self.structured == "auto" and self.format_memory is not None:
            await self.format_memory.remember(self.base_url, model, form)

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
        await self._check_model(chosen)
        payload: dict[str, Any] = {
            "model": chosen,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if json_schema is None:
            body = await self._post_json("/chat/completions", payload, headers=self._headers())
            return self._completion(body, chosen)
        schema = grammar_friendly(json_schema)
        form = await self._form(chosen)
        while True:
            fmt = response_format(form, schema)
            if fmt is None:
                payload.pop("response_format", None)
            else:
                payload["response_format"] = fmt
            try:
                body = await self._post_json("/chat/completions", payload, headers=self._headers())
            except ResponseFormatRefusedError as exc:
                following = self._next_form(form)
                if following is None:
                    raise self._format_error(form, exc) from None
                form = following
                continue
            except ConnectionDroppedError as exc:
                if form not in ("json_schema", "json_object_schema"):
                    raise
                hint = (
                    "; a schema was sent, and llama.cpp exits on one it cannot turn into a "
                    "grammar: "
                )
                if self.structured == "auto":
                    # Next time ask without a schema: this server may die on the grammar.
                    await self._remember(chosen, "json_object")
                    hint += "the next build asks this server for plain JSON mode"
                else:
                    hint += "set the key's response_format to json_object"
                raise self._fail(exc.message + hint) from None
            await self._remember(chosen, form)
            return self._completion(body, chosen)

    def _next_form(self, form: str) -> str | None:
        if self.structured != "auto" or form not in AUTO_ORDER:
            return None
        index = AUTO_ORDER.index(form)
        return AUTO_ORDER[index + 1] if index + 1 < len(AUTO_ORDER) else None

    def _format_error(self, form: str, exc: ProviderError) -> ProviderError:
        tried = "every JSON response format" if self.structured == "auto" else f"{form!r}"
        return self._fail(
            f"{exc.message}. The server refused {tried}; use a server that supports "
            "JSON output (response_format json_schema or json_object)",
            status=exc.status,
        )

    def _completion(self, body: dict[str, Any], chosen: str) -> Completion:
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
