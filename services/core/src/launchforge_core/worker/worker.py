"""``launchforge-core worker``: claims queued builds and runs them, N at a time.

Builds never run in the API process. Wake-ups are short polling of the
queue (``CORE_WORKER_POLL_SECONDS``; one indexed query per idle worker per
interval); a claim that finds work loops again at once.

SIGTERM/SIGINT: stop claiming; running builds get ``CORE_WORKER_GRACE_SECONDS``
to finish; the rest are stopped and handed back (their lease released, status
``queued``) so another worker picks them up without waiting for the lease to
expire. SIGKILL needs no handling: the lease expires and another worker
re-claims the build.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import uuid

import httpx
from launchforge_common.cache import Cache
from launchforge_common.db import create_engine, create_sessionmaker, redact_url
from launchforge_common.http import create_http_client
from launchforge_common.logging import configure_logging_from
from launchforge_common.redis import RedisHealth, create_redis

from launchforge_core.config import CoreSettings, keyring_from
from launchforge_core.pipeline.sandbox import SandboxUnavailable, resolve_mode
from launchforge_core.pipeline.settings import KubernetesSandbox, PipelineSettings
from launchforge_core.providers.egress import PinnedEgressTransport
from launchforge_core.providers.format_memory import CachedFormatMemory
from launchforge_core.repositories import queue
from launchforge_core.services.artifacts import PostgresArtifactStore
from launchforge_core.services.budgets import BudgetPolicy
from launchforge_core.services.builds import build_build_reader
from launchforge_core.services.events import Publisher
from launchforge_core.services.projects import build_project_reader
from launchforge_core.worker.job import Job, JobContext, RunPipeline
from launchforge_core.worker.previews import PreviewManager, run_previews

logger = logging.getLogger("launchforge.core.worker")


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        ctx: JobContext,
        *,
        concurrency: int,
        poll_seconds: float,
        grace_seconds: float,
        worker_id: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.grace_seconds = grace_seconds
        self.worker_id = worker_id or new_worker_id()
        self.jobs: dict[asyncio.Task[None], Job] = {}

    async def claim_one(self) -> Job | None:
        async with self.ctx.sessionmaker() as session:
            build = await queue.claim(
                session, worker_id=self.worker_id, lease_seconds=self.ctx.lease_seconds
            )
            await session.commit()
        if build is None:
            return None
        await self.ctx.reader.invalidate(None, build.owner_id, build.id)
        logger.info("build claimed", extra={"build_id": str(build.id), "attempt": build.attempt})
        return Job(self.ctx, build, self.worker_id)

    async def run(self, stop: asyncio.Event) -> None:
        logger.info(
            "worker started", extra={"worker_id": self.worker_id, "concurrency": self.concurrency}
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                job = None
                if len(self.jobs) < self.concurrency:
                    try:
                        job = await self.claim_one()
                    except Exception:
                        logger.warning("claim failed", exc_info=True)
                if job is not None:
                    task = asyncio.create_task(job.run())
                    self.jobs[task] = job
                    task.add_done_callback(self.jobs.pop)
                    continue
                # Idle or full: wake on a finished job, a stop, or the poll interval.
                await asyncio.wait(
                    [stopping, *self.jobs],
                    timeout=self.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            stopping.cancel()
            await self.drain()

    async def drain(self) -> None:
        """Let running builds finish within the grace period, then hand the rest back."""
        if not self.jobs:
            return
        logger.info("draining", extra={"running": len(self.jobs), "grace_s": self.grace_seconds})
        _, pending = await asyncio.wait(list(self.jobs), timeout=self.grace_seconds)
        for task in pending:
            self.jobs[task].stop("handback")
        if pending:
            await asyncio.wait(pending, timeout=max(5.0, self.ctx.lease_seconds))


def pipeline_settings(settings: CoreSettings) -> PipelineSettings:
    """The pipeline's limits and sandbox from ``CORE_*`` (isolation required in production)."""
    return PipelineSettings(
        validate_timeout=settings.pipeline_validate_timeout,
        llm_max_tokens=settings.llm_max_tokens,
        sandbox_mode=settings.sandbox_mode,
        allow_unisolated=not settings.is_production,
        memory_limit_bytes=settings.sandbox_memory_bytes,
        process_limit=settings.sandbox_processes,
        file_size_limit_bytes=settings.sandbox_file_size_bytes,
        open_files_limit=settings.sandbox_open_files,
        sandbox_tmpfs_bytes=settings.sandbox_tmpfs_bytes,
        sandbox_uid_base=settings.sandbox_uid_base,
        sandbox_user=settings.sandbox_user,
        bwrap_path=settings.sandbox_bwrap,
        kubernetes=KubernetesSandbox(
            api_url=settings.sandbox_k8s_api_url,
            namespace=settings.sandbox_k8s_namespace,
            image=settings.sandbox_k8s_image,
            python=settings.sandbox_k8s_python,
            runtime_class=settings.sandbox_k8s_runtime_class,
            cpu_limit=settings.sandbox_k8s_cpu,
            preview_port=settings.sandbox_k8s_preview_port,
        ),
    )


