"""Fixtures for core's tests: real PostgreSQL, real Redis, a real JWKS server.

The database is created fresh for the run, migrated with core's own Alembic
migrations and dropped at the end. Auth is not started: a tiny HTTP server on
a free port publishes a JWKS that tests control (to rotate keys), and tokens
are minted here with matching Ed25519 keys. Every test uses freshly generated
user ids, so tests never see each other's projects.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from aiohttp import web
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from launchforge_common.testing import free_port, temporary_database
from launchforge_core.config import CoreSettings
from launchforge_core.main import create_app
from launchforge_core.migrations import upgrade
from launchforge_core.pipeline import PipelineSettings
from launchforge_core.pipeline.settings import KubernetesSandbox
from redis.asyncio import Redis

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
ISSUER = "launchforge-auth"
AUDIENCE = "launchforge"


# --- signing keys and the JWKS server ---------------------------------------------------


@dataclass
class SigningKey:
    kid: str
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "EdDSA"}


class JWKSServer:
    """Serves ``/.well-known/jwks.json`` from ``keys``; counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = []
        self.hits = 0
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            if path == b"/.well-known/jwks.json":
                self.hits += 1
                status = b"200 OK"
                body = json.dumps({"keys": [k.jwk for k in self.keys]}).encode()
            else:
                status, body = b"404 Not Found", b"{}"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
                b"Content-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )
            await writer.drain()
        finally:
            writer.close()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey(kid=f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def new_signing_key() -> Callable[..., SigningKey]:
    """``new_signing_key(kid=None)``: a fresh Ed25519 key, not published anywhere."""

    def _new(kid: str | None = None) -> SigningKey:
        return SigningKey(kid=kid or f"test-{uuid.uuid4().hex[:8]}")

    return _new


@pytest.fixture(scope="session")
async def jwks_server(signing_key: SigningKey) -> AsyncIterator[JWKSServer]:
    server = JWKSServer()
    server.keys.append(signing_key)
    await server.start()
    yield server
    await server.stop()


Mint = Callable[..., str]


@pytest.fixture(scope="session")
def mint(signing_key: SigningKey) -> Mint:
    """``mint(sub, key=..., headers=..., **claim_overrides)`` -> a signed access token.

    A claim override of ``None`` removes that claim (``sub=None`` too).
    """

    def _mint(
        sub: str,
        /,
        *,
        key: SigningKey | None = None,
        headers: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        key = key or signing_key
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": sub,
            "sid": uuid.uuid4().hex,
            "plan": "free",
            "roles": ["user"],
            "email_verified": True,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            claims, key.private, algorithm="EdDSA", headers={"kid": key.kid, **(headers or {})}
        )

    return _mint


@pytest.fixture(scope="session")
def unsigned_token() -> Callable[[dict[str, Any], dict[str, Any]], str]:
    """A JWT assembled by hand with any header (e.g. ``alg: none``) and no valid signature."""

    def _b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    def _make(header: dict[str, Any], claims: dict[str, Any]) -> str:
        return f"{_b64(header)}.{_b64(claims)}."

    return _make


# --- database, settings, apps -----------------------------------------------------------


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_core") as url:
        # Alembic's async env.py runs its own event loop: keep it off ours.
        await asyncio.to_thread(upgrade, url, "head")
        yield url


@pytest.fixture(scope="session")
def make_settings(database_url: str, jwks_server: JWKSServer) -> Callable[..., CoreSettings]:
    def _make(**overrides: Any) -> CoreSettings:
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": database_url,
            "redis_url": REDIS_URL,
            "auth_url": jwks_server.url,
            # Refetch on every unknown kid, so rotation tests need no sleeps.
            "jwks_min_refetch_interval": 0.0,
            "db_pool_size": 5,
        }
        values.update(overrides)
        return CoreSettings(**values)

    return _make


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://core.test") as client:
            yield client


@pytest.fixture(scope="session")
def app(make_settings: Callable[..., CoreSettings]) -> FastAPI:
    return create_app(make_settings())


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as client:
        yield client


