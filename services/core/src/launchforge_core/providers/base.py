"""The one interface every LLM provider implements, and its value types.

The pipeline only ever sees :class:`LLMProvider`; the wire formats live in the
implementations. Errors are a single typed :class:`ProviderError` whose
``message`` is safe to show a user (it never contains the API key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    input_tokens: int
    output_tokens: int
    model: str


class ProviderError(Exception):
    """A provider call failed; ``message`` is user-safe, ``status`` the HTTP status if any."""

    def __init__(
        self, message: str, *, provider: str, status: int | None = None, retryable: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.retryable = retryable

    def __str__(self) -> str:
        return f"{self.provider}: {self.message}"


class ResponseFormatRefusedError(ProviderError):
    """The server refused the requested response format (its error names it)."""


class ConnectionDroppedError(ProviderError):
    """The server closed the connection without answering, even after one retry."""


@runtime_checkable
class LLMProvider(Protocol):
    """A chat model behind some HTTP API."""

    name: str
    default_model: str

    async def complete(
        self,
        messages: list[Message],
        *,
        model: str | None = None,
        json_schema: dict[str, Any] | None = None,
        temperature: float = 0.2,
        max_tokens: int = 4096,
    ) -> Completion:
        """Return the model's answer; with ``json_schema`` the answer should be that JSON."""
        ...
