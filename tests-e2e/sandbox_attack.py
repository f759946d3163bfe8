"""A hostile user's model: an OpenAI-compatible stand-in whose test files attack the sandbox.

With a provider of their own, a user controls what the model answers, so the
user controls the test files the validate stage runs. ``HostileModel`` is that
user's server on loopback: it answers the spec request with a valid spec and
the files request with ``tests/test_zz_attack.py``, a pytest module with one
test per attack. Each test passes only when its attack fails, and says what
it reached when it does not, so a build that succeeds is a boundary that held,
and a fix-round request (which carries the failing output back to this
server) is a leak. A "victim" build keeps a marker in its own work dir for a
while, for the attacker to look for.

Importable as ``sandbox_attack`` (``pythonpath`` in the pytest settings);
used by the drill and by the containers suite.
"""

from __future__ import annotations

import asyncio
import json
import socket
import textwrap
from typing import Any

import httpx
from launchforge_common.testing import ChatCompletionStandIn

SPEC = {
    "name": "Probe Notes",
    "entities": [
        {"name": "Note", "fields": [{"name": "title", "type": "string", "required": True}]}
    ],
}

# Placeholders filled by ``attack_test``; the module runs inside the sandbox.
_ATTACK = """
import glob, os, pathlib, socket, subprocess, sys, time

import pytest

SECRETS = ("CORE_DATABASE_URL", "CORE_KEY_ENCRYPTION_KEYS", "CORE_INTERNAL_TOKEN", "REDIS_URL")
TCP = {tcp!r}
SOCKETS = ("/var/run/postgresql/.s.PGSQL.5432", "/run/postgresql/.s.PGSQL.5432",
           "/tmp/.s.PGSQL.5432", "/var/run/redis/redis-server.sock", "/run/podman/podman.sock",
           "/var/run/docker.sock")


def test_no_secrets_in_any_visible_environ():
    seen = []
    for path in ["/proc/1/environ", f"/proc/{{os.getppid()}}/environ",
                 *glob.glob("/proc/[0-9]*/environ")]:
        try:
            data = open(path, "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        seen += [f"{{path}}: {{name}}" for name in SECRETS if name in data]
    assert not seen, f"REACHED secrets {{seen}}"


def test_own_environment_is_clean():
    assert not [k for k in os.environ if k.startswith(("CORE_", "AUTH_", "GATEWAY_", "REDIS"))]


def test_proc_shows_only_this_run():
    pids = [p for p in os.listdir("/proc") if p.isdigit()] if os.path.isdir("/proc") else []
    assert len(pids) <= 6, f"REACHED a shared PID namespace: {{len(pids)}} processes"


@pytest.mark.parametrize("host, port", TCP)
def test_no_tcp_route(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return
    raise AssertionError(f"REACHED tcp {{host}}:{{port}}")


@pytest.mark.parametrize("path", SOCKETS)
def test_no_unix_socket(path):
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.connect(path)
    except OSError:
        return
    finally:
        sock.close()
    raise AssertionError(f"REACHED unix socket {{path}}")


def test_no_write_outside_the_work_dir():
    reached = []
    for where in ("/tmp", "/var/tmp", "/dev/shm", os.path.dirname(os.getcwd()), sys.prefix):
        try:
            pathlib.Path(where, "{escape}").write_text("x")
        except OSError:
            continue
        reached.append(where)
    # /tmp and /dev/shm are the sandbox's own size-limited tmpfs: writing there is
    # fine, the drill checks that this machine never sees the file.
    own = ("/tmp", "/dev/shm", os.path.dirname(os.getcwd()))
    assert all(w in own for w in reached), reached


def test_cannot_find_another_builds_work_dir():
    deadline = time.monotonic() + {victim_wait}
    while time.monotonic() < deadline:
        found = []
        for top in ("/", "/tmp", "/var/tmp", "/dev/shm", "/sandbox", "/proc"):
            try:
                for root, dirs, files in os.walk(top):
                    if root.startswith(("/proc/", "/sys", "/usr")):
                        dirs[:] = []
                    found += [os.path.join(root, f) for f in files if "{victim}" in f]
            except OSError:
                continue
        assert not found, f"REACHED another build's files {{found}}"
        time.sleep(0.5)


def test_a_setsid_child_is_started():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{survivor}"],
                     start_new_session=True, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def test_fork_until_a_limit_stops_it():
    children = 0
    try:
        while children < 5000:
            if os.fork() == 0:
                os.execv("/usr/bin/sleep", ["sleep", "600", "{bomb}"])
            children += 1
    except OSError:
        pass
    assert children < 5000, "REACHED 5000 processes without a limit"
"""

