"""Monthly build quotas by plan, enforced atomically in PostgreSQL.

One statement reserves a build (``repositories/usage.py``): an upsert on the
(user, month) counter whose conflict branch increments only ``WHERE used <
limit``, so however many requests race, at most ``limit`` of them get a row
back. The reservation runs in the same transaction as the build insert, so a
failed insert gives the slot back.

Decisions: every build created counts, including one that later fails or is
cancelled (it took a worker's time); a retry creates a new build and counts
too. Admins bypass the limit (their builds are still counted, for /v1/usage).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from launchforge_common.errors import PaymentRequiredError
from launchforge_common.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.repositories import usage as usage_repo
from launchforge_core.schemas.usage import BuildQuotaPublic

DEFAULT_PLAN = "free"


def month_start(now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).date().replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def resets_at(month: date) -> datetime:
    return datetime.combine(next_month(month), time(0, 0), tzinfo=UTC)


class QuotaService:
    def __init__(self, session: AsyncSession, plan_limits: dict[str, int | None]) -> None:
        self.session = session
        self.plan_limits = plan_limits

    def limit_for(self, principal: Principal) -> int | None:
        if principal.is_admin:
            return None
        if principal.plan in self.plan_limits:
            return self.plan_limits[principal.plan]
        return self.plan_limits.get(DEFAULT_PLAN, 0)

    def plan_of(self, principal: Principal) -> str:
        return principal.plan if principal.plan in self.plan_limits else DEFAULT_PLAN

    async def reserve(self, principal: Principal, user_id: uuid.UUID) -> int:
        """Count one build this month, or raise 402. Returns the new count."""
        month = month_start()
        limit = self.limit_for(principal)
        used = await usage_repo.reserve_build(
            self.session, user_id=user_id, month=month, limit=limit
        )
        if used is None:
            reset = resets_at(month)
            raise PaymentRequiredError(
                f"The {self.plan_of(principal)} plan allows {limit} builds per month; "
                f"the quota resets at {reset.isoformat()}.",
                title="Build quota exceeded",
                plan=self.plan_of(principal),
                limit=limit,
                used=limit,
                resets_at=reset.isoformat(),
            )
        return used

    async def usage(self, principal: Principal, user_id: uuid.UUID) -> BuildQuotaPublic:
        month = month_start()
        used = await usage_repo.builds_used(self.session, user_id=user_id, month=month)
        limit = self.limit_for(principal)
        return BuildQuotaPublic(
            plan=self.plan_of(principal),
            month=month.strftime("%Y-%m"),
            used=used,
            limit=limit,
            remaining=None if limit is None else max(0, limit - used),
            resets_at=resets_at(month),
        )
