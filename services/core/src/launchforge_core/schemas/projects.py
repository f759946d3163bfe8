"""Request and response bodies of the projects API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from launchforge_core.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

# Stripped first, then length-checked: "   " is rejected as blank.
ProjectName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)
]
ProjectDescription = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ProjectName
    description: ProjectDescription | None = None


class ProjectUpdate(BaseModel):
    """A partial update: only the fields present in the body change.

    An empty body ``{}`` is accepted and changes nothing. ``description: null``
    clears the description; ``name: null`` is rejected (a project always has a
    name).
    """

    model_config = ConfigDict(extra="forbid")

    name: ProjectName | None = None
    description: ProjectDescription | None = None

    @model_validator(mode="after")
    def _name_not_null(self) -> ProjectUpdate:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        return self


class ProjectPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    # The version the project's app is now (see Project.current_build_id).
    current_build_id: uuid.UUID | None = None
    # That build's version number (null while no build has succeeded).
    current_version: int | None = None
    created_at: datetime
    updated_at: datetime


class ProjectPage(BaseModel):
    items: list[ProjectPublic]
    # Opaque; pass it back as ``cursor`` to get the next page. None on the last page.
    next_cursor: str | None
