"""Change a project by asking: the request becomes a new build (version) of the project.

Offline, the grammar (``pipeline.edits``) is applied here, at request time:
a request it cannot apply is a 422 naming what it understood and what
failed, and nothing is queued or charged. The new build carries the edited
spec, so the worker generates from it; idea, features and theme are the
base's. With a provider, the build carries only the request and its parent:
the worker asks the model for a patch of the parent's spec.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from launchforge_common.errors import ConflictError, ProblemError
from launchforge_common.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build
from launchforge_core.pipeline.edits import EditError, EditResult, edit_spec
from launchforge_core.pipeline.specdiff import diff_specs
from launchforge_core.repositories import builds as build_repo
from launchforge_core.repositories import changes as change_repo
from launchforge_core.repositories import projects as project_repo
from launchforge_core.schemas.builds import BuildCreate, BuildPublic
from launchforge_core.schemas.changes import ChangeCreate, EditPublic, SpecDiffPublic, SpecEdited
from launchforge_core.services.artifacts import ArtifactStore
from launchforge_core.services.builds import BuildService, build_not_found, inputs_of
from launchforge_core.services.projects import project_not_found
from launchforge_core.services.specs import check_spec, problems_of


class ChangeNotApplicableError(ProblemError):
    """422: the request cannot be applied; ``understood`` and ``failed`` say how far it got."""

    status, title = 422, "Change Not Applicable"


def not_applicable(exc: EditError) -> ChangeNotApplicableError:
    return ChangeNotApplicableError(
        exc.message, understood=exc.understood_dicts(), failed=exc.failed
    )


def _edits(result: EditResult) -> list[EditPublic]:
    return [EditPublic(**e.as_dict()) for e in result.edits]


async def build_spec(
    session: AsyncSession, store: ArtifactStore, build: Build
) -> dict[str, Any] | None:
    """The spec a build was made from: its own, else the one its artifact ships (spec.json)."""
    if build.spec is not None:
        return dict(build.spec)
    raw = await store.read_file(session, build.id, "spec.json")
    if raw is None:
        return None
    try:
        spec = json.loads(raw)
    except ValueError:
        return None
    return spec if isinstance(spec, dict) else None


async def edit(spec: dict[str, Any], request: str) -> SpecEdited:
    """``POST /v1/specs/edit``: the spec checked, then changed as asked (in a thread: CPU)."""
    checked = await check_spec(spec)
    try:
        result = await asyncio.to_thread(edit_spec, checked, request)
    except EditError as exc:
        raise not_applicable(exc) from None
    diff = diff_specs(checked, result.spec, result.renames())
    return SpecEdited(spec=result.spec, edits=_edits(result), diff=diff)


class ChangeService:
    def __init__(self, builds: BuildService, store: ArtifactStore) -> None:
        self.builds = builds
        self.session = builds.session
        self.store = store

    async def _base(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, base_build_id: uuid.UUID | None
    ) -> Build:
        project = await project_repo.get_owned(
            self.session, owner_id=owner_id, project_id=project_id
        )
        if project is None:
            raise project_not_found()
        if base_build_id is not None:
            base = await build_repo.get_owned(
                self.session, owner_id=owner_id, build_id=base_build_id
            )
            if base is None:
                raise build_not_found()
            if base.project_id != project_id:
                raise ConflictError("The base build is a version of another project.")
        else:
            base = None
            if project.current_build_id is not None:
                base = await build_repo.get_owned(
                    self.session, owner_id=owner_id, build_id=project.current_build_id
                )
            if base is None or base.status != "succeeded":
                base = await change_repo.newest_succeeded(
                    self.session, owner_id=owner_id, project_id=project_id
                )
            if base is None:
                raise ConflictError(
                    "The project has no succeeded build to change yet; build it first."
                )
        if base.status != "succeeded":
            raise ConflictError(
                f"Only a succeeded build can be changed; this one is {base.status}.",
                status_value=base.status,
            )
        return base

    async def create(
        self,
        *,
        principal: Principal,
        owner_id: uuid.UUID,
        project_id: uuid.UUID,
        body: ChangeCreate,
    ) -> BuildPublic:
        base = await self._base(
            owner_id=owner_id, project_id=project_id, base_build_id=body.base_build_id
        )
        spec: dict[str, Any] | None = None
        # Both ways need the base's spec (a model patches it in the worker): checked now.
        base_spec = await build_spec(self.session, self.store, base)
        if base_spec is None or (await asyncio.to_thread(problems_of, base_spec))[1]:
            raise ConflictError("The base build's spec cannot be read to change it.")
        if body.provider == "offline":
            try:
                result = await asyncio.to_thread(edit_spec, base_spec, body.request)
            except EditError as exc:
                raise not_applicable(exc) from None
            spec = result.spec
        # Stored values were validated when the base was created; the spec is checked again.
        data = BuildCreate.model_construct(
            **{**inputs_of(base), "provider": body.provider, "model": body.model, "spec": spec}
        )
        return await self.builds.create(
            principal=principal,
            owner_id=owner_id,
            project_id=project_id,
            data=data,
            origin="change",
            parent_id=base.id,
            change_request=body.request,
            spec_location=("spec",),
        )

    async def spec_diff(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> SpecDiffPublic:
        build = await build_repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
        if build is None:
            raise build_not_found()
        if build.parent_id is None:
            raise ConflictError("This build has no parent version to compare with.")
        parent = await build_repo.get_owned(
            self.session, owner_id=owner_id, build_id=build.parent_id
        )
        if parent is None:
            raise ConflictError("This build's parent version is gone.")
        before = await build_spec(self.session, self.store, parent)
        after = await build_spec(self.session, self.store, build)
        if before is None or after is None:
            raise ConflictError(
                "The spec of this build or of its parent is not known (yet).",
                status_value=build.status,
            )
        edits: list[EditPublic] = []
        renames = None
        if build.origin == "change" and build.change_request:
            try:
                result = await asyncio.to_thread(edit_spec, before, build.change_request)
            except EditError:
                result = None  # a model's change: shown without the grammar's renames
            if result is not None:
                edits, renames = _edits(result), result.renames()
        return SpecDiffPublic(
            build_id=build.id,
            parent_id=parent.id,
            change_request=build.change_request,
            edits=edits,
            diff=diff_specs(before, after, renames),
        )
