"""``Bearer lf_...`` API keys, resolved through a stand-in of auth's introspection contract."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import uuid
from typing import Any


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


def _key(introspection: Any, user_id: str, scopes: list[str]) -> dict[str, str]:
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