def job_context(
    settings: CoreSettings, *, run_pipeline: RunPipeline | None = None, **resources: object
) -> JobContext:
    """Shared job context from settings and opened resources (see ``serve_worker``)."""
    if run_pipeline is None:
        from launchforge_core.pipeline import run_pipeline as default_pipeline

        run_pipeline = default_pipeline
    return JobContext(
        run_pipeline=run_pipeline,
        pipeline_settings=pipeline_settings(settings),
        lease_seconds=settings.worker_lease_seconds,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
        max_attempts=settings.worker_max_attempts,
        provider_networks=settings.allowed_provider_networks,
        build_deadline_seconds=settings.build_deadline_seconds,
        provider_call_deadline=settings.provider_call_deadline_seconds,
        provider_max_response_bytes=settings.provider_max_response_bytes,
        budgets=BudgetPolicy.from_settings(settings),
        **resources,  # type: ignore[arg-type]
    )


def provider_http_client(settings: CoreSettings) -> httpx.AsyncClient:
    """The worker's client for model servers: it connects only to addresses it
    checked at connect time (a user's own base URL included: no DNS rebinding
    past the check, see providers/egress.py)."""
    egress = PinnedEgressTransport(
        settings.allowed_provider_networks,
        # a pool per model-server host name (TLS sessions are checked per name)
        transport_factory=lambda: httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=20)),
    )
    return create_http_client(timeout=120.0, transport=egress)


async def serve_worker(settings: CoreSettings, stop: asyncio.Event | None = None) -> None:
    """Open the worker's own pool, Redis and HTTP client; run until ``stop`` is set."""
    # Refuse to start rather than run a user's model's code without a boundary.
    mode = await asyncio.to_thread(resolve_mode, pipeline_settings(settings))
    logger.info("sandbox ready", extra={"mode": mode})
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    redis = create_redis(settings)
    health = RedisHealth("redis", retry_after=settings.redis_retry_after)
    cache = Cache(redis, prefix=f"lf:{settings.service_name}", health=health)
    logger.info("worker connecting", extra={"url": redact_url(settings.database_url)})
    try:
        async with provider_http_client(settings) as http:
            ctx = job_context(
                settings,
                sessionmaker=sessionmaker,
                reader=build_build_reader(cache, ttl=settings.build_cache_ttl),
                project_reader=build_project_reader(cache, ttl=settings.project_cache_ttl),
                publisher=Publisher(redis, health),
                store=PostgresArtifactStore(sessionmaker, max_bytes=settings.max_artifact_bytes),
                keyring=keyring_from(settings),
                http=http,
                format_memory=CachedFormatMemory(cache),
            )
            worker = Worker(
                ctx,
                concurrency=settings.worker_concurrency,
                poll_seconds=settings.worker_poll_seconds,
                grace_seconds=settings.worker_grace_seconds,
            )
            # Live previews run beside the builds, in the same sandbox (worker/previews.py).
            previews = PreviewManager(
                settings,
                sessionmaker,
                ctx.pipeline_settings,
                worker_id=worker.worker_id,
                mode=mode,
            )
            preview_task = asyncio.create_task(
                run_previews(previews, stop, settings.worker_poll_seconds)
            )
            try:
                await worker.run(stop)
            finally:
                stop.set()
                await preview_task
    finally:
        await redis.aclose()
        await engine.dispose()
        logger.info("worker stopped")


def main(settings: CoreSettings) -> None:
    configure_logging_from(settings)
    try:
        asyncio.run(serve_worker(settings))
    except SandboxUnavailable as exc:
        logger.error("worker refused to start: %s", exc)
        raise SystemExit(2) from exc
