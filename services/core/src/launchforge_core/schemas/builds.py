"""Request and response bodies of the builds, specs and provider-keys APIs."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
)

from launchforge_core.pipeline.types import Provider, Theme

LLMProvider = Literal["openai", "anthropic", "google", "groq", "openai_compatible"]
BuildStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]

MAX_SPEC_BYTES = 64 * 1024
MAX_FEATURES = 30

Feature = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class BuildCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idea: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000)]
    target_users: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None
    ) = None
    features: list[Feature] = Field(default_factory=list, max_length=MAX_FEATURES)
    theme: Theme = "modern"
    provider: Provider = "offline"
    model: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    spec: dict[str, Any] | None = None

    @field_validator("spec")
    @classmethod
    def _spec_size(cls, spec: dict[str, Any] | None) -> dict[str, Any] | None:
        return check_spec_size(spec)


def check_spec_size(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if spec is not None and len(json.dumps(spec)) > MAX_SPEC_BYTES:
        raise ValueError(f"spec must be at most {MAX_SPEC_BYTES} bytes of JSON")
    return spec


class SpecCheck(BaseModel):
    """``POST /v1/specs/validate``: a spec to check, and the theme a build would give it."""

    model_config = ConfigDict(extra="forbid")

    spec: dict[str, Any]
    theme: Theme = "modern"

    @field_validator("spec")
    @classmethod
    def _spec_size(cls, spec: dict[str, Any]) -> dict[str, Any] | None:
        return check_spec_size(spec)


class SpecChecked(BaseModel):
    """A valid spec as a build would use it: slug, theme, routes and pages filled in."""

    spec: dict[str, Any]


class StagePublic(BaseModel):
    name: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: str
    detail: str | None = None


class BuildPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    status: BuildStatus
    idea: str
    target_users: str | None
    features: list[str]
    theme: str
    provider: str
    model: str | None
    spec: dict[str, Any] | None
    retry_of: uuid.UUID | None
    # The project's version this build is (1, 2, 3...), how it came to be
    # (idea | change | restore | retry), what it derives from, and a change's words.
    version: int
    origin: str
    parent_id: uuid.UUID | None
    change_request: str | None
    generator: str | None
    stages: list[StagePublic]
    usage: dict[str, Any] | None
    error: str | None
    attempt: int
    cancel_requested: bool
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class BuildPage(BaseModel):
    items: list[BuildPublic]
    next_cursor: str | None


class FileEntry(BaseModel):
    path: str
    size: int
    sha256: str


class FileTree(BaseModel):
    build_id: uuid.UUID
    files: list[FileEntry]


ResponseFormat = Literal["auto", "json_schema", "json_object_schema", "json_object", "none"]


class ProviderKeyPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Printable, no whitespace: a key pasted with a newline is refused, not stored.
    api_key: Annotated[
        str, StringConstraints(min_length=8, max_length=500, pattern=r"^[\x21-\x7e]+$")
    ]
    base_url: HttpUrl | None = Field(default=None)
    # openai_compatible only: how JSON output is asked of the server. json_schema
    # (OpenAI, vLLM), json_object_schema (llama.cpp: json_object with the schema),
    # json_object (JSON mode), none; unset or auto: detected on the first call.
    response_format: ResponseFormat | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, url: HttpUrl | None) -> HttpUrl | None:
        if url is not None and len(str(url)) > 500:
            raise ValueError("base_url must be at most 500 characters")
        if url is not None and (url.username or url.password):
            raise ValueError("base_url must not carry credentials")
        if url is not None and (url.query or url.fragment):
            # Paths are appended to it (/chat/completions): a query would swallow them.
            raise ValueError("base_url must not have a query or a fragment")
        return url

    def __repr__(self) -> str:  # never show the key
        return f"ProviderKeyPut(base_url={self.base_url!r})"


class ProviderKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    provider: str
    last4: str
    base_url: str | None
    response_format: str | None = None
    created_at: datetime
    updated_at: datetime


class ProviderKeyList(BaseModel):
    items: list[ProviderKeyPublic]
