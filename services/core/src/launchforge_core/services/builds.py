"""Build use cases: create (spec check, quota, provider key), read (cached), list, cancel, retry.

Builds never run here: creating one inserts a ``queued`` row that a worker
claims (``launchforge-core worker``). Every write ends in
``services/commit.py``: commit, invalidate the cached read, publish its event.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from launchforge_common.cache import Cache, CachedFunction
from launchforge_common.errors import BadRequestError, ConflictError, NotFoundError
from launchforge_common.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_core.models import Build
from launchforge_core.repositories import builds as repo
from launchforge_core.repositories import projects as project_repo
from launchforge_core.schemas.builds import BuildCreate, BuildPage, BuildPublic
from launchforge_core.services import events
from launchforge_core.services.artifacts import ArtifactStore, Download
from launchforge_core.services.budgets import BudgetService
from launchforge_core.services.commit import commit, release
from launchforge_core.services.pagination import decode_cursor, encode_cursor
from launchforge_core.services.projects import project_not_found
from launchforge_core.services.provider_keys import ProviderKeyService
from launchforge_core.services.quota import QuotaService
from launchforge_core.services.specs import check_spec

logger = logging.getLogger("launchforge.core.builds")

CACHE_NAMESPACE = "build"
RETRYABLE = frozenset({"failed", "cancelled"})

BuildReader = CachedFunction[[AsyncSession, uuid.UUID, uuid.UUID], BuildPublic]


def inputs_of(build: Build) -> dict[str, Any]:
    """What a person asked of ``build``: the fields a retry, a change or a restore copies.

    They were validated when the build was created, so they are trusted as they are.
    """
    return {
        "idea": build.idea,
        "target_users": build.target_users,
        "features": list(build.features),
        "theme": build.theme,
        "provider": build.provider,
        "model": build.model,
        "spec": build.spec,
    }


def build_not_found() -> NotFoundError:
    # One body for "does not exist" and "belongs to someone else".
    return NotFoundError("Build not found.")


def _cache_key(_session: Any, owner_id: uuid.UUID, build_id: uuid.UUID) -> str:
    return f"{owner_id}:{build_id}"


async def ensure_visible(
    sessionmaker: async_sessionmaker[AsyncSession], *, owner_id: uuid.UUID, build_id: uuid.UUID
) -> None:
    """404 unless the build is the owner's, checked in a short session of its own.

    For a stream that can last minutes: it must not hold the request's
    session (a pooled connection idle in transaction) for that long.
    """
    async with sessionmaker() as session:
        if await repo.get_owned(session, owner_id=owner_id, build_id=build_id) is None:
            raise build_not_found()


def build_build_reader(cache: Cache, *, ttl: float) -> BuildReader:
    """The cached read of one build (API and worker build the same one, to invalidate)."""

    @cache.cached(CACHE_NAMESPACE, ttl=ttl, response_type=BuildPublic, key=_cache_key)
    async def read_build(
        session: AsyncSession, owner_id: uuid.UUID, build_id: uuid.UUID
    ) -> BuildPublic:
        build = await repo.get_owned(session, owner_id=owner_id, build_id=build_id)
        if build is None:
            raise build_not_found()
        return BuildPublic.model_validate(build)

    return read_build


class BuildService:
    def __init__(
        self,
        session: AsyncSession,
        *,
        reader: BuildReader,
        quota: QuotaService,
        keys: ProviderKeyService,
        publisher: events.Publisher,
        store: ArtifactStore,
        budgets: BudgetService | None = None,
    ) -> None:
        self.store = store
        self.budgets = budgets
        self.session = session
        self.reader = reader
        self.quota = quota
        self.keys = keys
        self.publisher = publisher

    async def create(
        self,
        *,
        principal: Principal,
        owner_id: uuid.UUID,
        project_id: uuid.UUID,
        data: BuildCreate,
        retry_of: uuid.UUID | None = None,
        origin: str = "idea",
        parent_id: uuid.UUID | None = None,
        change_request: str | None = None,
        spec_location: tuple[str, ...] = ("body", "spec"),
    ) -> BuildPublic:
        if data.spec is not None:
            # A spec that can never build is refused now (422, each problem located
            # under ``spec_location``), not queued to fail in a worker.
            await check_spec(data.spec, theme=data.theme, prefix=spec_location)
        project = await project_repo.get_owned(
            self.session, owner_id=owner_id, project_id=project_id
        )
        if project is None:
            raise project_not_found()
        if data.provider != "offline" and not await self.keys.has(
            user_id=owner_id, provider=data.provider
        ):
            # Never fall back to another generator quietly.
            raise BadRequestError(
                f"No API key is stored for provider {data.provider!r}. Store one with "
                f"PUT /v1/provider-keys/{data.provider}, or use provider 'offline'.",
                title="Provider key missing",
                provider=data.provider,
            )
        if data.provider != "offline" and self.budgets is not None:
            await self.budgets.ensure_room(principal, owner_id)
        await self.quota.reserve(principal, owner_id)
        # Locks the project row until commit: concurrent builds get distinct numbers.
        version = await project_repo.next_version(
            self.session, owner_id=owner_id, project_id=project_id
        )
        if version is None:
            raise project_not_found()
        build = await repo.add(
            self.session,
            project_id=project_id,
            owner_id=owner_id,
            status="queued",
            idea=data.idea,
            target_users=data.target_users,
            features=list(data.features),
            theme=data.theme,
            provider=data.provider,
            model=data.model,
            spec=data.spec,
            retry_of=retry_of,
            version=version,
            origin=origin,
            parent_id=parent_id,
            change_request=change_request,
            budget_plan=self.budgets.policy.plan_of(principal) if self.budgets else None,
            stages=[],
            attempt=0,
            cancel_requested=False,
            event_seq=0,
        )
        public = BuildPublic.model_validate(build)
        event = await events.append(
            self.session, build.id, kind="status", status="queued", message="Build queued."
        )
        await commit(self.session, publisher=self.publisher, events=[event])
        logger.info(
            "build queued",
            extra={"build_id": str(build.id), "provider": data.provider, "retry_of": str(retry_of)},
        )
        return public

    async def get(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> BuildPublic:
        return await self.reader(self.session, owner_id, build_id)

    async def get_fresh(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> Build:
        """The row itself, uncached (for ownership checks before artifacts)."""
        build = await repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
        if build is None:
            raise build_not_found()
        return build

    async def download(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> Download:
        """The build's zip; the session is released so the stream pins no connection."""
        build = await self.get_fresh(owner_id=owner_id, build_id=build_id)
        size = await self.store.size(self.session, build.id)
        if size is None:
            raise NotFoundError("This build has no artifact (yet).", build_status=build.status)
        await release(self.session)
        return Download(build.id, size, f"launchforge-build-{build.id}.zip")

    async def list_page(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, limit: int, cursor: str | None
    ) -> BuildPage:
        if (
            await project_repo.get_owned(self.session, owner_id=owner_id, project_id=project_id)
            is None
        ):
            raise project_not_found()
        after = decode_cursor(cursor) if cursor is not None else None
        rows = await repo.list_for_project(
            self.session, owner_id=owner_id, project_id=project_id, limit=limit + 1, after=after
        )
        page, more = rows[:limit], len(rows) > limit
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if more else None
        return BuildPage(
            items=[BuildPublic.model_validate(b) for b in page], next_cursor=next_cursor
        )

    async def cancel(self, *, owner_id: uuid.UUID, build_id: uuid.UUID) -> BuildPublic:
        """Queued: cancelled at once. Running: its worker stops it at its next heartbeat."""
        published: dict[str, Any] | None = None
        seq = await repo.cancel_if_queued(self.session, owner_id=owner_id, build_id=build_id)
        if seq is not None:
            published = await events.append(
                self.session,
                build_id,
                kind="status",
                seq=seq,
                status="cancelled",
                message="Cancelled before it started.",
            )
        elif await repo.request_cancel_if_running(
            self.session, owner_id=owner_id, build_id=build_id
        ):
            published = await events.append(
                self.session, build_id, kind="log", message="Cancellation requested."
            )
        else:
            build = await repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
            if build is None:
                raise build_not_found()
            raise ConflictError(f"The build is already {build.status}.", status_value=build.status)
        await commit(
            self.session,
            stale=[(self.reader, owner_id, build_id)],
            publisher=self.publisher,
            events=[published],
        )
        return await self.get(owner_id=owner_id, build_id=build_id)

    async def retry(
        self, *, principal: Principal, owner_id: uuid.UUID, build_id: uuid.UUID
    ) -> BuildPublic:
        """A new build with the same inputs (``retry_of`` links them); it counts as a build."""
        build = await self.get_fresh(owner_id=owner_id, build_id=build_id)
        if build.status not in RETRYABLE:
            raise ConflictError(
                f"Only a failed or cancelled build can be retried; this one is {build.status}.",
                status_value=build.status,
            )
        data = BuildCreate.model_construct(**inputs_of(build))
        return await self.create(
            principal=principal,
            owner_id=owner_id,
            project_id=build.project_id,
            data=data,
            retry_of=build.id,
            origin="retry",
            parent_id=build.id,
            change_request=build.change_request,
            # A build queued before specs were checked at submission may hold one
            # that cannot build: the retry is refused, located in the build's spec.
            spec_location=("spec",),
        )
