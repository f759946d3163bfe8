"""/v1/specs/validate: check a spec before building from it.

The same check ``POST /v1/projects/{id}/builds`` makes of its ``spec`` (see
``services/specs.py``), without a project, a quota or a build: an editor
checks a person's edits as they make them, and a build is only asked for
once the spec can build. Nothing is stored; a valid spec comes back as a
build would use it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import get_current_principal, require_scope
from launchforge_core.schemas.builds import SpecCheck, SpecChecked
from launchforge_core.services.specs import check_spec

router = APIRouter(
    tags=["specs"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403),
)


@router.post(
    "/v1/specs/validate",
    # Checking a spec is the first half of starting a build.
    dependencies=[require_scope("builds:write")],
    responses={
        422: {
            "description": (
                "The spec cannot build: `errors` lists every problem, each located in the "
                'request (`["body", "spec", "entities", "1", "fields", "0", "type"]`).'
            )
        }
    },
)
async def validate_spec(body: SpecCheck) -> SpecChecked:
    return SpecChecked(spec=await check_spec(body.spec, theme=body.theme))
