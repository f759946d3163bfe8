"""The pipeline's public value types: the contract the worker calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

# One definition each: the API validates with the Literal, the pipeline checks the tuple.
Theme = Literal["modern", "minimal", "corporate", "creative", "dark", "light", "startup"]
Provider = Literal["offline", "openai", "anthropic", "google", "groq", "openai_compatible"]
THEMES: tuple[str, ...] = get_args(Theme)
PROVIDERS: tuple[str, ...] = get_args(Provider)
STAGES = ("spec", "generate", "validate", "fix", "package")


@dataclass(frozen=True)
class BuildInput:
    """What a person asked for (validated by the API; the pipeline re-checks the basics)."""

    idea: str
    target_users: str | None = None
    features: tuple[str, ...] = ()
    theme: str = "modern"
    provider: str = "offline"
    model: str | None = None
    # A caller-supplied spec skips extraction but is still schema-validated.
    spec: dict[str, Any] | None = None
    # A change asked of a model: the spec of the version it changes, and the words.
    base_spec: dict[str, Any] | None = None
    change_request: str | None = None


@dataclass(frozen=True)
class PipelineEvent:
    """A stage change (``kind="stage"``) or a log line (``kind="log"``)."""

    kind: Literal["stage", "log"]
    stage: str
    status: Literal["started", "succeeded", "failed", "skipped"] | None = None
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


Emit = Callable[[PipelineEvent], Awaitable[None]]


@dataclass
class StageRecord:
    name: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str  # running|succeeded|failed|skipped
    detail: str | None = None


@dataclass
class PipelineResult:
    status: Literal["succeeded", "failed"]
    error: str | None
    stages: list[StageRecord]
    spec: dict[str, Any] | None
    files: dict[str, bytes]
    archive: bytes | None
    manifest: dict[str, Any] | None
    generator: str
    usage: dict[str, int]


class PipelineError(Exception):
    """A stage failed; ``message`` is short, user-readable and free of secrets."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class BudgetExceededError(PipelineError):
    """A model call was not made: its worst case does not fit in a budget (services/budgets)."""


class PipelineConfigError(ValueError):
    """The caller asked for something the pipeline must refuse (e.g. an LLM provider, no llm)."""
