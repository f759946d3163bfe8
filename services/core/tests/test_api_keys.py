"""``Bearer lf_...`` API keys, resolved through a stand-in of auth's introspection contract."""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from launchforge_common.testing import free_port


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


async def test_api_keys_are_introspected(introspection, make_settings, start_app) -> None:
    from launchforge_core.main import create_app

    user_id = str(uuid.uuid4())
    good = "lf_" + uuid.uuid4().hex
    revoked = "lf_" + uuid.uuid4().hex
    introspection.keys[good] = {
        "active": True,
        "sub": user_id,
        "plan": "pro",
        "roles": ["user"],
        "scopes": ["projects:write", "usage:read"],
        "key_id": "k-1",
        "email_verified": True,
    }
    app = create_app(
        make_settings(
            auth_url=introspection.url,
            internal_token=introspection.internal_token,
            introspection_cache_ttl=0.5,
        )
    )
    async with start_app(app) as client:
        headers = {"Authorization": f"Bearer {good}"}
        created = await client.post("/v1/projects", json={"name": "via key"}, headers=headers)
        assert created.status_code == 201, created.text
        usage = await client.get("/v1/usage", headers=headers)
        assert usage.json()["plan"] == "pro"
        refused = await client.get("/v1/usage", headers={"Authorization": f"Bearer {revoked}"})
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"

        # Auth failing is a 503, never a guess either way (once the cache entry is gone).
        introspection.broken = True
        await asyncio.sleep(0.6)
        down = await client.get("/v1/usage", headers=headers)
        assert down.status_code == 503
        assert down.headers["Retry-After"] == "1"


async def test_wrong_internal_token_is_a_503_not_a_login(
    introspection, make_settings, start_app
) -> None:
    from launchforge_core.main import create_app

    good = "lf_" + uuid.uuid4().hex
    introspection.keys[good] = {"active": True, "sub": str(uuid.uuid4())}
    app = create_app(make_settings(auth_url=introspection.url, internal_token="wrong"))
    async with start_app(app) as client:
        response = await client.get("/v1/usage", headers={"Authorization": f"Bearer {good}"})
    assert response.status_code == 503


def _key(introspection: IntrospectionServer, user_id: str, scopes: list[str]) -> dict[str, str]:
    key = "lf_" + uuid.uuid4().hex
    introspection.keys[key] = {
        "active": True,
        "sub": user_id,
        "scopes": scopes,
        "key_id": uuid.uuid4().hex,
        "email_verified": True,
    }
    return {"Authorization": f"Bearer {key}"}


async def test_a_key_does_only_what_its_scopes_name(
    introspection, make_settings, start_app
) -> None:
    from launchforge_core.main import create_app

    user_id = str(uuid.uuid4())
    writer = _key(introspection, user_id, ["projects:read", "projects:write"])
    reader = _key(introspection, user_id, ["projects:read"])
    nothing = _key(introspection, user_id, [])
    everything = _key(introspection, user_id, ["*"])
    app = create_app(
        make_settings(auth_url=introspection.url, internal_token=introspection.internal_token)
    )
    async with start_app(app) as client:
        created = await client.post("/v1/projects", json={"name": "scoped"}, headers=writer)
        assert created.status_code == 201
        project = f"/v1/projects/{created.json()['id']}"

        assert (await client.get(project, headers=reader)).status_code == 200
        for method, path, body in (
            ("DELETE", project, None),
            ("PATCH", project, {"name": "renamed"}),
            ("POST", f"{project}/builds", {"idea": "a todo list app"}),
            ("POST", "/v1/specs/validate", {"spec": {"name": "x", "entities": []}}),
            ("PUT", "/v1/provider-keys/openai", {"api_key": "sk-replaced"}),
            ("GET", "/v1/provider-keys", None),
            ("GET", "/v1/usage", None),
        ):
            refused = await client.request(method, path, json=body, headers=reader)
            assert refused.status_code == 403, (method, path)
            assert refused.headers["content-type"] == "application/problem+json"
            assert "lacks the scope" in refused.json()["detail"]
        assert (await client.get("/v1/projects", headers=nothing)).status_code == 403
        assert (await client.get(project, headers=reader)).json()["name"] == "scoped"
        assert (await client.get("/v1/usage", headers=everything)).status_code == 200
        assert (await client.delete(project, headers=writer)).status_code == 204


def test_every_route_of_core_declares_a_scope() -> None:
    from fastapi.routing import APIRoute
    from launchforge_common.scopes import SCOPES
    from launchforge_core.api import routes

    missing, seen, count = [], set(), 0
    # Every module of api/routes, so a new one is checked too.
    names = [m.name for m in pkgutil.iter_modules(routes.__path__)]
    assert {"builds", "projects", "provider_keys", "specs", "usage"} <= set(names)
    for name in names:
        module = importlib.import_module(f"{routes.__name__}.{name}")
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            count += 1
            declared = [
                getattr(dep.call, "required_scope", None) for dep in route.dependant.dependencies
            ]
            declared = [s for s in declared if s]
            if not declared:
                missing.append((sorted(route.methods), module.router.prefix + route.path))
            seen.update(declared)
    assert count >= 19
    assert missing == []
    assert seen == set(SCOPES)
