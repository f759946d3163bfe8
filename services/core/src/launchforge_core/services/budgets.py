"""Model spending budgets: monthly tokens and cost per plan, and tokens per build.

Every model call a build makes goes through :class:`BudgetedProvider` (the
worker wraps the user's provider in it), which checks *before* the call that
its worst case fits, and records what the call really used *after* it, each in
its own short transaction (an atomic ``INSERT ... ON CONFLICT DO UPDATE``
increment on the (user, month, provider) row, so concurrent builds add up).

The worst case of a call is its estimated prompt tokens plus its
``max_tokens``. A call is made only when that fits in what is left of the
build's maximum and of the user's monthly token and cost budgets, so:

* a call whose prompt was estimated at least as high as the provider counts it
  never takes a budget past its limit;
* otherwise only that one call can overspend, by how much its prompt was
  under-estimated, and the next check stops the build: a build overspends by
  at most one call;
* builds of one user running at the same time each check the same monthly
  figures, so the monthly budget can be overspent by at most one call per
  concurrently running build.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from launchforge_common.errors import PaymentRequiredError
from launchforge_common.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_core.pipeline.types import BudgetExceededError
from launchforge_core.providers.base import Completion, LLMProvider, Message
from launchforge_core.repositories import usage as usage_repo
from launchforge_core.schemas.usage import ModelSpendPublic, ProviderSpendPublic
from launchforge_core.services.quota import DEFAULT_PLAN, month_start

ADMIN_PLAN = "(admin)"
# Characters per token for the prompt estimate. Providers count tokens with
# their own tokenizers (no one library covers them all, and a build must not
# call the provider to count), so the estimate is deliberately high: English
# text and JSON run at about 4 characters per token, 3 over-counts them.
CHARS_PER_TOKEN = 3
MESSAGE_OVERHEAD_TOKENS = 8


@dataclass(frozen=True)
class BudgetPolicy:
    """The budgets and prices from the settings (``CORE_PLAN_TOKEN_BUDGETS`` and co.)."""

    token_budgets: dict[str, int | None] = field(default_factory=dict)
    cost_budgets_usd: dict[str, float | None] = field(default_factory=dict)
    build_max_tokens: int | None = None
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any) -> BudgetPolicy:
        return cls(
            token_budgets=dict(settings.plan_token_budgets),
            cost_budgets_usd=dict(settings.plan_cost_budgets_usd),
            build_max_tokens=settings.build_max_tokens,
            prices=dict(settings.model_prices),
        )

    def plan_of(self, principal: Principal) -> str:
        return ADMIN_PLAN if principal.is_admin else principal.plan

    def _lookup(self, table: dict[str, Any], plan: str | None) -> Any:
        if plan == ADMIN_PLAN:
            return None
        if plan is not None and plan in table:
            return table[plan]
        return table.get(DEFAULT_PLAN)

    def token_budget(self, plan: str | None) -> int | None:
        value = self._lookup(self.token_budgets, plan)
        return None if value is None else int(value)

    def cost_budget(self, plan: str | None) -> Decimal | None:
        value = self._lookup(self.cost_budgets_usd, plan)
        return None if value is None else Decimal(str(value))

    def cost(self, provider: str, model: str, input_tokens: int, output_tokens: int) -> Decimal:
        """USD for the tokens; a model with no price costs 0 (its tokens still count)."""
        price = self.prices.get(f"{provider}/{model}") or self.prices.get(model)
        if price is None:
            return Decimal(0)
        total = Decimal(str(price[0])) * input_tokens + Decimal(str(price[1])) * output_tokens
        return (total / 1_000_000).quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class MonthSpend:
    tokens: int
    cost_usd: Decimal
    builds_stopped: int
    providers: list[ProviderSpendPublic]


async def month_spend(session: AsyncSession, user_id: uuid.UUID) -> MonthSpend:
    """This month's spending of a user, in total and per provider."""
    rows = await usage_repo.model_usage(session, user_id=user_id, month=month_start())
    providers = [
        ProviderSpendPublic(
            provider=r.provider,
            input_tokens=r.input_tokens,
            output_tokens=r.output_tokens,
            tokens=r.input_tokens + r.output_tokens,
            cost_usd=float(r.cost_usd),
            calls=r.calls,
            builds_stopped=r.builds_stopped,
        )
        for r in rows
    ]
    return MonthSpend(
        tokens=sum(p.tokens for p in providers),
        cost_usd=sum((Decimal(str(p.cost_usd)) for p in providers), Decimal(0)),
        builds_stopped=sum(p.builds_stopped for p in providers),
        providers=providers,
    )


async def add_usage(
    session: AsyncSession,
    user_id: uuid.UUID,
    provider: str,
    *,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost_usd: Decimal = Decimal(0),
    calls: int = 0,
    builds_stopped: int = 0,
) -> None:
    """Add to this month's (user, provider) row (one atomic statement)."""
    await usage_repo.add_model_usage(
        session,
        user_id=user_id,
        month=month_start(),
        provider=provider,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost_usd,
        calls=calls,
        builds_stopped=builds_stopped,
    )


