"""The sandbox drill in the chart's situation: the worker image, as its non-root user.

The worker container runs read-only as uid 10001 with no capabilities and
``no-new-privileges`` in production mode, so it must isolate with bubblewrap
in a user namespace of its own, or refuse to start. A user's hostile model
(``sandbox_attack.HostileModel``, on this machine at the network's gateway
address) answers with a test file that attacks what the worker can reach:
PostgreSQL, Redis, auth, core and the gateway by their container addresses,
cloud metadata, the model server itself, unix sockets, files of a concurrent
build, a ``setsid`` survivor and a fork bomb. Each attempt must fail, the
worker must stay up and the next build must succeed.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest
from launchforge_common.testing import processes_with
from sandbox_attack import (
    HostileModel,
    attack_test,
    build_logs,
    queue_provider_build,
    victim_test,
    wait_for_build,
)

pytestmark = pytest.mark.timeout(600)


async def _login(gateway: httpx.AsyncClient) -> dict[str, str]:
    body = {
        "email": f"mallory-{secrets.token_hex(5)}@example.com",
        "password": secrets.token_hex(16),
    }
    assert (await gateway.post("/v1/auth/register", json=body)).status_code == 201
    login = await gateway.post("/v1/auth/login", json=body)
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_a_hostile_model_reaches_nothing_from_the_worker_image(
    containers_platform: Any, containers_worker: str
) -> None:
    platform = containers_platform
    tokens = {
        name: f"lf-drill-{name}-{secrets.token_hex(4)}"
        for name in ("escape", "victim", "survivor", "bomb")
    }
    async with HostileModel(attack="", victim=victim_test(tokens["victim"], hold=8)) as model:
        tcp = [
            (platform.address("postgres"), 5432),
            (platform.address("redis"), 6379),
            (platform.address("auth"), 8001),
            (platform.address("core"), 8002),
            (platform.address("gateway"), 8000),
            (platform.host_address, model.port),
            ("169.254.169.254", 80),
        ]
        model.attack = attack_test(tcp, tokens=tokens, victim_wait=6)
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as gateway:
            headers = await _login(gateway)
            put = await gateway.put(
                "/v1/provider-keys/openai_compatible",
                json={
                    "api_key": "sk-hostile",
                    "base_url": f"http://{platform.host_address}:{model.port}/v1",
                },
                headers=headers,
            )
            assert put.status_code in (200, 201), put.text
            victim_id = await queue_provider_build(gateway, headers, "victim notes keeper app")
            await asyncio.sleep(1.0)
            attacker_id = await queue_provider_build(gateway, headers, "attacker notes app")
            attacker, victim = await asyncio.gather(
                wait_for_build(gateway, attacker_id, headers),
                wait_for_build(gateway, victim_id, headers),
            )
            log = await build_logs(gateway, attacker_id, headers)
            failing = model.fix_requests[-1][-4000:] if model.fix_requests else log[-3000:]
            assert attacker["status"] == "succeeded", failing
            assert victim["status"] == "succeeded", victim["stages"]
            assert "sandbox: bubblewrap" in log
            assert model.fix_requests == []
            tree = await gateway.get(f"/v1/builds/{attacker_id}/files", headers=headers)
            assert "tests/test_zz_attack.py" in {f["path"] for f in tree.json()["files"]}

            await asyncio.sleep(0.5)
            assert processes_with(tokens["survivor"]) == []
            assert processes_with(tokens["bomb"]) == []
            worker = platform.containers[containers_worker]
            worker.reload()
            assert worker.status == "running"
            after = await wait_for_build(
                gateway, await queue_provider_build(gateway, headers, "plain notes app"), headers
            )
            assert after["status"] == "succeeded", after["stages"]
