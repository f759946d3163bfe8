"""The cluster backend: one Kubernetes Job (one pod) per test run.

A worker in a cluster cannot make namespaces of its own (the runtime's default
seccomp profile forbids ``unshare`` without CAP_SYS_ADMIN), so each run is a
pod of its own in the sandbox namespace, holding no secrets:
- ``automountServiceAccountToken: false``, ``enableServiceLinks: false`` (no
  service addresses in its environment), an explicit environment;
- non-root (65534), read-only root filesystem, all capabilities dropped, no
  privilege escalation, seccomp ``RuntimeDefault``; ``runtimeClassName`` from
  settings (gVisor or Kata where the cluster has them);
- CPU, memory and ephemeral-storage limits, rlimits inside, and an
  ``activeDeadlineSeconds``; memory-backed ``emptyDir`` volumes for the
  project and /tmp;
- the label ``launchforge.dev/sandbox-run``, which the chart's NetworkPolicy
  selects to deny all ingress and egress (no PostgreSQL, Redis, services,
  cluster API or cloud metadata).
The project goes in as a gzipped tar in a ConfigMap owned by the Job (so the
cluster's garbage collector removes both); the result comes back as the pod's
exit code and the tail of its log. The worker deletes the Job when the run
ends, on timeout and on cancellation; ``ttlSecondsAfterFinished`` covers a
worker that died mid-run.

Talks to the API server with httpx (a handful of REST calls; the official
client would add a large dependency for them).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import os
import secrets
from pathlib import Path
from typing import Any

import httpx

from launchforge_core.pipeline.sandbox.outcome import (
    ValidationOutcome,
    finished,
    module_names,
    not_started,
    timed_out,
)
from launchforge_core.pipeline.sandbox.payload import (
    BOOT_PROGRAM,
    project_archive,
    rlimits,
    sandbox_env,
)
from launchforge_core.pipeline.settings import KubernetesSandbox, PipelineSettings

RUN_LABEL = "launchforge.dev/sandbox-run"
ARCHIVE_DIR = "/project-archive"
ARCHIVE_NAME = "project.tar.gz"
SANDBOX_ROOT = "/sandbox"
# Seconds a pod may take to be scheduled and pull its image, on top of the run's own limit.
START_GRACE = 120


def api_url(cfg: KubernetesSandbox) -> str:
    if cfg.api_url:
        return cfg.api_url.rstrip("/")
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{port}"


def pod_spec(
    name: str, settings: PipelineSettings, command: list[str], *, port: int | None = None
) -> dict[str, Any]:
    """The hardened pod of a run or a preview: no token, no privileges, bounded resources.

    ``name`` is the ConfigMap holding the project; ``port`` the one TCP port a
    preview's app listens on (a run opens none).
    """
    cfg = settings.kubernetes
    env = sandbox_env(
        home=f"{SANDBOX_ROOT}/home",
        tmp="/tmp",  # noqa: S108 - the pod's own emptyDir
        project=f"{SANDBOX_ROOT}/project",
        path=f"{Path(cfg.python).parent}:/usr/local/bin:/usr/bin:/bin",
    )
    memory = settings.memory_limit_bytes + 2 * settings.sandbox_tmpfs_bytes
    container: dict[str, Any] = {
        "name": "run",
        "image": cfg.image,
        "imagePullPolicy": "IfNotPresent",
        "command": command,
        "workingDir": SANDBOX_ROOT,
        "env": [{"name": key, "value": value} for key, value in env.items()],
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {
            "limits": {
                "cpu": cfg.cpu_limit,
                "memory": str(memory),
                "ephemeral-storage": str(settings.file_size_limit_bytes * 4),
            },
            "requests": {"cpu": "100m", "memory": "128Mi"},
        },
        "volumeMounts": [
            {"name": "archive", "mountPath": ARCHIVE_DIR, "readOnly": True},
            {"name": "work", "mountPath": SANDBOX_ROOT},
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108 - the pod's own
        ],
    }
    if port is not None:
        container["ports"] = [{"name": "app", "containerPort": port, "protocol": "TCP"}]
    pod: dict[str, Any] = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "hostNetwork": False,
        "hostPID": False,
        "hostIPC": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 65534,
            "runAsGroup": 65534,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [
            {"name": "archive", "configMap": {"name": name}},
            {
                "name": "work",
                "emptyDir": {"medium": "Memory", "sizeLimit": str(settings.sandbox_tmpfs_bytes)},
            },
            {
                "name": "tmp",
                "emptyDir": {"medium": "Memory", "sizeLimit": str(settings.sandbox_tmpfs_bytes)},
            },
        ],
    }
    if cfg.runtime_class:
        pod["runtimeClassName"] = cfg.runtime_class
    return pod


def job_of(name: str, label: str, pod: dict[str, Any], deadline_seconds: float) -> dict[str, Any]:
    """A one-pod Job around ``pod``, labelled for its NetworkPolicy, ended by the cluster
    after ``deadline_seconds`` and removed ``ttlSecondsAfterFinished`` later."""
    labels = {label: "true", "app.kubernetes.io/part-of": "launchforge"}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": math.ceil(deadline_seconds),
            "ttlSecondsAfterFinished": 300,
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def job_manifest(name: str, settings: PipelineSettings, modules: list[str]) -> dict[str, Any]:
    """The Job of one run (pure: tested on its own and through the stand-in API)."""
    command = [
        settings.kubernetes.python,
        "-c",
        BOOT_PROGRAM,
        f"{ARCHIVE_DIR}/{ARCHIVE_NAME}",
        f"{SANDBOX_ROOT}/project",
        *rlimits(settings),
        "--",
        *modules,
    ]
    pod = pod_spec(name, settings, command)
    return job_of(name, RUN_LABEL, pod, settings.validate_timeout)


def config_map(name: str, archive: bytes, job_uid: str, label: str = RUN_LABEL) -> dict[str, Any]:
    """The project's archive, owned by its Job (the garbage collector removes both)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "labels": {label: "true"},
            "ownerReferences": [
                {"apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": job_uid}
            ],
        },
        "binaryData": {ARCHIVE_NAME: base64.b64encode(archive).decode()},
    }


