"""The Kubernetes backend against a stand-in API server (no cluster can run here).

The stand-in speaks the few REST calls the backend makes (Jobs, ConfigMaps,
pods, logs) and plays the kubelet: once a Job's ConfigMap exists it runs the
pod's container command as a real process, with the ConfigMap's archive as the
mounted file and temporary directories for the pod's volumes, and enforces
``activeDeadlineSeconds``. What the cluster itself enforces (the
securityContext, the NetworkPolicy) is asserted on the manifests it receives;
the chart tests check the policy objects.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from launchforge_common.testing import free_port
from launchforge_core.pipeline import PipelineSettings
from launchforge_core.pipeline.sandbox import kubernetes, run_project_tests
from launchforge_core.pipeline.settings import KubernetesSandbox

NS = "lf-sandbox-test"
TOKEN = "service-account-token-for-test"


@dataclass
class StandInCluster:
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    config_maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    pods: dict[str, dict[str, Any]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    ran: list[dict[str, Any]] = field(default_factory=list)
    forbid: bool = False
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def kubelet(self, name: str) -> None:
        """Run the Job's pod: wait for its ConfigMap, then its command, within its deadline."""
        job = self.jobs[name]
        pod_spec = job["spec"]["template"]["spec"]
        container = pod_spec["containers"][0]
        pod_name = f"{name}-{uuid.uuid4().hex[:5]}"
        pod = {"metadata": {"name": pod_name, "labels": {"job-name": name}}, "status": {}}
        self.pods[pod_name] = pod
        while name not in self.config_maps:  # noqa: ASYNC110 - polls like a kubelet
            await asyncio.sleep(0.05)
        root = Path(tempfile.mkdtemp(prefix="lf-kubelet-"))
        try:
            mounts = {}
            for mount in container["volumeMounts"]:
                host = root / mount["name"]
                host.mkdir()
                mounts[mount["mountPath"]] = str(host)
            cm = self.config_maps[name]
            for key, value in cm["binaryData"].items():
                (root / "archive" / key).write_bytes(base64.b64decode(value))

            def host_path(value: str) -> str:
                for inside, outside in sorted(mounts.items(), key=lambda m: -len(m[0])):
                    if value == inside or value.startswith(inside + "/"):
                        return outside + value[len(inside) :]
                return value

            # the interpreter is this machine's own (it may live under /tmp itself)
            argv = [container["command"][0], *map(host_path, container["command"][1:])]
            env = {item["name"]: host_path(item["value"]) for item in container["env"]}
            self.ran.append({"argv": argv, "env": env})
            try:
                proc = await asyncio.create_subprocess_exec(
                    *argv,
                    env=env,
                    cwd=host_path(container["workingDir"]),
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:  # as a kubelet reports a container that cannot start
                self.logs[pod_name] = str(exc)
                terminated = {"exitCode": 128, "reason": "StartError"}
                pod["status"] = {
                    "containerStatuses": [{"name": "run", "state": {"terminated": terminated}}]
                }
                return
            try:
                out, _ = await asyncio.wait_for(
                    proc.communicate(), job["spec"]["activeDeadlineSeconds"]
                )
                code = proc.returncode
                reason = "Completed" if code == 0 else "Error"
            except TimeoutError:
                proc.kill()
                out, _ = await proc.communicate()
                code, reason = 137, "DeadlineExceeded"
                job["status"] = {
                    "conditions": [
                        {"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}
                    ]
                }
            self.logs[pod_name] = out.decode("utf-8", "replace")
            pod["status"] = {
                "containerStatuses": [
                    {"name": "run", "state": {"terminated": {"exitCode": code, "reason": reason}}}
                ]
            }
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def app(self) -> web.Application:
        jobs = f"/apis/batch/v1/namespaces/{NS}/jobs"
        core = f"/api/v1/namespaces/{NS}"

        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            self.auth.append(request.headers.get("Authorization", ""))
            if self.forbid:
                return web.json_response({"kind": "Status", "code": 403}, status=403)
            return await handler(request)

        async def create_job(request: web.Request) -> web.Response:
            job = await request.json()
            job["metadata"]["uid"] = str(uuid.uuid4())
            self.jobs[job["metadata"]["name"]] = job
            task = asyncio.ensure_future(self.kubelet(job["metadata"]["name"]))
            self.tasks.add(task)
            return web.json_response(job, status=201)

        async def get_job(request: web.Request) -> web.Response:
            job = self.jobs.get(request.match_info["name"])
            if job is None:
                return web.json_response({"code": 404}, status=404)
            return web.json_response(job)

        async def delete_job(request: web.Request) -> web.Response:
            assert request.query["propagationPolicy"] == "Background"
            self.deleted.append(f"job/{request.match_info['name']}")
            self.jobs.pop(request.match_info["name"], None)
            return web.json_response({"kind": "Status"})

        async def create_cm(request: web.Request) -> web.Response:
            cm = await request.json()
            self.config_maps[cm["metadata"]["name"]] = cm
            return web.json_response(cm, status=201)

        async def delete_cm(request: web.Request) -> web.Response:
            self.deleted.append(f"configmap/{request.match_info['name']}")
            return web.json_response({"kind": "Status"})

        async def list_pods(request: web.Request) -> web.Response:
            job = request.query["labelSelector"].removeprefix("job-name=")
            items = [p for p in self.pods.values() if p["metadata"]["labels"]["job-name"] == job]
            return web.json_response({"items": items})

        async def pod_log(request: web.Request) -> web.Response:
            return web.Response(text=self.logs.get(request.match_info["name"], ""))

        app = web.Application(middlewares=[record])
        app.router.add_post(jobs, create_job)
        app.router.add_get(jobs + "/{name}", get_job)
        app.router.add_delete(jobs + "/{name}", delete_job)
        app.router.add_post(core + "/configmaps", create_cm)
        app.router.add_delete(core + "/configmaps/{name}", delete_cm)
        app.router.add_get(core + "/pods", list_pods)
        app.router.add_get(core + "/pods/{name}/log", pod_log)
        return app


@pytest.fixture
async def cluster(tmp_path):
    stand_in = StandInCluster()
    runner = web.AppRunner(stand_in.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    stand_in.settings = PipelineSettings(  # type: ignore[attr-defined]
        sandbox_mode="kubernetes",
        kubernetes=KubernetesSandbox(
            api_url=f"http://127.0.0.1:{port}",
            token_file=str(token),
            ca_file=str(tmp_path / "no-ca.crt"),
            namespace=NS,
            python=sys.executable,
            runtime_class="gvisor",
            poll_seconds=0.1,
        ),
    )
    yield stand_in
    for task in stand_in.tasks:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
    await runner.cleanup()


def _project(test: bytes) -> dict[str, bytes]:
    return {"app/__init__.py": b"", "app/core.py": b"VALUE = 2\n", "tests/test_a.py": test}


async def test_a_run_is_a_locked_down_job_whose_result_comes_back(cluster):
    lines: list[str] = []

    async def log(line: str) -> None:
        lines.append(line)

    test = b"from app.core import VALUE\n\ndef test_ok():\n    assert VALUE == 2\n"
    outcome = await run_project_tests(_project(test), cluster.settings, log)
    assert outcome.ok, outcome.output
    assert "1 passed" in outcome.output
    assert lines[0] == "sandbox: kubernetes"

    (name,) = {cm for cm in cluster.config_maps}
    assert cluster.deleted == [f"job/{name}", f"configmap/{name}"]
    assert set(cluster.auth) == {f"Bearer {TOKEN}"}
    (ran,) = cluster.ran
    assert set(ran["env"]) == {
        "PATH",
        "HOME",
        "TMPDIR",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED",
        "PYTHONUNBUFFERED",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
        "LANG",
    }
    owner = cluster.config_maps[name]["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"]) == ("Job", name)


def test_the_job_holds_no_secrets_and_no_privileges():
    settings = PipelineSettings(
        validate_timeout=90, kubernetes=KubernetesSandbox(runtime_class="kata")
    )
    job = kubernetes.job_manifest("lf-run-x", settings, ["app", "app.core"])
    spec = job["spec"]
    assert spec["backoffLimit"] == 0
    assert spec["activeDeadlineSeconds"] == 90
    assert spec["ttlSecondsAfterFinished"] > 0
    pod = spec["template"]["spec"]
    assert spec["template"]["metadata"]["labels"][kubernetes.RUN_LABEL] == "true"
    assert pod["automountServiceAccountToken"] is False
    assert pod["enableServiceLinks"] is False
    assert pod["runtimeClassName"] == "kata"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    (container,) = pod["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert set(container["resources"]["limits"]) == {"cpu", "memory", "ephemeral-storage"}
    names = {item["name"] for item in container["env"]}
    assert not any(n.startswith(("CORE_", "AUTH_", "GATEWAY_", "REDIS")) for n in names)
    assert "envFrom" not in container
    assert all("secret" not in volume for volume in pod["volumes"])
    assert (
        "runtimeClassName"
        not in kubernetes.job_manifest("x", PipelineSettings(), [])["spec"]["template"]["spec"]
    )


async def test_failing_tests_are_reported_from_the_pod_log(cluster):
    outcome = await run_project_tests(
        _project(b"def test_bad():\n    assert 2 + 2 == 5\n"), cluster.settings
    )
    assert not outcome.ok
    assert outcome.reason == "tests failed"
    assert any(line.startswith("FAILED tests/test_a.py::test_bad") for line in outcome.summary)


async def test_the_deadline_ends_the_run_and_the_job_is_deleted(cluster):
    settings = cluster.settings.model_copy(update={"validate_timeout": 3})
    outcome = await run_project_tests(
        _project(b"import time\n\ndef test_hangs():\n    time.sleep(60)\n"), settings
    )
    assert not outcome.ok
    assert outcome.reason == "timed out after 3 s"
    assert [d for d in cluster.deleted if d.startswith("job/")]


async def test_an_api_that_refuses_is_a_clear_failure(cluster):
    cluster.forbid = True
    outcome = await run_project_tests(_project(b"def test_ok():\n    pass\n"), cluster.settings)
    assert not outcome.ok
    assert outcome.reason.startswith("sandbox could not start the test run: the cluster")
    assert "403" in outcome.reason


async def test_a_project_too_big_for_a_config_map_is_refused(cluster):
    files = _project(b"def test_ok():\n    pass\n")
    # random bytes do not compress
    files["app/blob.py"] = b"DATA = " + repr(__import__("os").urandom(1024 * 1024)).encode()
    outcome = await run_project_tests(files, cluster.settings)
    assert not outcome.ok
    assert "more than a run carries" in outcome.reason
    assert cluster.jobs == {}
