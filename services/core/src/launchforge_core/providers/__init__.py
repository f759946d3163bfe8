"""LLM providers over httpx: one interface, three wire formats.

Why not the official SDKs (openai, anthropic, google-genai): the pipeline uses one
call of each API (a chat completion, asked for JSON), and what matters about that
call is how it fails. The openai_compatible path reads the raw answer: a self-hosted
server's 4xx/5xx whose body names ``response_format`` is asked once more in
llama.cpp's form and the form is remembered; a connection the server dropped (it
died on a grammar) is told apart from a deadline that passed, neither retried in a
storm; ``GET /models`` is checked because llama.cpp answers any model name. The SDKs
wrap these in their own exception types and their own retry loops with their own
backoff, which would have to be switched off and unwrapped, and each brings its own
dependency tree for one endpoint. One retry policy (``retry.py``), one deadline and
one error vocabulary across the four providers is the part worth owning; the pinned
egress transport (``egress.py``) would work either way (the SDKs take
``http_client=``). Revisit when the pipeline streams answers or uses tool calls,
where the SDKs carry real weight.
"""

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
