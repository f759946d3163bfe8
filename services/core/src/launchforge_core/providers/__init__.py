"""LLM providers over httpx: one interface, three wire formats."""

from launchforge_core.providers.anthropic import AnthropicProvider
from launchforge_core.providers.base import Completion, LLMProvider, Message, ProviderError
from launchforge_core.providers.factory import (
    DEFAULT_BASE_URLS,
    DEFAULT_MODELS,
    LLM_PROVIDERS,
    create_provider,
    estimate_cost,
)
from launchforge_core.providers.gemini import GeminiProvider
from launchforge_core.providers.openai_compat import OpenAICompatibleProvider
from launchforge_core.providers.retry import RetryPolicy

__all__ = [
    "DEFAULT_BASE_URLS",
    "DEFAULT_MODELS",
    "LLM_PROVIDERS",
    "AnthropicProvider",
    "Completion",
    "GeminiProvider",
    "LLMProvider",
    "Message",
    "OpenAICompatibleProvider",
    "ProviderError",
    "RetryPolicy",
    "create_provider",
    "estimate_cost",
]
