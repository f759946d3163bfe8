"""A person's spec checked through the gateway: located problems before any build.

``POST /v1/specs/validate`` (routed to core, rate-limited at the gateway)
and ``POST /v1/projects/{id}/builds`` with a ``spec`` answer the same 422
problem+json for a spec that cannot build; nothing is queued or counted.
"""

from __future__ import annotations

import uuid

import httpx

SPEC = {
    "name": "Plant care",
    "entities": [
        {
            "name": "Plant",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "light", "type": "enum", "choices": ["sun", "shade"]},
            ],
        },
        {"name": "Watering", "fields": [{"name": "day", "type": "date", "required": True}]},
    ],
    "relations": [{"from": "Watering", "to": "Plant"}],
}


async def login(gateway: httpx.AsyncClient) -> dict[str, str]:
    email = f"specs-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery staple"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    r = await gateway.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_spec_problems_are_located_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    headers = await login(gateway)
    ok = await gateway.post("/v1/specs/validate", json={"spec": SPEC}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["spec"]["slug"] == "plant-care"
    assert "ratelimit" in ok.headers  # limited like every route (its own policy by default)

    broken = {
        **SPEC,
        "entities": [
            {**SPEC["entities"][0], "fields": [{"name": "light", "type": "enum"}]},
            {"name": "Watering", "fields": [{"name": "", "type": "date"}]},
        ],
    }
    checked = await gateway.post("/v1/specs/validate", json={"spec": broken}, headers=headers)
    assert checked.status_code == 422
    assert checked.headers["content-type"] == "application/problem+json"
    locs = {tuple(e["loc"]): e["msg"] for e in checked.json()["errors"]}
    assert set(locs) == {
        ("body", "spec", "entities", "0", "fields", "0", "choices"),
        ("body", "spec", "entities", "1", "fields", "0", "name"),
    }

    project = await gateway.post("/v1/projects", json={"name": "Plants"}, headers=headers)
    path = f"/v1/projects/{project.json()['id']}/builds"
    refused = await gateway.post(
        path, json={"idea": "Plant care log", "spec": broken}, headers=headers
    )
    assert refused.status_code == 422
    assert {tuple(e["loc"]): e["msg"] for e in refused.json()["errors"]} == locs
    assert (await gateway.get(path, headers=headers)).json()["items"] == []
    assert (await gateway.get("/v1/usage", headers=headers)).json()["used"] == 0

    assert (await gateway.post("/v1/specs/validate", json={"spec": SPEC})).status_code == 401
