"""Previews under ``sandbox_mode=kubernetes``: one Job (one pod) per running app.

The pod is the test run's (``kubernetes.pod_spec``: no token, non-root,
read-only root filesystem, no capabilities, limits, optional runtimeClass),
the project again a gzipped tar in a ConfigMap owned by the Job. Inside, the
same ``SERVE`` program seeds the sample records and serves the app on TCP at
``preview_port``; the worker reaches it at the pod's IP (there is no Service:
only the worker that started it talks to it). The label
``launchforge.dev/sandbox-preview`` selects the chart's NetworkPolicy: ingress
only from the core worker pods on that port, no egress at all.

The cluster bounds the app even when the worker is gone: the Job's
``activeDeadlineSeconds`` is the preview's hard maximum and
``ttlSecondsAfterFinished`` removes it afterwards. While it runs, a watcher
polls the pod (address, exit from ``containerStatuses``) and its log tail
(``pods/{name}/log``) every ``poll_seconds`` while it starts, five times less
often once it serves. ``stop`` deletes the Job (propagationPolicy Background:
its pod and ConfigMap go with it). A worker killed outright leaves its
previews' Jobs to their deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any

import httpx

from launchforge_core.pipeline.sandbox import kubernetes
from launchforge_core.pipeline.sandbox.kubernetes import (
    API_ERRORS,
    ARCHIVE_DIR,
    ARCHIVE_NAME,
    SANDBOX_ROOT,
    api_client,
    api_paths,
    call,
    config_map,
    terminated_state,
)
from launchforge_core.pipeline.sandbox.payload import project_archive
from launchforge_core.pipeline.sandbox.serve import (
    SEED_FILE,
    SERVE_PROGRAM,
    LogBuffer,
    RunningApp,
    ServeUnavailable,
    serve_limits,
)
from launchforge_core.pipeline.settings import PipelineSettings

PREVIEW_LABEL = "launchforge.dev/sandbox-preview"
# Exit code reported when the pod vanished without a terminated state (evicted, deleted).
VANISHED = -9
# Lines of the pod's log fetched per look (then cut to the preview's log bytes).
LOG_TAIL_LINES = 2000
# Once the app serves, the pod is looked at every poll_seconds x this: two API calls per
# look per preview, and a crash is reported a few seconds late at most.
SERVING_POLL_FACTOR = 5


def preview_manifest(name: str, settings: PipelineSettings, max_seconds: float) -> dict[str, Any]:
    """The Job of one preview (pure: tested on its own and through the stand-in API)."""
    cfg = settings.kubernetes
    project = f"{SANDBOX_ROOT}/project"
    command = [
        cfg.python,
        "-c",
        SERVE_PROGRAM,
        f"{ARCHIVE_DIR}/{ARCHIVE_NAME}",
        project,
        *serve_limits(settings, max_seconds),
        "--",
        f"tcp:0.0.0.0:{cfg.preview_port}",
        f"{project}/{SEED_FILE}",
    ]
    pod = kubernetes.pod_spec(name, settings, command, port=cfg.preview_port)
    return kubernetes.job_of(name, PREVIEW_LABEL, pod, max_seconds)


class PodApp(RunningApp):
    """A preview's app in its pod, seen through the API server."""

    def __init__(
        self, name: str, settings: PipelineSettings, api: httpx.AsyncClient, logs: LogBuffer
    ):
        self.name = name
        self.settings = settings
        self.logs = logs
        self.port = settings.kubernetes.preview_port
        self.pod_name: str | None = None
        self.pod_ip: str | None = None
        self._api = api
        self._exit: int | None = None
        self._deadline = False
        self._running = False
        self._serving = False
        self._waiting: str | None = None  # why the container is not running yet
        self._stopped = False
        self._watcher: asyncio.Task[None] | None = None

    @property
    def exit_code(self) -> int | None:
        return self._exit

    @property
    def deadline_passed(self) -> bool:
        return self._deadline

    @property
    def base_url(self) -> str | None:
        """``http://podIP:port`` once the pod has an address."""
        if self.pod_ip is None:
            return None
        host = f"[{self.pod_ip}]" if ":" in self.pod_ip else self.pod_ip
        return f"http://{host}:{self.port}"

    def http_client(self, timeout: float) -> httpx.AsyncClient:
        # trust_env=False: a proxy from the worker's environment must not see preview traffic.
        return httpx.AsyncClient(base_url=self.base_url or "", timeout=timeout, trust_env=False)

    def _paths(self) -> tuple[str, str]:
        return api_paths(self.settings.kubernetes.namespace)

    async def _job_hit_deadline(self) -> bool:
        _, jobs = self._paths()
        with contextlib.suppress(*API_ERRORS):
            job = await call(self._api, "GET", f"{jobs}/{self.name}")
            for condition in job.get("status", {}).get("conditions") or []:
                if (
                    condition.get("type") == "Failed"
                    and condition.get("status") == "True"
                    and condition.get("reason") == "DeadlineExceeded"
                ):
                    return True
        return False

    async def _fetch_logs(self) -> None:
        if self.pod_name is None:
            return
        core, _ = self._paths()
        # 400 while the container is being created: the old tail stays.
        with contextlib.suppress(*API_ERRORS):
            text = await call(
                self._api,
                "GET",
                f"{core}/pods/{self.pod_name}/log",
                params={"container": "run", "tailLines": LOG_TAIL_LINES},
            )
            self.logs.replace(str(text))

    async def observe(self) -> None:
        """One look at the pod: its address, whether its app runs or ended, its log tail."""
        core, _ = self._paths()
        pods = await call(
            self._api, "GET", f"{core}/pods", params={"labelSelector": f"job-name={self.name}"}
        )
        pod = (pods.get("items") or [None])[0]
        if pod is None:
            if self.pod_name is not None:  # it was there: evicted, deleted or past its deadline
                self._deadline = await self._job_hit_deadline()
                self._exit = VANISHED
            return
        self.pod_name = pod["metadata"]["name"]
        status = pod.get("status") or {}
        self.pod_ip = status.get("podIP") or self.pod_ip
        await self._fetch_logs()
        ended = terminated_state(pod)
        if ended is not None:
            code = ended.get("exitCode")
            if ended.get("signal"):
                code = -int(ended["signal"])
            self._deadline = (
                ended.get("reason") == "DeadlineExceeded" or await self._job_hit_deadline()
            )
            self._exit = int(code) if code is not None else VANISHED
            return
        if status.get("phase") in ("Failed", "Succeeded"):  # ended without a container state
            self._deadline = await self._job_hit_deadline()
            self._exit = VANISHED
            return
        states = [c.get("state") or {} for c in status.get("containerStatuses") or []]
        self._running = any("running" in state for state in states)
        self._waiting = next(
            (str(state["waiting"].get("reason")) for state in states if "waiting" in state), None
        )

    async def _watch(self) -> None:
        """Poll the pod until its app ended (the worker reads ``exit_code`` and ``logs``)."""
        poll = self.settings.kubernetes.poll_seconds
        while self._exit is None:
            with contextlib.suppress(*API_ERRORS):  # a slow API server: look again
                await self.observe()
            if self._exit is None:
                await asyncio.sleep(poll * SERVING_POLL_FACTOR if self._serving else poll)

    async def _answers(self) -> bool:
        if self.pod_ip is None:
            return False
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(self.pod_ip, self.port), 2)
        except (OSError, TimeoutError):
            return False
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return True

    async def wait_ready(self, within: float) -> str | None:
        """None once the pod runs, has an IP and its port answers; else why it did not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if self._exit is not None:
                return f"the app exited with code {self._exit} before serving"
            if self._running and await self._answers():
                self._serving = True
                return None
            await asyncio.sleep(min(0.2, self.settings.kubernetes.poll_seconds))
        waiting = f" (its container: {self._waiting})" if self._waiting else ""
        return f"the app did not start serving within {within:g} s{waiting}"

    async def stop(self) -> None:
        """Keep the last log tail, then delete the Job (its pod and ConfigMap go with it)."""
        if self._stopped:
            return
        self._stopped = True
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.wait([self._watcher])
        await self._fetch_logs()
        core, jobs = self._paths()
        with contextlib.suppress(*API_ERRORS):
            await call(
                self._api,
                "DELETE",
                f"{jobs}/{self.name}",
                params={"propagationPolicy": "Background"},
            )
        with contextlib.suppress(*API_ERRORS):
            await call(self._api, "DELETE", f"{core}/configmaps/{self.name}")
        await self._api.aclose()


async def start(
    files: dict[str, bytes], settings: PipelineSettings, *, max_seconds: float, log_bytes: int
) -> PodApp:
    """Create the preview's Job and ConfigMap; returns at once (see ``wait_ready``)."""
    cfg = settings.kubernetes
    archive = project_archive(files, compress=True)
    if len(archive) > cfg.max_archive_bytes:
        raise ServeUnavailable(
            f"the project is {len(archive)} bytes compressed, more than a preview carries "
            f"({cfg.max_archive_bytes})"
        )
    name = f"lf-preview-{secrets.token_hex(6)}"
    core, jobs = api_paths(cfg.namespace)
    api = api_client(cfg)
    try:
        job = await call(api, "POST", jobs, json=preview_manifest(name, settings, max_seconds))
    except BaseException as exc:
        await api.aclose()
        if isinstance(exc, API_ERRORS):
            raise ServeUnavailable(f"the cluster did not start it: {exc}") from exc
        raise
    app = PodApp(name, settings, api, LogBuffer(log_bytes))
    try:  # from here on the Job exists: every way out deletes it
        uid = job["metadata"]["uid"]
        archive_map = config_map(name, archive, uid, PREVIEW_LABEL)
        await call(api, "POST", f"{core}/configmaps", json=archive_map)
    except BaseException as exc:
        await app.stop()
        if isinstance(exc, API_ERRORS):
            raise ServeUnavailable(f"the cluster did not start it: {exc}") from exc
        raise
    app._watcher = asyncio.ensure_future(app._watch())
    return app
