"""The Kubernetes backend, test runs and previews, against the stand-in API server
(``cluster`` in core's conftest: no cluster can run here; it plays the kubelet too)."""

from __future__ import annotations

import asyncio

import pytest
from launchforge_core.pipeline import PipelineSettings
from launchforge_core.pipeline.sandbox import kubernetes, kubernetes_serve, run_project_tests
from launchforge_core.pipeline.sandbox.serve import ServeUnavailable, start_app
from launchforge_core.pipeline.settings import KubernetesSandbox


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
    assert set(cluster.auth) == {f"Bearer {cluster.token}"}
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


def _assert_hardened(pod: dict, *, runtime_class: str) -> dict:
    """The pod of a run or of a preview: no token, no service links, non-root, read-only,
    no capabilities, limits, nothing of the platform's in its environment or volumes.
    Returns its one container."""
    assert pod["automountServiceAccountToken"] is False
    assert pod["enableServiceLinks"] is False
    assert pod["runtimeClassName"] == runtime_class
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
    return container


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
    _assert_hardened(pod, runtime_class="kata")
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


# --- previews: an app served from a pod of its own ----------------------------------------

_APP = b"""
from fastapi import FastAPI

app = FastAPI()
items: list[dict] = []


@app.get("/")
def root() -> dict:
    return {"hello": "preview", "items": len(items)}


@app.post("/items", status_code=201)
def add(item: dict) -> dict:
    items.append(item)
    return {"id": len(items), **item}
"""
_SEED = [
    {"entity": "item", "path": "/items", "records": [{"name": "a"}, {"name": "b"}], "parents": {}}
]


def _app(main: bytes = _APP) -> dict[str, bytes]:
    return {"app/__init__.py": b"", "app/main.py": main}


async def _started(cluster, files, seed=(), max_seconds=120):
    app = await start_app(
        files,
        list(seed),
        cluster.settings,
        mode="kubernetes",
        max_seconds=max_seconds,
        log_bytes=8192,
    )
    assert isinstance(app, kubernetes_serve.PodApp)
    return app


async def test_a_preview_runs_in_its_own_pod_and_is_reached_at_its_address(cluster):
    app = await _started(cluster, _app(), _SEED)
    try:
        assert await app.wait_ready(60) is None, app.logs.text()
        pod = cluster.pod_of(app.name)
        assert pod is not None
        assert (
            app.base_url
            == f"http://{pod['status']['podIP']}:{cluster.settings.kubernetes.preview_port}"
        )
        async with app.http_client(timeout=10) as http:
            answer = await http.get("/")
        assert answer.json() == {"hello": "preview", "items": 2}  # seeded through its API
        for _ in range(100):  # the watcher reads the pod's log, line by line as written
            if "sample records created" in app.logs.text() and "preview: serving" in (
                app.logs.text()
            ):
                break
            await asyncio.sleep(0.1)
        assert "seed: 2 of 2 sample records created" in app.logs.text()
        assert "preview: serving" in app.logs.text()
        assert app.exit_code is None
        job = cluster.jobs[app.name]
        assert cluster.config_maps[app.name]["metadata"]["labels"] == {
            kubernetes_serve.PREVIEW_LABEL: "true"
        }
    finally:
        await app.stop()
    # stop deletes the Job (and its pod with it) and the ConfigMap
    assert cluster.deleted == [f"job/{app.name}", f"configmap/{app.name}"]
    assert app.name not in cluster.jobs
    assert cluster.pod_of(app.name) is None
    assert job["spec"]["activeDeadlineSeconds"] == 120
    assert set(cluster.auth) == {f"Bearer {cluster.token}"}
    await app.stop()  # twice is harmless
    assert len(cluster.deleted) == 2


async def test_a_crash_is_reported_with_its_exit_code_and_logs(cluster):
    app = await _started(cluster, _app(_APP + b"\nprint('about to serve', flush=True)\n"))
    try:
        assert await app.wait_ready(60) is None, app.logs.text()
        cluster.kill(app.name)  # as the OOM killer would
        for _ in range(100):
            if app.exit_code is not None:
                break
            await asyncio.sleep(0.1)
        assert app.exit_code == 137
        assert app.deadline_passed is False
        assert "about to serve" in app.logs.text()
    finally:
        await app.stop()
    assert f"job/{app.name}" in cluster.deleted


async def test_an_app_that_fails_at_import_exits_before_serving(cluster):
    app = await _started(cluster, _app(b"raise RuntimeError('preview boom')\n"))
    try:
        error = await app.wait_ready(60)
        assert error == "the app exited with code 1 before serving"
        assert "preview boom" in app.logs.text()
    finally:
        await app.stop()


async def test_the_cluster_ends_a_preview_at_its_hard_maximum(cluster):
    app = await _started(cluster, _app(), max_seconds=2)
    try:
        assert await app.wait_ready(60) is None, app.logs.text()
        for _ in range(100):
            if app.exit_code is not None:
                break
            await asyncio.sleep(0.1)
        assert app.exit_code is not None
        assert app.deadline_passed is True
    finally:
        await app.stop()


async def test_a_pod_that_never_runs_says_why(cluster):
    kube = cluster.settings.kubernetes.model_copy(update={"image": "missing/core:0"})
    cluster.settings = cluster.settings.model_copy(update={"kubernetes": kube})
    app = await _started(cluster, _app())
    try:
        error = await app.wait_ready(1.5)
        assert (
            error == "the app did not start serving within 1.5 s (its container: ImagePullBackOff)"
        )
        assert app.exit_code is None
    finally:
        await app.stop()
    assert f"job/{app.name}" in cluster.deleted


async def test_a_cluster_that_refuses_a_preview_is_a_clear_error(cluster):
    cluster.forbid = True
    with pytest.raises(ServeUnavailable, match="403"):
        await _started(cluster, _app())


def test_the_preview_pod_holds_no_secrets_and_no_privileges():
    settings = PipelineSettings(
        kubernetes=KubernetesSandbox(runtime_class="gvisor", preview_port=8080)
    )
    job = kubernetes_serve.preview_manifest("lf-preview-x", settings, max_seconds=3600)
    spec = job["spec"]
    assert spec["backoffLimit"] == 0
    assert spec["activeDeadlineSeconds"] == 3600  # the preview's hard maximum, from the cluster
    assert spec["ttlSecondsAfterFinished"] > 0
    labels = spec["template"]["metadata"]["labels"]
    assert labels[kubernetes_serve.PREVIEW_LABEL] == "true"
    assert kubernetes.RUN_LABEL not in labels  # its own NetworkPolicy, not the run's
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["hostNetwork"] is False
    container = _assert_hardened(pod, runtime_class="gvisor")
    assert container["ports"] == [{"name": "app", "containerPort": 8080, "protocol": "TCP"}]
    assert "tcp:0.0.0.0:8080" in container["command"]
    cpu = [arg for arg in container["command"] if arg.startswith("RLIMIT_CPU=")]
    assert cpu == ["RLIMIT_CPU=3605"]
