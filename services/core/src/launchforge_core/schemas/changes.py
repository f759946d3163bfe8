"""Request and response bodies of the change APIs (changes, spec edits, spec diffs)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from launchforge_core.pipeline.edits import MAX_REQUEST
from launchforge_core.pipeline.types import Provider
from launchforge_core.schemas.builds import check_spec_size

ChangeRequest = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=MAX_REQUEST)
]


class ChangeCreate(BaseModel):
    """``POST /v1/projects/{id}/changes``: a new version of the project, changed as asked."""

    model_config = ConfigDict(extra="forbid")

    request: ChangeRequest
    # Default: the project's current build, else its newest succeeded one.
    base_build_id: uuid.UUID | None = None
    provider: Provider = "offline"
    model: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None


class SpecEdit(BaseModel):
    """``POST /v1/specs/edit``: a spec and the change asked of it (nothing is built)."""

    model_config = ConfigDict(extra="forbid")

    spec: dict[str, Any]
    request: ChangeRequest

    @field_validator("spec")
    @classmethod
    def _spec_size(cls, spec: dict[str, Any]) -> dict[str, Any] | None:
        return check_spec_size(spec)


class EditPublic(BaseModel):
    op: str
    text: str
    entity: str | None = None
    field: str | None = None
    to: str | None = None


class SpecEdited(BaseModel):
    """The changed spec (as a build would use it), the edits made, and what changed."""

    spec: dict[str, Any]
    edits: list[EditPublic]
    diff: dict[str, Any]


class SpecDiffPublic(BaseModel):
    """A build's spec against its parent's (``edits``: what its request was read as)."""

    build_id: uuid.UUID
    parent_id: uuid.UUID
    change_request: str | None
    edits: list[EditPublic]
    diff: dict[str, Any]
