"""Drill: a user's own model attacks the sandbox through a real build.

The whole platform runs as real processes (the worker as this machine's user:
root under ``make dev`` and CI). A user stores an ``openai_compatible`` key
whose base URL is ``HostileModel`` on loopback, and starts two builds at once:
a victim that keeps a marker in its work dir, and an attacker whose test file
tries to read the worker's secrets, reach PostgreSQL, Redis, the services and
cloud metadata, connect to unix sockets, write outside its work dir, find the
victim's files, leave a ``setsid`` process behind and fork without end. Every
attempt must fail (the attacker's build succeeds, no fix round carries output
back), nothing survives the build, the worker stays up, and the next build
succeeds.

Control: the same attack in the unisolated development fallback
(``sandbox_mode=process`` as root) does reach things, so the drill can fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from drill_kit import GENEROUS_RATE_LIMITS, record_result, register_and_login
from e2e_platform import launch_platform
from launchforge_common.testing import processes_with
from launchforge_core.pipeline import PipelineSettings
from launchforge_core.pipeline.sandbox import run_project_tests
from sandbox_attack import (
    HostileModel,
    attack_test,
    build_logs,
    host_addresses,
    queue_provider_build,
    victim_test,
    wait_for_build,
)

pytestmark = pytest.mark.timeout(600)


def _targets(platform_ports: list[int]) -> list[tuple[str, int]]:
    ports = sorted({5432, 6379, 8000, 8001, 8002, *platform_ports})
    tcp = [("127.0.0.1", port) for port in ports] + [("169.254.169.254", 80)]
    tcp += [(address, port) for address in host_addresses() for port in (5432, 6379)]
    return tcp


def _tokens() -> dict[str, str]:
    return {
        name: f"lf-drill-{name}-{secrets.token_hex(4)}"
        for name in ("escape", "victim", "survivor", "bomb")
    }


async def test_a_hostile_model_reaches_nothing(log_dir: Path) -> None:
    tokens = _tokens()
    async with launch_platform(
        log_dir,
        overrides={**GENEROUS_RATE_LIMITS, "CORE_SANDBOX_MODE": "bubblewrap"},
    ) as plat:
        ports = [
            int(url.rsplit(":", 1)[1]) for url in (plat.gateway_url, plat.auth_url, plat.core_url)
        ]
        attack = attack_test(_targets(ports), tokens=tokens, victim_wait=6)
        victim = victim_test(tokens["victim"], hold=8)
        async with (
            HostileModel(attack=attack, victim=victim) as model,
            httpx.AsyncClient(base_url=plat.gateway_url, timeout=30) as gateway,
        ):
            _, headers = await register_and_login(gateway)
            put = await gateway.put(
                "/v1/provider-keys/openai_compatible",
                json={"api_key": "sk-hostile", "base_url": f"http://127.0.0.1:{model.port}/v1"},
                headers=headers,
            )
            assert put.status_code in (200, 201), put.text

            victim_id = await queue_provider_build(gateway, headers, "victim notes keeper app")
            await asyncio.sleep(1.0)  # the victim's tests start first
            attacker_id = await queue_provider_build(gateway, headers, "attacker notes app")
            attacker, victim_build = await asyncio.gather(
                wait_for_build(gateway, attacker_id, headers),
                wait_for_build(gateway, victim_id, headers),
            )
            validate = next(s for s in attacker["stages"] if s["name"] == "validate")
            assert attacker["status"] == "succeeded", validate
            assert victim_build["status"] == "succeeded"
            assert model.fix_requests == [], "the failing attack output went back to the model"
            tree = await gateway.get(f"/v1/builds/{attacker_id}/files", headers=headers)
            assert "tests/test_zz_attack.py" in {f["path"] for f in tree.json()["files"]}
            events = (await gateway.get(f"/v1/builds/{attacker_id}", headers=headers)).json()
            assert events["generator"].startswith("llm:openai_compatible")

            await asyncio.sleep(0.5)
            survivors = {name: processes_with(tokens[name]) for name in ("survivor", "bomb")}
            assert survivors == {"survivor": [], "bomb": []}
            host_dirs = (tempfile.gettempdir(), "/dev/shm", "/var/tmp")
            leaked = [d for d in host_dirs if (Path(d) / tokens["escape"]).exists()]
            assert leaked == []

            # The worker is still up, and the next build succeeds.
            assert plat.processes["core-worker"].poll() is None
            next_id = await queue_provider_build(gateway, headers, "plain notes app")
            after = await wait_for_build(gateway, next_id, headers)
            assert after["status"] == "succeeded", after
            assert "sandbox: bubblewrap" in await build_logs(gateway, attacker_id, headers)
            record_result(
                "sandbox-attack",
                {
                    "drill": "sandbox-attack",
                    # one pytest test per TCP target, 6 unix sockets, 7 other attacks
                    "attacks": len(_targets(ports)) + 13,
                    "reached": 0,
                    "builds": 3,
                    "model_requests": len(model.requests),
                },
            )


async def test_the_same_attack_reaches_things_without_the_sandbox() -> None:
    """The control: the attack is real, and the unisolated fallback falls to it."""
    tokens = _tokens()
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    attack = attack_test([("127.0.0.1", port)], tokens=tokens, victim_wait=0.1)
    # Without a boundary, walking the whole disk and an unlimited fork bomb (root has
    # no process limit) would hurt this machine: the control keeps the other attacks.
    attack = attack.split("def test_cannot_find_another_builds_work_dir")[0]
    files = {"app/__init__.py": b"", "tests/test_zz_attack.py": attack.encode()}
    try:
        bare = await run_project_tests(
            files, PipelineSettings(sandbox_mode="process", sandbox_user=None)
        )
        boxed = await run_project_tests(files, PipelineSettings(sandbox_mode="bubblewrap"))
    finally:
        server.close()
        await server.wait_closed()
        for where in ("/tmp", "/var/tmp", "/dev/shm", sys.prefix):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(where, tokens["escape"]))
    assert not bare.ok
    assert f"REACHED tcp 127.0.0.1:{port}" in bare.output
    assert "REACHED a shared PID namespace" in bare.output
    assert boxed.ok, boxed.output[-3000:]