def api_client(cfg: KubernetesSandbox) -> httpx.AsyncClient:
    """A client of the API server with the worker's ServiceAccount token."""
    headers = {}
    with contextlib.suppress(OSError):  # re-read per run: projected tokens rotate
        headers["Authorization"] = f"Bearer {Path(cfg.token_file).read_text().strip()}"
    verify: Any = cfg.ca_file if os.path.exists(cfg.ca_file) else True
    return httpx.AsyncClient(base_url=api_url(cfg), headers=headers, verify=verify, timeout=30.0)


class ApiError(Exception):
    """The API server answered an error status."""


# What a call to the API server can fail with: the transport, an error answer, or an
# answer not shaped as expected.
API_ERRORS = (httpx.HTTPError, ApiError, KeyError, TypeError, ValueError)


def api_paths(namespace: str) -> tuple[str, str]:
    """The namespace's core API path and its Jobs collection."""
    return f"/api/v1/namespaces/{namespace}", f"/apis/batch/v1/namespaces/{namespace}/jobs"


async def call(client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> Any:
    """One REST call: the JSON (or text) answer, ``ApiError`` on an error status."""
    response = await client.request(method, url, **kw)
    if response.status_code >= 400:
        raise ApiError(f"{method} {url}: HTTP {response.status_code}")
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


def terminated_state(pod: dict[str, Any]) -> dict[str, Any] | None:
    """The container's ``terminated`` state once it ended (exitCode, reason, signal)."""
    for status in pod.get("status", {}).get("containerStatuses") or []:
        state = status.get("state", {}).get("terminated")
        if state is not None:
            return dict(state)
    return None


async def _wait_for_pod(
    client: httpx.AsyncClient, name: str, settings: PipelineSettings
) -> tuple[str, dict[str, Any] | None]:
    """("done", pod) when its container terminated, ("deadline", pod-or-None) otherwise."""
    cfg = settings.kubernetes
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.validate_timeout + START_GRACE
    pod: dict[str, Any] | None = None
    core, jobs = api_paths(cfg.namespace)
    while loop.time() < deadline:
        job = await call(client, "GET", f"{jobs}/{name}")
        pods = await call(
            client,
            "GET",
            f"{core}/pods",
            params={"labelSelector": f"job-name={name}"},
        )
        pod = (pods.get("items") or [None])[0]
        for condition in job.get("status", {}).get("conditions") or []:
            failed = condition.get("type") == "Failed" and condition.get("status") == "True"
            if failed and condition.get("reason") == "DeadlineExceeded":
                return "deadline", pod
        if pod is not None and terminated_state(pod) is not None:
            return "done", pod
        await asyncio.sleep(cfg.poll_seconds)
    return "deadline", pod


async def run(files: dict[str, bytes], settings: PipelineSettings) -> ValidationOutcome:
    """Run the project's import check and tests in a Job of its own; delete it afterwards."""
    cfg = settings.kubernetes
    archive = project_archive(files, compress=True)
    if len(archive) > cfg.max_archive_bytes:
        return not_started(
            f"the project is {len(archive)} bytes compressed, more than a run carries "
            f"({cfg.max_archive_bytes})"
        )
    name = f"lf-run-{secrets.token_hex(6)}"
    core, jobs = api_paths(cfg.namespace)
    created = False
    async with api_client(cfg) as client:
        try:
            try:
                job = await call(
                    client, "POST", jobs, json=job_manifest(name, settings, module_names(files))
                )
                created = True
                uid = job["metadata"]["uid"]
                await call(
                    client, "POST", f"{core}/configmaps", json=config_map(name, archive, uid)
                )
                state, pod = await _wait_for_pod(client, name, settings)
                log = ""
                if pod is not None:
                    log = await call(
                        client,
                        "GET",
                        f"{core}/pods/{pod['metadata']['name']}/log",
                        params={"container": "run", "tailLines": 4000},
                    )
                    log = str(log)[-settings.max_output_bytes :]
            except API_ERRORS as exc:
                return not_started(f"the cluster did not run it: {exc}")
            terminated = terminated_state(pod or {}) or {}
            if state == "deadline" or terminated.get("reason") == "DeadlineExceeded":
                return timed_out(settings, log)
            code = terminated.get("exitCode")
            if terminated.get("signal"):
                code = -int(terminated["signal"])
            return finished(code, log, settings)
        finally:
            if created:
                with contextlib.suppress(httpx.HTTPError, ApiError):
                    await call(
                        client,
                        "DELETE",
                        f"{jobs}/{name}",
                        params={"propagationPolicy": "Background"},
                    )
                with contextlib.suppress(httpx.HTTPError, ApiError):
                    await call(client, "DELETE", f"{core}/configmaps/{name}")
