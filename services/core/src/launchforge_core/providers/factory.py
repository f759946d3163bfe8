"""``create_provider``: a provider name and a user's key -> an :class:`LLMProvider`."""

from __future__ import annotations

from typing import Any

import httpx

from launchforge_core.providers.anthropic import AnthropicProvider
from launchforge_core.providers.base import LLMProvider, ProviderError
from launchforge_core.providers.format_memory import FormatMemory
from launchforge_core.providers.gemini import GeminiProvider
from launchforge_core.providers.http import DEFAULT_CALL_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES
from launchforge_core.providers.openai_compat import OpenAICompatibleProvider, structured_form
from launchforge_core.providers.retry import RetryPolicy

LLM_PROVIDERS = ("openai", "anthropic", "google", "groq", "openai_compatible")

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-3-5-sonnet-latest",
    "google": "gemini-1.5-pro",
    "groq": "llama-3.1-70b-versatile",
    "openai_compatible": "llama3.1",
}

DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "google": "https://generativelanguage.googleapis.com",
    "groq": "https://api.groq.com/openai/v1",
}

# USD per million tokens (input, output), for the manifest's cost estimate;
# models not listed get no cost rather than a guess.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "claude-3-5-sonnet-latest": (3.00, 15.00),
    "gemini-1.5-pro": (1.25, 5.00),
    "llama-3.1-70b-versatile": (0.59, 0.79),
}


def estimate_cost(model: str | None, input_tokens: int, output_tokens: int) -> float | None:
    """USD cost when the model's price is known, else ``None``."""
    if model is None or model not in PRICES_PER_MTOK:
        return None
    price_in, price_out = PRICES_PER_MTOK[model]
    return round((input_tokens * price_in + output_tokens * price_out) / 1_000_000, 8)


def create_provider(
    name: str,
    api_key: str,
    base_url: str | None = None,
    *,
    http: httpx.AsyncClient | None = None,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout | float | None = None,
    call_deadline: float = DEFAULT_CALL_DEADLINE,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    format_memory: FormatMemory | None = None,
    structured: str | None = None,
) -> LLMProvider:
    """Build the provider ``name``; ``openai_compatible`` needs a ``base_url``.

    ``openai_compatible`` servers differ in the JSON output they accept and may serve
    any model name: that provider detects the response format (remembered in
    ``format_memory``) unless ``structured`` names the form, and checks the model
    against the server's list first.
    """
    common: dict[str, Any] = {
        "api_key": api_key,
        "http": http,
        "retry": retry,
        "timeout": timeout,
        "call_deadline": call_deadline,
        "max_response_bytes": max_response_bytes,
    }
    if name not in LLM_PROVIDERS:
        raise ProviderError(f"unknown provider {name!r}", provider=name)
    if name == "openai_compatible" and not base_url:
        raise ProviderError("openai_compatible needs a base_url", provider=name)
    url = base_url or DEFAULT_BASE_URLS[name]
    if name == "anthropic":
        return AnthropicProvider(base_url=url, **common)
    if name == "google":
        return GeminiProvider(base_url=url, **common)
    if name == "openai_compatible":
        return OpenAICompatibleProvider(
            name=name,
            default_model=DEFAULT_MODELS[name],
            structured=structured_form(structured),
            format_memory=format_memory,
            check_model=True,
            base_url=url,
            **common,
        )
    return OpenAICompatibleProvider(
        name=name,
        default_model=DEFAULT_MODELS[name],
        structured="json_schema" if name == "openai" else "json_object",
        base_url=url,
        **common,
    )