_VICTIM = """
import os, pathlib, time

def test_keep_a_secret_in_my_work_dir():
    for where in (os.getcwd(), os.environ.get("HOME", "."), "/tmp"):
        pathlib.Path(where, "{victim}-secret.txt").write_text("victim data")
    time.sleep({hold})
"""


def attack_test(tcp: list[tuple[str, int]], *, tokens: dict[str, str], victim_wait: float) -> str:
    return textwrap.dedent(_ATTACK).format(tcp=tcp, victim_wait=victim_wait, **tokens)


def victim_test(token: str, hold: float) -> str:
    return textwrap.dedent(_VICTIM).format(victim=token, hold=hold)


def host_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (a sandbox must not reach them either)."""
    addresses: set[str] = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:
            udp.connect(("10.255.255.255", 1))
            addresses.add(udp.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in addresses if not a.startswith("127."))


class HostileModel(ChatCompletionStandIn):
    """The user's OpenAI-compatible server; answers by the idea each build was given."""

    model = "hostile-model"

    def __init__(self, attack: str, victim: str) -> None:
        super().__init__(host="0.0.0.0")  # noqa: S104 - containers reach it at the bridge
        self.attack = attack
        self.victim = victim
        self.fix_requests: list[str] = []

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        messages = body.get("messages") or []
        system = messages[0]["content"] if messages else ""
        user = "\n".join(m["content"] for m in messages[1:] if m["role"] == "user")
        if system.startswith("You design"):
            return json.dumps(SPEC)
        if "The project's checks failed" in user:
            # The failing output, on its way to the user's server: a leak if it names secrets.
            self.fix_requests.append(user)
            files = [{"path": "tests/test_zz_attack.py", "content": self.attack}]
        elif "attacker" in user:
            files = [{"path": "tests/test_zz_attack.py", "content": self.attack}]
        elif "victim" in user:
            files = [{"path": "tests/test_zz_victim.py", "content": self.victim}]
        else:
            files = []
        return json.dumps({"files": files})


async def queue_provider_build(
    gateway: httpx.AsyncClient, headers: dict[str, str], idea: str
) -> str:
    project = await gateway.post("/v1/projects", json={"name": idea[:40]}, headers=headers)
    assert project.status_code == 201, project.text
    created = await gateway.post(
        f"/v1/projects/{project.json()['id']}/builds",
        json={"idea": idea, "provider": "openai_compatible", "model": "hostile-model"},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    return str(created.json()["id"])


async def wait_for_build(
    gateway: httpx.AsyncClient, build_id: str, headers: dict[str, str], within: float = 300
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        build = (await gateway.get(f"/v1/builds/{build_id}", headers=headers)).json()
        if build["status"] in ("succeeded", "failed", "cancelled"):
            return dict(build)
        await asyncio.sleep(0.5)
    raise AssertionError(f"build {build_id} did not finish in {within} s")


async def build_logs(gateway: httpx.AsyncClient, build_id: str, headers: dict[str, str]) -> str:
    """The messages of a finished build's event stream, one per line."""
    lines = []
    async with gateway.stream("GET", f"/v1/builds/{build_id}/events", headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                lines.append(json.loads(line.removeprefix("data:")).get("message") or "")
    return "\n".join(lines)
