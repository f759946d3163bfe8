"""Response bodies of the versions API (list, one version, diff)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from launchforge_core.schemas.builds import BuildStatus


class SpecSummary(BaseModel):
    entities: list[str]
    entity_count: int
    field_count: int
    relation_count: int


class VersionPublic(BaseModel):
    version: int
    build_id: uuid.UUID
    origin: str
    parent_version: int | None
    # The change the person asked for, else the idea the version was built from.
    request: str
    status: BuildStatus
    spec_summary: SpecSummary | None
    is_current: bool
    created_at: datetime
    finished_at: datetime | None
    # Null until the version has an artifact.
    download_url: str | None


class VersionPage(BaseModel):
    items: list[VersionPublic]
    next_cursor: str | None


class DiffSide(BaseModel):
    build_id: uuid.UUID
    version: int


class FileDiff(BaseModel):
    path: str
    status: Literal["added", "removed", "changed"]
    # Unified diff text; null for a binary file, one too large, or past the response's cap.
    diff: str | None


class VersionDiff(BaseModel):
    from_: DiffSide = Field(serialization_alias="from")
    to: DiffSide
    files: list[FileDiff]
    # Files present in both versions with the same content.
    unchanged: int
    # True when the total diff cap was reached: later files carry ``diff: null``.
    truncated: bool
