"""One claimed build, run to its end by one worker: pipeline, heartbeat, fenced finish.

Every write this job makes (events, the terminal transition, a hand-back) is
fenced by the attempt it claimed (see ``repositories/queue.py``). When the
heartbeat finds the lease gone, or a fenced write matches no row, the job
stops its pipeline and writes nothing more: the worker that re-claimed the
build owns it now.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict, dataclass
from ipaddress import IPv4Network, IPv6Network
from typing import Any, Literal

import httpx
from launchforge_common.crypto import KeyRing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_core.models import Build
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.types import BuildInput, PipelineEvent, PipelineResult
from launchforge_core.providers.format_memory import FormatMemory
from launchforge_core.repositories import queue
from launchforge_core.repositories import versions as version_repo
from launchforge_core.services import events
from launchforge_core.services.artifacts import (
    ArtifactStore,
    ArtifactTooLargeError,
    UnsafeArtifactError,
)
from launchforge_core.services.budgets import BudgetedProvider, BudgetPolicy
from launchforge_core.services.builds import BuildReader
from launchforge_core.services.projects import ProjectReader
from launchforge_core.services.provider_keys import ProviderKeyService
from launchforge_core.services.versions import spec_summary

logger = logging.getLogger("launchforge.core.worker")

MAX_MESSAGE_CHARS = 4000
StopReason = Literal["cancel", "lost", "handback"]
RunPipeline = Callable[..., Coroutine[Any, Any, PipelineResult]]


@dataclass
class JobContext:
    """What every job of one worker shares."""

    sessionmaker: async_sessionmaker[AsyncSession]
    reader: BuildReader
    publisher: events.Publisher
    store: ArtifactStore
    keyring: KeyRing
    http: httpx.AsyncClient
    pipeline_settings: PipelineSettings
    run_pipeline: RunPipeline
    lease_seconds: float
    heartbeat_seconds: float
    max_attempts: int
    # Non-public networks a user's model server may be on (providers/egress.py).
    provider_networks: Sequence[IPv4Network | IPv6Network] = ()
    # A whole build, and each call to a user's model server, end by these
    # deadlines; a model's answer is read up to provider_max_response_bytes.
    build_deadline_seconds: float = 1800.0
    provider_call_deadline: float = 300.0
    provider_max_response_bytes: int = 8 * 1024 * 1024
    # The project read cache, invalidated when a success moves the current version.
    project_reader: ProjectReader | None = None
    # Model spending budgets (services/budgets.py); None: no budgets.
    budgets: BudgetPolicy | None = None
    # The response format each openai_compatible server accepted (shared through Redis).
    format_memory: FormatMemory | None = None


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(data or {}, default=str))  # type: ignore[no-any-return]


def _stage_dicts(result: PipelineResult) -> list[dict[str, Any]]:
    return [_jsonable(asdict(stage)) for stage in result.stages]


class Job:
    def __init__(self, ctx: JobContext, build: Build, worker_id: str) -> None:
        self.ctx = ctx
        self.build = build
        self.lease = queue.Lease(build.id, build.attempt, worker_id)
        self.stop_reason: StopReason | None = None
        self._pipeline: asyncio.Task[PipelineResult] | None = None
        self.log_extra = {"build_id": str(build.id), "attempt": build.attempt}

    # --- control from outside (heartbeat, worker shutdown) ----------------------------

    def stop(self, reason: StopReason) -> None:
        """Stop the pipeline for ``reason``; the first reason wins."""
        if self.stop_reason is None:
            self.stop_reason = reason
        if self._pipeline is not None and not self._pipeline.done():
            self._pipeline.cancel()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.heartbeat_seconds)
            try:
                async with self.ctx.sessionmaker() as session:
                    answer = await queue.renew(
                        session, self.lease, lease_seconds=self.ctx.lease_seconds
                    )
                    await session.commit()
            except Exception:  # a DB blip: the lease survives until it expires
                logger.warning("lease renewal failed", extra=self.log_extra, exc_info=True)
                continue
            if answer is None:
                logger.warning("lease lost; stopping this attempt", extra=self.log_extra)
                self.stop("lost")
                return
            if answer:
                logger.info("cancellation requested", extra=self.log_extra)
                self.stop("cancel")
                return

    # --- the run ------------------------------------------------------------------------

    async def run(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            await self._run()
        except Exception:
            logger.exception("build crashed", extra=self.log_extra)
            try:
                await self._finish("failed", error="An internal error stopped the build.")
            except Exception:
                # Even the failure could not be recorded (database gone): the
                # lease expires and another worker re-runs the build.
                logger.exception("could not record the failure", extra=self.log_extra)
        finally:
            heartbeat.cancel()

    async def _run(self) -> None:
        build = self.build
        if build.cancel_requested:
            await self._finish("cancelled", error="Cancelled.")
            return
        if build.attempt > self.ctx.max_attempts:
            await self._finish(
                "failed",
                error=f"Abandoned after {build.attempt - 1} attempts whose workers stopped.",
            )
            return
        if not await self._emit_raw(
            kind="status",
            status="running",
            # The worker's host name and pid stay in the server's logs, not the user's events.
            message=f"Attempt {build.attempt} started.",
        ):
            return
        llm = None
        if build.provider != "offline":
            async with self.ctx.sessionmaker() as session:
                creds = await ProviderKeyService(session, self.ctx.keyring).credentials(
                    user_id=build.owner_id, provider=build.provider
                )
            if creds is None:
                # Deleted after the build was queued: fail loudly, never fall back.
                await self._finish(
                    "failed", error=f"No API key is stored for provider {build.provider!r}."
                )
                return
            from launchforge_core.providers import create_provider
            from launchforge_core.providers.egress import EgressRefusedError, check_destination

            if creds.base_url is not None:
                try:
                    await check_destination(creds.base_url, self.ctx.provider_networks)
                except EgressRefusedError as exc:
                    await self._finish("failed", error=str(exc))
                    return
            llm = create_provider(
                build.provider,
                creds.api_key,
                creds.base_url,
                http=self.ctx.http,
                call_deadline=self.ctx.provider_call_deadline,
                max_response_bytes=self.ctx.provider_max_response_bytes,
                format_memory=self.ctx.format_memory,
                structured=creds.response_format,
            )
            if self.ctx.budgets is not None:
                # Every model call of the build goes through the budget check.
                llm = BudgetedProvider(
                    llm,
                    sessionmaker=self.ctx.sessionmaker,
                    policy=self.ctx.budgets,
                    user_id=build.owner_id,
                    plan=build.budget_plan,
                    provider=build.provider,
                )
        base_spec: dict[str, Any] | None = None
        if build.origin == "change" and build.spec is None and build.parent_id is not None:
            # A change asked of a model: the model patches the spec of the version it changes.
            base_spec = await self._parent_spec(build.parent_id)
            if base_spec is None:
                await self._finish(
                    "failed", error="The version this change is based on is gone or unreadable."
                )
                return
        inp = BuildInput(
            idea=build.idea,
            target_users=build.target_users,
            features=tuple(build.features),
            theme=build.theme,
            provider=build.provider,
            model=build.model,
            spec=build.spec,
            base_spec=base_spec,
            change_request=build.change_request if base_spec is not None else None,
        )
        self._pipeline = asyncio.create_task(
            self.ctx.run_pipeline(
                inp, llm=llm, emit=self._emit, settings=self.ctx.pipeline_settings
            )
        )
        if self.stop_reason is not None:  # stopped before the task existed
            self._pipeline.cancel()
        deadline = self.ctx.build_deadline_seconds
        try:
            async with asyncio.timeout(deadline):
                result = await self._pipeline
        except TimeoutError:
            # the pipeline task was cancelled with the timeout: its sandbox is gone too
            await self._finish(
                "failed", error=f"The build took longer than {deadline:g} s and was stopped."
            )
            return
        except asyncio.CancelledError:
            if self.stop_reason is None:
                raise  # the worker itself is being torn down
            await self._stopped()
            return
        if result.status == "succeeded":
            await self._finish("succeeded", result=result)
        else:
            await self._finish("failed", error=result.error or "The build failed.", result=result)

    async def _parent_spec(self, parent_id: uuid.UUID) -> dict[str, Any] | None:
        from launchforge_core.services.changes import build_spec

        async with self.ctx.sessionmaker() as session:
            parent = await session.get(Build, parent_id)
            if parent is None or parent.owner_id != self.build.owner_id:
                return None
            return await build_spec(session, self.ctx.store, parent)

    async def _stopped(self) -> None:
        if self.stop_reason == "cancel":
            await self._finish("cancelled", error="Cancelled while running.")
        elif self.stop_reason == "handback":
            await self._hand_back()
        else:
            logger.warning("attempt abandoned; another worker owns the build", extra=self.log_extra)

    # --- fenced writes ------------------------------------------------------------------

    async def _emit(self, event: PipelineEvent) -> None:
        """The pipeline's progress callback: persist, then publish."""
        await self._emit_raw(
            kind=event.kind,
            stage=event.stage,
            status=event.status,
            message=event.message[:MAX_MESSAGE_CHARS],
            data=_jsonable(event.data),
        )

    async def _emit_raw(self, **fields: Any) -> bool:
        async with self.ctx.sessionmaker() as session:
            payload = await events.append(
                session, self.build.id, attempt=self.lease.attempt, **fields
            )
            await session.commit()
        if payload is None:
            logger.warning("event fenced out; lease lost", extra=self.log_extra)
            self.stop("lost")
            return False
        await self.ctx.publisher.publish(payload)
        return True

    async def _hand_back(self) -> None:
        async with self.ctx.sessionmaker() as session:
            released = await queue.release(session, self.lease)
            payload = None
            if released:
                payload = await events.append(
                    session,
                    self.build.id,
                    kind="log",
                    message="Worker shutting down; the build was handed back to the queue.",
                )
            await session.commit()
        await self._invalidate()
        if payload is not None:
            await self.ctx.publisher.publish(payload)
        logger.info("build handed back", extra={**self.log_extra, "released": released})

    async def _finish(
        self, status: str, *, error: str | None = None, result: PipelineResult | None = None
    ) -> bool:
        """The terminal transition, artifact and terminal event in one transaction."""
        values: dict[str, Any] = {"error": error}
        if result is not None:
            manifest = result.manifest or {}
            values.update(
                generator=result.generator,
                stages=_stage_dicts(result),
                usage=_jsonable(dict(result.usage)),
                model=self.build.model or manifest.get("model"),
            )
        async with self.ctx.sessionmaker() as session:
            seq = await queue.finish(session, self.lease, status=status, **values)
            if seq is None:
                await session.rollback()
                logger.warning("terminal write fenced out", extra=self.log_extra)
                return False
            files = 0
            promoted = False
            if status == "succeeded" and result is not None:
                if result.archive is None:
                    await session.rollback()
                    return await self._finish("failed", error="The build produced no archive.")
                try:
                    # The stored manifest also keeps the spec's summary, so listing
                    # versions never opens an archive.
                    stored = {**(result.manifest or {}), "spec_summary": spec_summary(result.spec)}
                    index = await self.ctx.store.put(session, self.build.id, result.archive, stored)
                except (ArtifactTooLargeError, UnsafeArtifactError) as exc:
                    await session.rollback()
                    return await self._finish("failed", error=str(exc))
                files = len(index)
                # Same transaction as the success: a project never names as
                # current a build whose success was rolled back.
                promoted = await version_repo.promote_if_newer(
                    session,
                    project_id=self.build.project_id,
                    build_id=self.build.id,
                    version=self.build.version,
                )
            payload = await events.append(
                session,
                self.build.id,
                kind="status",
                seq=seq,
                attempt=self.lease.attempt,
                status=status,
                message=error or "Build succeeded.",
                data={
                    "generator": values.get("generator"),
                    "provider": self.build.provider,
                    "model": values.get("model"),
                    "usage": values.get("usage"),
                    "files": files,
                },
            )
            await session.commit()
        await self._invalidate()
        if promoted and self.ctx.project_reader is not None:
            await self.ctx.project_reader.invalidate(
                None, self.build.owner_id, self.build.project_id
            )
        if payload is not None:
            await self.ctx.publisher.publish(payload)
        logger.info("build finished", extra={**self.log_extra, "status": status})
        return True

    async def _invalidate(self) -> None:
        owner: uuid.UUID = self.build.owner_id
        await self.ctx.reader.invalidate(None, owner, self.build.id)
