"""Live previews in the worker: claim, run in the sandbox, proxy, reap.

Previews are driven from here, never from the API process: the generated
app is hostile code, started in this worker's sandbox
(``pipeline/sandbox/serve.py``): a bubblewrap sandbox on this machine, or
under ``sandbox_mode=kubernetes`` a pod of its own that this worker creates,
watches and deletes (``kubernetes_serve.py``). The worker

- claims queued previews (``repositories/previews.claim``) only while it
  runs fewer than ``preview_max_per_worker``;
- serves a small internal HTTP server (``internal_app``) that core's API
  streams preview requests to: ``/{preview_id}/{path}`` is forwarded to that
  preview's app (its UNIX socket, or its pod's IP and port); every request
  needs ``X-Internal-Token`` when ``CORE_INTERNAL_TOKEN`` is set, and records
  the preview's last activity;
- each loop renews the leases of its previews, stops those the owner stopped,
  those idle for ``preview_idle_minutes`` and those older than
  ``preview_max_minutes``, fails those whose app exited, fails any preview
  queued longer than ``preview_queue_seconds`` (no worker had room), and writes each
  preview's log tail to its row (so the API shows logs even after a worker
  died).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import io
import ipaddress
import logging
import socket
import time
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from launchforge_core.config import CoreSettings
from launchforge_core.pipeline.preview_seed import plan_for_spec
from launchforge_core.pipeline.sandbox.serve import RunningApp, ServeUnavailable, start_app
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.repositories import artifacts as artifact_repo
from launchforge_core.repositories import previews as repo

logger = logging.getLogger("launchforge.core.previews")

INTERNAL_TOKEN_HEADER = "x-internal-token"  # noqa: S105 - a header name
# Hop-by-hop headers (RFC 9110 7.6.1) and what the proxy sets itself.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        INTERNAL_TOKEN_HEADER,
    }
)


@dataclass
class LivePreview:
    """One preview this worker runs."""

    id: uuid.UUID
    build_id: uuid.UUID
    app: RunningApp
    # Talks to the app only (its socket or its pod); made once it is ready (a pod's
    # address is known only then).
    client: httpx.AsyncClient | None = None
    started: float = field(default_factory=time.monotonic)
    last_active: float = field(default_factory=time.monotonic)
    last_active_wall: datetime = field(default_factory=lambda: datetime.now(UTC))
    written_log: str = ""
    ready: bool = False


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _files_of(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}


class PreviewManager:
    """This worker's previews: at most ``cap`` at once."""

    def __init__(
        self,
        settings: CoreSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        pipeline: PipelineSettings,
        *,
        worker_id: str,
        mode: str,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.pipeline = pipeline
        self.worker_id = worker_id
        self.mode = mode
        # Under kubernetes the apps run in pods of their own; the cap bounds what this
        # worker proxies and watches.
        self.cap = settings.preview_max_per_worker
        self.lease_seconds = settings.worker_lease_seconds
        self.live: dict[uuid.UUID, LivePreview] = {}
        self._starting: set[asyncio.Task[None]] = set()
        self.internal_url = ""
        token = settings.internal_token
        self.internal_token = token.get_secret_value() if token else None
        if (
            self.cap
            and self.internal_token is None
            and settings.is_production
            and not _is_loopback(settings.preview_internal_host)
        ):
            # Anyone who reaches the port could use every preview: refuse rather than open it.
            logger.error(
                "previews are off: CORE_INTERNAL_TOKEN must be set when the preview server "
                "listens beyond loopback in production"
            )
            self.cap = 0

    # --- the loop -------------------------------------------------------------------

    async def tick(self) -> None:
        """One round: reap, renew, write logs, fail lost and unclaimed previews, claim new ones."""
        await self._reap()
        ids = list(self.live)
        async with self.sessionmaker() as session:
            still = await repo.renew(session, self.worker_id, ids, lease_seconds=self.lease_seconds)
            for preview in [self.live[pid] for pid in ids if pid in self.live]:
                log = preview.app.logs.text()
                values: dict[str, object] = {}
                if log != preview.written_log:
                    values["log_tail"] = log
                    preview.written_log = log
                if preview.ready:
                    values["last_active_at"] = preview.last_active_wall
                if values and preview.id in still:
                    await repo.update_live(session, preview.id, self.worker_id, **values)
            await repo.fail_lost(session)
            await repo.fail_unclaimed(session, queue_seconds=self.settings.preview_queue_seconds)
            await session.commit()
        # Stopped by the owner (or failed by someone else): end the app.
        for preview_id in [pid for pid in ids if pid not in still]:
            await self._end(preview_id, status="stopped", reason="user", error=None, write=False)
        while self.cap and len(self.live) + len(self._starting) < self.cap:
            if not await self._claim_one():
                break

    async def _reap(self) -> None:
        now = time.monotonic()
        idle = self.settings.preview_idle_minutes * 60
        most = self.settings.preview_max_minutes * 60
        for preview in list(self.live.values()):
            if not preview.ready:
                continue
            code = preview.app.exit_code
            if code is not None and preview.app.deadline_passed:
                # The sandbox (a Job's activeDeadlineSeconds) ended it at the maximum.
                await self._end(preview.id, status="stopped", reason="max", error=None)
            elif code is not None:
                await self._end(
                    preview.id,
                    status="failed",
                    reason="crashed",
                    error=f"The app exited with code {code}; see its logs.",
                )
            elif now - preview.started >= most:
                await self._end(preview.id, status="stopped", reason="max", error=None)
            elif now - preview.last_active >= idle:
                await self._end(preview.id, status="stopped", reason="idle", error=None)

    async def _claim_one(self) -> bool:
        async with self.sessionmaker() as session:
            claimed = await repo.claim(
                session,
                worker_id=self.worker_id,
                internal_url=self.internal_url,
                lease_seconds=self.lease_seconds,
            )
            archive = None
            if claimed is not None:
                archive = await artifact_repo.archive(session, claimed[1].id)
            await session.commit()
        if claimed is None:
            return False
        preview, build = claimed
        logger.info(
            "preview claimed", extra={"preview_id": str(preview.id), "build_id": str(build.id)}
        )
        task = asyncio.create_task(
            self._start(preview.id, build.id, archive, build.spec, build.theme)
        )
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)
        return True

    async def _start(
        self,
        preview_id: uuid.UUID,
        build_id: uuid.UUID,
        archive: bytes | None,
        spec: dict[str, object] | None,
        theme: str,
    ) -> None:
        async def fail(error: str, log: str = "") -> None:
            async with self.sessionmaker() as session:
                await repo.finish(
                    session,
                    preview_id,
                    self.worker_id,
                    status="failed",
                    stop_reason="crashed",
                    error=error,
                    log_tail=log,
                )
                await session.commit()

        try:
            if archive is None:
                await fail("The build has no artifact to run.")
                return
            files = await asyncio.to_thread(_files_of, archive)
            seed = plan_for_spec(spec, theme=theme, per_entity=self.settings.preview_seed_records)
            app = await start_app(
                files,
                seed,
                self.pipeline,
                mode=self.mode,
                max_seconds=self.settings.preview_max_minutes * 60,
                log_bytes=self.settings.preview_log_bytes,
            )
        except ServeUnavailable as exc:
            await fail(f"The preview could not start: {exc}")
            return
        except Exception:
            logger.exception("preview start failed", extra={"preview_id": str(preview_id)})
            await fail("The preview could not start (an internal error).")
            return
        live = LivePreview(preview_id, build_id, app)
        self.live[preview_id] = live
        error = await app.wait_ready(self.settings.preview_start_timeout)
        if error is not None:
            await self._end(preview_id, status="failed", reason="crashed", error=f"{error}.")
            return
        live.client = app.http_client(timeout=60)
        live.ready = True
        live.started = live.last_active = time.monotonic()
        async with self.sessionmaker() as session:
            ok = await repo.update_live(
                session,
                preview_id,
                self.worker_id,
                status="running",
                started_at=datetime.now(UTC),
                last_active_at=datetime.now(UTC),
                log_tail=app.logs.text(),
            )
            await session.commit()
        if not ok:  # stopped while it started
            await self._end(preview_id, status="stopped", reason="user", error=None, write=False)
            return
        logger.info("preview running", extra={"preview_id": str(preview_id)})

    async def _end(
        self,
        preview_id: uuid.UUID,
        *,
        status: str,
        reason: str,
        error: str | None,
        write: bool = True,
    ) -> None:
        """Stop the app and record the end with its log tail (kept on the row)."""
        preview = self.live.pop(preview_id, None)
        if preview is None:
            return
        await preview.app.stop()
        if preview.client is not None:
            await preview.client.aclose()
        logger.info("preview ended", extra={"preview_id": str(preview_id), "reason": reason})
        with contextlib.suppress(Exception):
            async with self.sessionmaker() as session:
                if write:
                    await repo.finish(
                        session,
                        preview_id,
                        self.worker_id,
                        status=status,
                        stop_reason=reason,
                        error=error,
                        log_tail=preview.app.logs.text(),
                    )
                else:
                    await repo.finish(
                        session,
                        preview_id,
                        self.worker_id,
                        status="stopped",
                        stop_reason=reason,
                        error=None,
                        log_tail=preview.app.logs.text(),
                    )
                await session.commit()

    async def shutdown(self) -> None:
        """The worker stops: every preview ends (a local app dies with the worker anyway; a
        pod's Job is deleted here, or ends at its deadline if the worker is killed)."""
        for task in list(self._starting):
            task.cancel()
        for preview_id in list(self.live):
            await self._end(preview_id, status="stopped", reason="shutdown", error=None)

    # --- the internal server ------------------------------------------------------------

    def _token_ok(self, request: Request) -> bool:
        if self.internal_token is None:
            return True
        shown = request.headers.get(INTERNAL_TOKEN_HEADER, "")
        return hmac.compare_digest(shown.encode(), self.internal_token.encode())

    async def proxy(self, request: Request) -> Response:
        """Forward one request to a preview's app, streaming both bodies."""
        if not self._token_ok(request):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            preview_id = uuid.UUID(request.path_params["preview_id"])
        except ValueError:
            return PlainTextResponse("no such preview", status_code=404)
        preview = self.live.get(preview_id)
        if preview is None or not preview.ready or preview.client is None:
            # Core's API answers its own 404 for this (the app's 404s pass through).
            return PlainTextResponse(
                "no such preview", status_code=404, headers={"x-preview-missing": "1"}
            )
        preview.last_active = time.monotonic()
        preview.last_active_wall = datetime.now(UTC)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP]
        upstream = preview.client.build_request(
            request.method,
            "/" + request.path_params["path"],
            params=request.url.query,
            headers=headers,
            content=request.stream(),
        )
        try:
            answer = await preview.client.send(upstream, stream=True)
        except httpx.HTTPError as exc:
            return PlainTextResponse(f"the app did not answer: {type(exc).__name__}", 502)
        out = [(k, v) for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP]
        response = StreamingResponse(
            answer.aiter_raw(),
            status_code=answer.status_code,
            background=BackgroundTask(answer.aclose),
        )
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out]
        return response

    def internal_app(self) -> Starlette:
        methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

        async def livez(_request: Request) -> Response:
            return PlainTextResponse("ok")

        return Starlette(
            routes=[
                Route("/livez", livez),
                Route("/{preview_id}/{path:path}", self.proxy, methods=methods),
            ]
        )


