"""LaunchForge as containers: the images built from this repo, on one network.

The suite starts PostgreSQL and Redis containers, runs each service's
migrations with its image's own `migrate` command (as the Helm hook Jobs
do), then auth, core, the core worker and the gateway, locked down the way
the chart runs them (read-only root filesystem with a /tmp tmpfs, uid 10001,
no capabilities, no privilege escalation). Tests talk only to the gateway
container's published port.

Container engine: $DOCKER_HOST, else Docker's socket, else a podman service
started here on a private socket. With none of them the suite is skipped.
Image names come from the environment (defaults: the public PostgreSQL and
Redis images, and `make images`' tags):

    E2E_POSTGRES_IMAGE   postgres:16-alpine
    E2E_REDIS_IMAGE      redis:7-alpine
    E2E_GATEWAY_IMAGE    launchforge/gateway:dev   (also E2E_AUTH_IMAGE,
    E2E_CORE_IMAGE       launchforge/core:dev       launchforge/auth:dev)
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

POSTGRES_IMAGE = os.environ.get("E2E_POSTGRES_IMAGE", "postgres:16-alpine")
REDIS_IMAGE = os.environ.get("E2E_REDIS_IMAGE", "redis:7-alpine")
IMAGES = {
    svc: os.environ.get(f"E2E_{svc.upper()}_IMAGE", f"launchforge/{svc}:dev")
    for svc in ("gateway", "auth", "core")
}
STARTUP_TIMEOUT_S = 90
DB_USER = "launchforge"
# The chart's securityContext, as docker/podman run options.
LOCKED_DOWN: dict[str, Any] = {
    "read_only": True,
    "user": "10001:10001",
    "cap_drop": ["ALL"],
    "security_opt": ["no-new-privileges"],
}


def _docker_socket_answers(path: str) -> bool:
    if not Path(path).exists():
        return False
    try:
        transport = httpx.HTTPTransport(uds=path)
        with httpx.Client(transport=transport, timeout=3) as client:
            return client.get("http://engine/_ping").status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def container_engine() -> Iterator[str]:
    """A Docker-API endpoint for testcontainers; starts podman's if need be."""
    if os.environ.get("DOCKER_HOST"):
        yield os.environ["DOCKER_HOST"]
        return
    if _docker_socket_answers("/var/run/docker.sock"):
        yield "unix:///var/run/docker.sock"
        return
    podman = shutil.which("podman")
    if podman is None:
        pytest.skip(
            "no container engine: neither DOCKER_HOST, a Docker daemon on "
            "/var/run/docker.sock, nor podman; install one to run this suite"
        )
    socket_dir = tempfile.mkdtemp(prefix="lf-podman-")
    socket = f"{socket_dir}/podman.sock"
    service = subprocess.Popen(
        [podman, "system", "service", "--time=0", f"unix://{socket}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not _docker_socket_answers(socket):
        if time.monotonic() > deadline or service.poll() is not None:
            service.kill()
            pytest.fail(f"podman system service did not answer on {socket}")
        time.sleep(0.2)
    # testcontainers reads these when it is first imported (in fixtures below).
    os.environ["DOCKER_HOST"] = f"unix://{socket}"
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
    os.environ.setdefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
    try:
        yield os.environ["DOCKER_HOST"]
    finally:
        os.environ.pop("DOCKER_HOST", None)
        os.killpg(service.pid, signal.SIGTERM)
        service.wait(timeout=20)
        shutil.rmtree(socket_dir, ignore_errors=True)


def _logs(container: Any) -> str:
    stdout, stderr = container.get_logs()
    return (stdout + stderr).decode(errors="replace")[-4000:]


@dataclass
class ContainerPlatform:
    """Handles on the running containers and what the tests need from them."""

    network: Any
    gateway_url: str
    env: dict[str, dict[str, str]]
    # The network's gateway: this machine as the containers see it (where a
    # site's own model server would run, and the drill's hostile one does).
    host_address: str = ""
    data_stores: dict[str, Any] = field(default_factory=dict)  # postgres, redis
    images: dict[str, str] = field(default_factory=lambda: dict(IMAGES))
    containers: dict[str, Any] = field(default_factory=dict)

    def logs(self, name: str) -> str:
        return _logs(self.containers[name])

    def address(self, name: str) -> str:
        """The IP of a running container on the suite's network."""
        handle = self.containers.get(name) or self.data_stores[name]
        container = handle.get_wrapped_container()
        container.reload()
        networks = container.attrs["NetworkSettings"]["Networks"]
        return str(next(iter(networks.values()))["IPAddress"])

    def run_once(self, name: str, image: str, command: list[str], env: dict[str, str]) -> str:
        """Run a one-shot container (like a hook Job) to completion; its logs."""
        from testcontainers.core.container import DockerContainer

        job = (
            DockerContainer(image, **LOCKED_DOWN)
            .with_command(command)
            .with_network(self.network)
            .with_tmpfs_mount("/tmp")
            .with_envs(**env)
        )
        job.start()
        try:
            status = job.get_wrapped_container().wait(timeout=STARTUP_TIMEOUT_S)
            logs = _logs(job)
            assert status["StatusCode"] == 0, f"{name} exited {status}:\n{logs}"
            return logs
        finally:
            job.stop()

    def image_has_command(self, image: str, command: str) -> bool:
        """Whether `launchforge-<svc> <command> --help` works in the image."""
        from testcontainers.core.container import DockerContainer

        probe = DockerContainer(image, **LOCKED_DOWN).with_command([command, "--help"])
        probe.start()
        try:
            return probe.get_wrapped_container().wait(timeout=60)["StatusCode"] == 0
        finally:
            probe.stop()


def _start_service(
    platform: ContainerPlatform, name: str, image: str, command: list[str], port: int | None
) -> None:
    from testcontainers.core.container import DockerContainer

    container = (
        DockerContainer(image, **LOCKED_DOWN)
        .with_command(command)
        .with_network(platform.network)
        .with_network_aliases(name)
        .with_tmpfs_mount("/tmp")
        .with_envs(**platform.env[name])
    )
    if port is not None:
        container = container.with_exposed_ports(port)
    container.start()
    platform.containers[name] = container


def _wait_ready(platform: ContainerPlatform) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        for name, container in platform.containers.items():
            container.reload()
            if container.status == "exited":
                raise RuntimeError(f"{name} exited during startup:\n{platform.logs(name)}")
        try:
            response = httpx.get(f"{platform.gateway_url}/readyz", timeout=3)
            # 200 "degraded" while an upstream is still starting.
            if response.status_code == 200 and response.json().get("status") == "ok":
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    logs = "\n".join(f"--- {n}\n{platform.logs(n)}" for n in platform.containers)
    raise RuntimeError(f"gateway not ready: {last}\n{logs}")


def _key() -> str:
    return f"e2e:{base64.b64encode(secrets.token_bytes(32)).decode()}"


@pytest.fixture(scope="session")
def containers_platform(container_engine: str) -> Iterator[ContainerPlatform]:
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.community.redis import RedisContainer
    from testcontainers.core.network import Network

    password = secrets.token_urlsafe(16)
    internal_token = secrets.token_urlsafe(32)
    with (
        Network() as network,
        PostgresContainer(
            POSTGRES_IMAGE, username=DB_USER, password=password, dbname="launchforge_auth"
        )
        .with_network(network)
        .with_network_aliases("postgres") as postgres,
        RedisContainer(REDIS_IMAGE).with_network(network).with_network_aliases("redis") as redis,
    ):
        network._network.reload()
        ipam = network._network.attrs["IPAM"]["Config"][0]
        host_address = ipam.get("Gateway") or ipam["Subnet"].rsplit(".", 1)[0] + ".1"
        created = postgres.exec(
            ["psql", "-U", DB_USER, "-d", "postgres", "-c", "CREATE DATABASE launchforge_core"]
        )
        assert created.exit_code == 0, created.output

        def db(name: str) -> str:
            return f"postgresql://{DB_USER}:{password}@postgres:5432/{name}"

        common = {"REDIS_URL": "redis://redis:6379/0"}
        env = {
            "auth": common
            | {
                "AUTH_ENVIRONMENT": "production",
                "AUTH_DATABASE_URL": db("launchforge_auth"),
                "AUTH_KEY_ENCRYPTION_KEYS": _key(),
                "AUTH_INTERNAL_TOKEN": internal_token,
                # The gateway container's X-Forwarded-For is believed, as in the chart.
                "AUTH_TRUSTED_PROXIES": '["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]',
                # Mail is queued in the outbox; nothing listens on this name.
                "AUTH_MAIL_BACKEND": "smtp",
                "AUTH_SMTP_HOST": "mail.invalid",
            },
            "core": common
            | {
                "CORE_ENVIRONMENT": "production",
                "CORE_DATABASE_URL": db("launchforge_core"),
                "CORE_AUTH_URL": "http://auth:8001",
                "CORE_KEY_ENCRYPTION_KEYS": _key(),
                "CORE_INTERNAL_TOKEN": internal_token,
                # A user's openai_compatible server may run on this machine (the drill's).
                "CORE_PROVIDER_ALLOWED_NETWORKS": f'["{host_address}/32"]',
            },
            "gateway": common
            | {
                "GATEWAY_ENVIRONMENT": "production",
                "GATEWAY_AUTH_URL": "http://auth:8001",
                "GATEWAY_CORE_URL": "http://core:8002",
                "GATEWAY_INTERNAL_TOKEN": internal_token,
            },
        }
        platform = ContainerPlatform(
            network=network, gateway_url="", env=env, host_address=host_address
        )
        platform.data_stores = {"postgres": postgres, "redis": redis}
        # Migrations first, as the chart's pre-install hook Jobs run them.
        for svc in ("auth", "core"):
            platform.run_once(f"{svc}-migrate", IMAGES[svc], ["migrate"], env[svc])
        try:
            _start_service(platform, "auth", IMAGES["auth"], ["serve"], None)
            _start_service(platform, "core", IMAGES["core"], ["serve"], None)
            _start_service(platform, "gateway", IMAGES["gateway"], ["serve"], 8000)
            gateway = platform.containers["gateway"]
            host = gateway.get_container_host_ip()
            platform.gateway_url = f"http://{host}:{gateway.get_exposed_port(8000)}"
            _wait_ready(platform)
            yield platform
        finally:
            for container in reversed(list(platform.containers.values())):
                container.stop()


@pytest.fixture(scope="session")
def containers_worker(containers_platform: ContainerPlatform) -> str:
    """The build worker from core's image (`launchforge-core worker`)."""
    platform = containers_platform
    if not platform.image_has_command(IMAGES["core"], "worker"):
        pytest.skip(
            f"{IMAGES['core']} has no `launchforge-core worker` yet (issue 5): "
            "rebuild the image (make images) once core's builds have landed"
        )
    platform.env["worker"] = platform.env["core"]
    _start_service(platform, "worker", IMAGES["core"], ["worker"], None)
    return "worker"


@pytest.fixture
def cgateway(containers_platform: ContainerPlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=containers_platform.gateway_url, timeout=30) as client:
        yield client


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test's report carries the tail of every container's log."""
    report = yield
    if report.when == "call" and report.failed:
        platform = getattr(item, "funcargs", {}).get("containers_platform")
        if platform is not None:
            for name in platform.containers:
                report.sections.append((f"container logs: {name}", platform.logs(name)))
    return report
