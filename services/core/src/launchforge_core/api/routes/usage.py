"""/v1/usage: this month's builds and model spending against the caller's plan."""

from __future__ import annotations

from fastapi import APIRouter
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import (
    BudgetServiceDep,
    CurrentPrincipal,
    OwnerId,
    QuotaServiceDep,
    require_scope,
)
from launchforge_core.schemas.usage import UsagePublic

router = APIRouter(tags=["usage"], responses=problem_responses(401, 403))


@router.get("/v1/usage", dependencies=[require_scope("usage:read")])
async def get_usage(
    principal: CurrentPrincipal,
    owner_id: OwnerId,
    quota: QuotaServiceDep,
    budgets: BudgetServiceDep,
) -> UsagePublic:
    return UsagePublic(
        **(await quota.usage(principal, owner_id)).model_dump(),
        models=await budgets.usage(principal, owner_id),
    )