def estimate_prompt_tokens(messages: list[Message], json_schema: dict[str, Any] | None) -> int:
    """A high estimate of a prompt's tokens (see ``CHARS_PER_TOKEN``)."""
    chars = sum(len(m.content) for m in messages)
    if json_schema is not None:
        chars += len(str(json_schema))
    return math.ceil(chars / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS * len(messages)


def _n(value: int) -> str:
    return f"{value:,}"


class BudgetedProvider:
    """An :class:`LLMProvider` that checks the budgets before each call and records it after."""

    def __init__(
        self,
        inner: LLMProvider,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        policy: BudgetPolicy,
        user_id: uuid.UUID,
        plan: str | None,
        provider: str,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.default_model = inner.default_model
        self.sessionmaker = sessionmaker
        self.policy = policy
        self.user_id = user_id
        self.plan = plan
        self.provider = provider
        self.build_tokens = 0
        self.calls = 0

    async def _check(self, worst_in: int, max_tokens: int, model: str) -> None:
        worst = worst_in + max_tokens
        limit = self.policy.build_max_tokens
        if limit is not None and self.build_tokens + worst > limit:
            await self._refuse(
                f"Build token maximum reached: {_n(self.build_tokens)} of {_n(limit)} tokens "
                f"used; the next model call could use up to {_n(worst)}."
            )
        token_budget = self.policy.token_budget(self.plan)
        cost_budget = self.policy.cost_budget(self.plan)
        if token_budget is None and cost_budget is None:
            return
        async with self.sessionmaker() as session:
            spend = await month_spend(session, self.user_id)
        if token_budget is not None and spend.tokens + worst > token_budget:
            await self._refuse(
                f"Monthly token budget reached: {_n(spend.tokens)} of {_n(token_budget)} "
                f"tokens used; the next model call could use up to {_n(worst)}."
            )
        worst_cost = self.policy.cost(self.provider, model, worst_in, max_tokens)
        if cost_budget is not None and spend.cost_usd + worst_cost > cost_budget:
            await self._refuse(
                f"Monthly cost budget reached: ${spend.cost_usd:.4f} of ${cost_budget:.2f} "
                f"used; the next model call could cost up to ${worst_cost:.4f}."
            )

    async def _refuse(self, message: str) -> None:
        async with self.sessionmaker() as session:
            await add_usage(session, self.user_id, self.provider, builds_stopped=1)
            await session.commit()
        raise BudgetExceededError(message)

    async def complete(
        self,
        messages: list[Message],
        *,
        model: str | None = None,
        json_schema: dict[str, Any] | None = None,
        temperature: float = 0.2,
        max_tokens: int = 4096,
    ) -> Completion:
        """The inner provider's answer, if the call's worst case fits in the budgets."""
        name = model or self.default_model
        await self._check(estimate_prompt_tokens(messages, json_schema), max_tokens, name)
        completion = await self.inner.complete(
            messages,
            model=model,
            json_schema=json_schema,
            temperature=temperature,
            max_tokens=max_tokens,
        )
        self.calls += 1
        self.build_tokens += completion.input_tokens + completion.output_tokens
        async with self.sessionmaker() as session:
            await add_usage(
                session,
                self.user_id,
                self.provider,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                cost_usd=self.policy.cost(
                    self.provider,
                    completion.model or name,
                    completion.input_tokens,
                    completion.output_tokens,
                ),
                calls=1,
            )
            await session.commit()
        return completion


class BudgetService:
    """Budgets seen from the API: the 402 at submission and the figures of /v1/usage."""

    def __init__(self, session: AsyncSession, policy: BudgetPolicy) -> None:
        self.session = session
        self.policy = policy

    async def ensure_room(self, principal: Principal, user_id: uuid.UUID) -> None:
        """402 when a monthly budget is already used up: such a build would fail at once."""
        plan = self.policy.plan_of(principal)
        tokens = self.policy.token_budget(plan)
        cost = self.policy.cost_budget(plan)
        if tokens is None and cost is None:
            return
        spend = await month_spend(self.session, user_id)
        if tokens is not None and spend.tokens >= tokens:
            raise PaymentRequiredError(
                f"The monthly token budget of the {principal.plan} plan is used up: "
                f"{_n(spend.tokens)} of {_n(tokens)} tokens.",
                title="Model budget exceeded",
                budget="tokens",
                limit=tokens,
                used=spend.tokens,
            )
        if cost is not None and spend.cost_usd >= cost:
            raise PaymentRequiredError(
                f"The monthly cost budget of the {principal.plan} plan is used up: "
                f"${spend.cost_usd:.4f} of ${cost:.2f}.",
                title="Model budget exceeded",
                budget="cost_usd",
                limit=float(cost),
                used=float(spend.cost_usd),
            )

    async def usage(self, principal: Principal, user_id: uuid.UUID) -> ModelSpendPublic:
        plan = self.policy.plan_of(principal)
        spend = await month_spend(self.session, user_id)
        cost_budget = self.policy.cost_budget(plan)
        return ModelSpendPublic(
            tokens_used=spend.tokens,
            cost_usd=float(spend.cost_usd),
            token_budget=self.policy.token_budget(plan),
            cost_budget_usd=None if cost_budget is None else float(cost_budget),
            build_max_tokens=self.policy.build_max_tokens,
            builds_stopped=spend.builds_stopped,
            providers=spend.providers,
        )
