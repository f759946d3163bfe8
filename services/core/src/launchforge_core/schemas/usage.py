"""Response bodies of the usage API: builds against the quota, model spending against budgets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ProviderSpendPublic(BaseModel):
    provider: str
    input_tokens: int
    output_tokens: int
    tokens: int
    cost_usd: float
    calls: int
    builds_stopped: int


class ModelSpendPublic(BaseModel):
    """This month's model spending against the budgets (null budget: unlimited)."""

    tokens_used: int
    cost_usd: float
    token_budget: int | None
    cost_budget_usd: float | None
    build_max_tokens: int | None
    # Builds a budget stopped before a model call (or refused at submission: no).
    builds_stopped: int
    providers: list[ProviderSpendPublic]


class BuildQuotaPublic(BaseModel):
    """This month's builds against the plan's quota (null limit: unlimited)."""

    plan: str
    month: str
    used: int
    limit: int | None
    remaining: int | None
    resets_at: datetime


class UsagePublic(BuildQuotaPublic):
    models: ModelSpendPublic