@pytest.fixture(scope="session")
def start_app() -> Callable[[FastAPI], Any]:
    """``async with start_app(app) as client``: a client for an extra app."""
    return running


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


# --- users --------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    headers: dict[str, str]


@pytest.fixture
def make_user(mint: Mint) -> Callable[[], User]:
    def _make() -> User:
        user_id = uuid.uuid4()
        return User(user_id, {"Authorization": f"Bearer {mint(str(user_id))}"})

    return _make


@pytest.fixture
def alice(make_user: Callable[[], User]) -> User:
    return make_user()


@pytest.fixture
def bob(make_user: Callable[[], User]) -> User:
    return make_user()


# --- builds: projects, live servers, workers ------------------------------------------


@pytest.fixture
def make_project(client: httpx.AsyncClient) -> Callable[..., Any]:
    """``await make_project(user)`` -> the new project's id (str)."""

    async def _make(user: User, name: str = "An app") -> str:
        response = await client.post("/v1/projects", json={"name": name}, headers=user.headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    return _make


@pytest.fixture
def make_build(client: httpx.AsyncClient, make_project: Callable[..., Any]) -> Callable[..., Any]:
    """``await make_build(user, **body)`` -> the 202 body of a new build."""

    async def _make(user: User, project_id: str | None = None, **body: Any) -> dict[str, Any]:
        project_id = project_id or await make_project(user)
        payload = {"idea": "A tracker for books I have read, with notes and ratings", **body}
        response = await client.post(
            f"/v1/projects/{project_id}/builds", json=payload, headers=user.headers
        )
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    return _make


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[LiveServer]:
    """Run ``app`` under uvicorn on a free port in this loop (real HTTP, real streaming)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture(scope="session")
def serve_app() -> Callable[[FastAPI], Any]:
    """``async with serve_app(app) as live``: the app on a real port."""
    return serving


@pytest.fixture(scope="session")
def make_job_context(app: FastAPI, client: httpx.AsyncClient) -> Callable[..., Any]:
    """A worker's JobContext over the session app's pool, Redis and cache."""
    from launchforge_core.api.state import app_state
    from launchforge_core.services.builds import build_build_reader
    from launchforge_core.services.events import Publisher
    from launchforge_core.services.projects import build_project_reader
    from launchforge_core.worker.worker import job_context

    def _make(**overrides: Any) -> Any:
        state = app.state
        resources: dict[str, Any] = {
            "sessionmaker": state.sessionmaker,
            "reader": build_build_reader(state.cache, ttl=app.state.settings.build_cache_ttl),
            "project_reader": build_project_reader(
                state.cache, ttl=app.state.settings.project_cache_ttl
            ),
            "publisher": Publisher(state.redis, state.redis_health),
            "store": app_state(app).artifact_store,
            "keyring": app_state(app).keyring,
            "http": app_state(app).http,
        }
        run_pipeline = overrides.pop("run_pipeline", None)
        ctx = job_context(app.state.settings, run_pipeline=run_pipeline, **resources)
        for name, value in overrides.items():
            setattr(ctx, name, value)
        return ctx

    return _make


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI, client: httpx.AsyncClient) -> Any:
    return app.state.sessionmaker


@pytest.fixture(scope="session")
def run_build_to_end(sessionmaker: Any) -> Callable[..., Any]:
    """Run one build to a terminal state with a real in-process Worker.

    Other queued builds are cancelled first so that this worker claims the one
    under test; the worker is stopped (gracefully) once the build has ended.
    """
    from launchforge_core.models import Build
    from launchforge_core.worker.worker import Worker
    from sqlalchemy import update

    async def run(ctx: Any, build_id: str) -> Build:
        wanted = uuid.UUID(build_id)
        async with sessionmaker() as session:
            await session.execute(
                update(Build)
                .where(Build.status.in_(["queued", "running"]), Build.id != wanted)
                .values(status="cancelled", lease_expires_at=None)
            )
            await session.commit()
        stop = asyncio.Event()
        task = asyncio.create_task(
            Worker(ctx, concurrency=1, poll_seconds=0.05, grace_seconds=5).run(stop)
        )
        try:
            for _ in range(400):
                async with sessionmaker() as session:
                    row = await session.get(Build, wanted)
                assert row is not None
                if row.status in ("succeeded", "failed", "cancelled"):
                    return row
                await asyncio.sleep(0.05)
            raise AssertionError("build did not finish")
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)

    return run


# --- auth's API-key introspection, stood in for ------------------------------------------


class IntrospectionServer:
    """``POST /internal/introspect`` as auth implements it (launchforge_common.introspection)."""

    def __init__(self, internal_token: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.internal_token = internal_token
        self.keys: dict[str, dict[str, Any]] = {}
        self.calls = 0
        self.broken = False
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            lines = head.split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.calls += 1
            if self.broken:
                status, answer = "500 Internal Server Error", {}
            elif headers.get("x-internal-token") != self.internal_token:
                status, answer = "401 Unauthorized", {}
            elif lines[0].startswith("POST /internal/introspect "):
                token = json.loads(body)["token"]
                status, answer = "200 OK", self.keys.get(token, {"active": False})
            else:
                status, answer = "404 Not Found", {}
            data = json.dumps(answer).encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def introspection() -> AsyncIterator[IntrospectionServer]:
    server = IntrospectionServer(internal_token="internal-" + uuid.uuid4().hex)
    await server.start()
    yield server
    await server.stop()


# --- a stand-in Kubernetes API server (no cluster can run here) ---------------------------
#
# It speaks the few REST calls the kubernetes sandbox makes (Jobs, ConfigMaps, pods, logs)
# and plays the kubelet: once a Job's ConfigMap exists it runs the pod's container command
# as a real process, with the ConfigMap's archive as the mounted file and temporary
# directories for the pod's volumes, streams its output into the pod's log, reports
# containerStatuses (running, then terminated) and enforces ``activeDeadlineSeconds``.
# Each pod gets an address of its own on loopback (127.x.y.z): a preview's app, told to
# listen on ``tcp:0.0.0.0:PORT``, listens on that address instead, so the backend reaches
# it at podIP:port as in a cluster. Deleting a Job kills its process and removes its pods
# (propagationPolicy Background). What the cluster itself enforces (the securityContext,
# the NetworkPolicy) is asserted on the manifests it receives; the chart tests check the
# policy objects.

K8S_NAMESPACE = "lf-sandbox-test"
K8S_TOKEN = "service-account-token-for-test"


@dataclass
class StandInCluster:
    namespace: str = K8S_NAMESPACE
    token: str = K8S_TOKEN
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    config_maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    pods: dict[str, dict[str, Any]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    procs: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    ran: list[dict[str, Any]] = field(default_factory=list)
    forbid: bool = False
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    settings: Any = None

    def pod_of(self, job: str) -> dict[str, Any] | None:
        return next(
            (p for p in self.pods.values() if p["metadata"]["labels"]["job-name"] == job), None
        )

    def kill(self, job: str) -> None:
        """As the kernel's OOM killer would: SIGKILL the app of ``job``'s pod."""
        pod = self.pod_of(job)
        assert pod is not None
        os.killpg(self.procs[pod["metadata"]["name"]].pid, signal.SIGKILL)

    async def kubelet(self, name: str) -> None:
        """Run the Job's pod: wait for its ConfigMap, then its command, within its deadline."""
        job = self.jobs[name]
        pod_spec = job["spec"]["template"]["spec"]
        container = pod_spec["containers"][0]
        pod_name = f"{name}-{uuid.uuid4().hex[:5]}"
        pod_ip = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
        pod: dict[str, Any] = {
            "metadata": {"name": pod_name, "labels": {"job-name": name}},
            "status": {"phase": "Pending"},
        }
        self.pods[pod_name] = pod
        while name not in self.config_maps:
            if name not in self.jobs:
                return
            await asyncio.sleep(0.05)
        if container["image"].startswith("missing/"):  # as for an image it cannot pull
            waiting = {"reason": "ImagePullBackOff"}
            pod["status"] = {
                "phase": "Pending",
                "containerStatuses": [{"state": {"waiting": waiting}}],
            }
            return
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
                if value.startswith("tcp:0.0.0.0:"):  # the pod's own address
                    return f"tcp:{pod_ip}:{value.rsplit(':', 1)[1]}"
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
                    "phase": "Failed",
                    "containerStatuses": [{"name": "run", "state": {"terminated": terminated}}],
                }
                return
            self.procs[pod_name] = proc
            pod["status"] = {
                "phase": "Running",
                "podIP": pod_ip,
                "containerStatuses": [{"name": "run", "state": {"running": {}}}],
            }
            self.logs[pod_name] = ""

            async def pump() -> None:
                assert proc.stdout is not None
                while chunk := await proc.stdout.read(65536):
                    self.logs[pod_name] += chunk.decode("utf-8", "replace")

            try:
                await asyncio.wait_for(
                    asyncio.gather(pump(), proc.wait()), job["spec"]["activeDeadlineSeconds"]
                )
                code = proc.returncode
                assert code is not None
                if code < 0:
                    code = 128 - code
                reason = "Completed" if code == 0 else "Error"
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
                code, reason = 137, "DeadlineExceeded"
                job["status"] = {
                    "conditions": [
                        {"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}
                    ]
                }
            terminated = {"exitCode": code, "reason": reason}
            pod["status"] = {
                "phase": "Succeeded" if code == 0 else "Failed",
                "podIP": pod_ip,
                "containerStatuses": [{"name": "run", "state": {"terminated": terminated}}],
            }
        finally:
            proc_left = self.procs.get(pod_name)
            if proc_left is not None and proc_left.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc_left.pid, signal.SIGKILL)
                await proc_left.wait()
            shutil.rmtree(root, ignore_errors=True)

    def app(self) -> web.Application:
        jobs = f"/apis/batch/v1/namespaces/{self.namespace}/jobs"
        core = f"/api/v1/namespaces/{self.namespace}"

        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            self.auth.append(request.headers.get("Authorization", ""))
            if self.forbid:
                return web.json_response({"kind": "Status", "code": 403}, status=403)
            answer: web.StreamResponse = await handler(request)
            return answer

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
            name = request.match_info["name"]
            self.deleted.append(f"job/{name}")
            self.jobs.pop(name, None)
            for pod_name, pod in list(self.pods.items()):  # the garbage collector's part
                if pod["metadata"]["labels"]["job-name"] == name:
                    proc = self.procs.get(pod_name)
                    if proc is not None and proc.returncode is None:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(proc.pid, signal.SIGKILL)
                    del self.pods[pod_name]
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
            name = request.match_info["name"]
            if name not in self.logs:  # as the API server answers for ContainerCreating
                return web.json_response({"code": 400}, status=400)
            lines = self.logs[name].splitlines(keepends=True)
            tail = int(request.query.get("tailLines", "0") or 0)
            return web.Response(text="".join(lines[-tail:] if tail else lines))

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
async def cluster(tmp_path: Path) -> AsyncIterator[StandInCluster]:
    """A stand-in cluster and ``cluster.settings``: kubernetes-mode pipeline settings for it."""
    stand_in = StandInCluster()
    runner = web.AppRunner(stand_in.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    token = tmp_path / "token"
    token.write_text(K8S_TOKEN + "\n")
    stand_in.settings = PipelineSettings(
        sandbox_mode="kubernetes",
        kubernetes=KubernetesSandbox(
            api_url=f"http://127.0.0.1:{port}",
            token_file=str(token),
            ca_file=str(tmp_path / "no-ca.crt"),
            namespace=K8S_NAMESPACE,
            python=sys.executable,
            runtime_class="gvisor",
            poll_seconds=0.1,
            preview_port=free_port(),
        ),
    )
    yield stand_in
    for task in stand_in.tasks:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
    await runner.cleanup()
