"""Structured outputs of the MCP tools that the REST API has no body for.

The others return the REST bodies themselves (``ProjectPage``, ``BuildPublic``...),
so a tool's output schema is the route's response schema.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from launchforge_core.schemas.builds import BuildPublic


class BuildEvent(BaseModel):
    """One progress event, as the SSE stream sends it."""

    model_config = ConfigDict(extra="allow")

    id: int = Field(description="The event id: pass the last one as after_event_id to go on.")
    kind: str
    stage: str | None = None
    status: str | None = None
    message: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class BuildProgress(BaseModel):
    build: BuildPublic
    events: list[BuildEvent] = Field(description="Events after after_event_id, oldest first.")
    last_event_id: int = Field(description="The id to pass as after_event_id next time.")
    finished: bool = Field(
        description=(
            "True once the build succeeded, failed or was cancelled and every one of its "
            "events up to the last has been returned."
        )
    )


class VersionPage(BaseModel):
    """``GET /v1/projects/{id}/versions``: the project's versions, newest first."""

    model_config = ConfigDict(extra="allow")

    items: list[dict[str, Any]]
    next_cursor: str | None = None


class FileContent(BaseModel):
    build_id: uuid.UUID
    path: str
    size: int = Field(description="Bytes in the file.")
    encoding: Literal["utf-8", "base64"] = Field(
        description="utf-8 for text; base64 for a binary file."
    )
    content: str


class DownloadLink(BaseModel):
    build_id: uuid.UUID
    status: str = Field(description="The build's status (only a succeeded build has a zip).")
    method: Literal["GET"] = "GET"
    path: str = Field(description="The download's path on the LaunchForge gateway.")
    url: str | None = Field(description="The same as an absolute URL, when the host is known.")
    auth: str = Field(description="How to authenticate the download.")