class _QuietServer(uvicorn.Server):
    """The worker owns SIGTERM/SIGINT; this server must not take them over."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def]
        yield


@asynccontextmanager
async def internal_server(manager: PreviewManager) -> AsyncIterator[str]:
    """Serve the manager's internal app; yields the URL core's API reaches it at."""
    settings = manager.settings
    sock = socket.socket(
        socket.AF_INET6 if ":" in settings.preview_internal_host else socket.AF_INET
    )
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.preview_internal_host, settings.preview_internal_port))
    port = sock.getsockname()[1]
    host = settings.preview_advertise_host or settings.preview_internal_host
    if ":" in host:
        host = f"[{host}]"
    config = uvicorn.Config(
        manager.internal_app(), log_config=None, access_log=False, lifespan="off"
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    url = f"http://{host}:{port}"
    manager.internal_url = url
    try:
        yield url
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        sock.close()


async def run_previews(manager: PreviewManager, stop: asyncio.Event, poll_seconds: float) -> None:
    """Tick until ``stop``; then end every preview."""
    try:
        async with internal_server(manager) as url:
            logger.info("preview server listening", extra={"url": url, "cap": manager.cap})
            while not stop.is_set():
                try:
                    await manager.tick()
                except Exception:
                    logger.warning("preview round failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), poll_seconds)
    finally:
        await manager.shutdown()
