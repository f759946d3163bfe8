"""A caller's spec is checked when it is submitted: 422 with every problem located, or built.

``POST /v1/projects/{id}/builds`` with a ``spec`` and ``POST /v1/specs/validate``
share one check (``services/specs.py``); its 422 is the platform's problem+json
with ``errors`` of ``{"loc": [...], "msg", "type"}``, as every other 422.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from launchforge_core.models import Build
from launchforge_core.services.specs import location
from sqlalchemy import update

IDEA = "A small habit tracker with check-ins"

SPEC: dict[str, Any] = {
    "name": "Habit Tracker",
    "entities": [
        {
            "name": "Habit",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "goal", "type": "integer", "minimum": 1, "maximum": 7},
            ],
        },
        {
            "name": "CheckIn",
            "fields": [
                {"name": "day", "type": "date", "required": True},
                {"name": "mood", "type": "enum", "choices": ["good", "bad"]},
            ],
        },
    ],
    "relations": [{"from": "CheckIn", "to": "Habit", "on_delete": "cascade"}],
    "summaries": [{"name": "Check-ins per habit", "entity": "CheckIn", "kind": "count"}],
}


def spec_with(change: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    change(spec)
    return spec


def located(body: dict[str, Any]) -> dict[str, str]:
    """``{"entities.1.fields.0.type": msg}`` from a 422's errors (under body.spec)."""
    out: dict[str, str] = {}
    for error in body["errors"]:
        assert error["loc"][:2] == ["body", "spec"], error
        assert error["type"] == "spec"
        out[".".join(error["loc"][2:])] = error["msg"]
    return out


def test_locations_as_paths() -> None:
    assert location("entities[1].fields[0].type") == [
        *("body", "spec", "entities", "1", "fields", "0", "type")
    ]
    assert location("(spec)") == ["body", "spec"]
    assert location("relations[2]", ("spec",)) == ["spec", "relations", "2"]


# Each invalid edit a person can make in the editor, and where the problem is reported.
INVALID = [
    pytest.param(
        lambda s: s["entities"][1]["fields"][1].pop("choices"),
        {"entities.1.fields.1.choices": "'choices' is a required property"},
        id="enum-without-choices",
    ),
    pytest.param(
        lambda s: s["entities"][1]["fields"][0].update(type="colour"),
        {"entities.1.fields.0.type": "'colour' is not one of"},
        id="unknown-type",
    ),
    pytest.param(
        lambda s: s["entities"][0]["fields"][0].update(name=""),
        {"entities.0.fields.0.name": "should be non-empty"},
        id="empty-field-name",
    ),
    pytest.param(
        lambda s: s["entities"][0]["fields"].append({"name": "Name", "type": "text"}),
        {"entities.0.fields.2.name": "names the same field as 'name'"},
        id="duplicate-field-name",
    ),
    pytest.param(
        lambda s: s["entities"][1].update(name="habit"),
        {"entities.1.name": "names the same entity as 'Habit'"},
        id="duplicate-entity-name",
    ),
    pytest.param(
        lambda s: s["entities"][0]["fields"][1].update(minimum=9),
        {"entities.0.fields.1.minimum": "minimum 9 > maximum 7"},
        id="minimum-above-maximum",
    ),
    pytest.param(
        lambda s: s["relations"][0].update(to="Habbit"),
        {"relations.0.to": "no entity named 'Habbit'"},
        id="relation-to-nothing",
    ),
    pytest.param(
        lambda s: s["relations"].append({"from": "Habit", "to": "CheckIn"}),
        {"relations.1": "makes a cycle"},
        id="relation-cycle",
    ),
    pytest.param(
        lambda s: s["summaries"].append({"name": "Total", "entity": "Habit", "kind": "sum"}),
        {"summaries.1.field": "a sum summary needs a field"},
        id="summary-without-field",
    ),
]


@pytest.mark.parametrize(("change", "expected"), INVALID)
async def test_an_invalid_spec_is_422_with_located_problems_and_nothing_is_queued(
    client, alice, make_project, change, expected
) -> None:
    project_id = await make_project(alice)
    spec = spec_with(change)
    response = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": IDEA, "spec": spec},
        headers=alice.headers,
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert body["title"] == "Unprocessable Content"
    assert "problem" in body["detail"]
    problems = located(body)
    for loc, message in expected.items():
        assert loc in problems, problems
        assert message in problems[loc], problems
    # The same answer from the check alone.
    checked = await client.post("/v1/specs/validate", json={"spec": spec}, headers=alice.headers)
    assert checked.status_code == 422
    assert located(checked.json()) == problems
    # Nothing was queued and the quota was not touched.
    listing = await client.get(f"/v1/projects/{project_id}/builds", headers=alice.headers)
    assert listing.json()["items"] == []
    assert (await client.get("/v1/usage", headers=alice.headers)).json()["used"] == 0


async def test_every_problem_is_reported_at_once(client, alice) -> None:
    def break_everything(spec: dict[str, Any]) -> None:
        spec["entities"][0]["fields"][0]["name"] = ""
        spec["entities"][1]["fields"][1].pop("choices")
        spec["entities"][1]["fields"][0]["type"] = "colour"

    response = await client.post(
        "/v1/specs/validate", json={"spec": spec_with(break_everything)}, headers=alice.headers
    )
    assert response.status_code == 422
    assert set(located(response.json())) == {
        "entities.0.fields.0.name",
        "entities.1.fields.1.choices",
        "entities.1.fields.0.type",
    }


async def test_a_huge_number_of_problems_is_capped(client, alice) -> None:
    spec = {
        "name": "Many",
        "entities": [
            {"name": f"E{i}", "fields": [{"name": f"f{j}", "type": "nope"} for j in range(10)]}
            for i in range(5)
        ],
    }
    response = await client.post("/v1/specs/validate", json={"spec": spec}, headers=alice.headers)
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == 20
    assert body["errors_omitted"] == 30


async def test_a_valid_spec_builds_and_the_check_answers_it_normalised(
    client, alice, make_project
) -> None:
    checked = await client.post(
        "/v1/specs/validate", json={"spec": SPEC, "theme": "dark"}, headers=alice.headers
    )
    assert checked.status_code == 200, checked.text
    spec = checked.json()["spec"]
    assert spec["slug"] == "habit-tracker"
    assert spec["theme"] == "dark"
    assert spec["entities"] == SPEC["entities"]
    assert {r["entity"] for r in spec["routes"]} == {"Habit", "CheckIn"}

    project_id = await make_project(alice)
    created = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": IDEA, "spec": SPEC},
        headers=alice.headers,
    )
    assert created.status_code == 202, created.text
    assert created.json()["spec"] == SPEC  # stored as given; the worker normalises it
    assert (await client.get("/v1/usage", headers=alice.headers)).json()["used"] == 1


async def test_malformed_check_requests(client, alice) -> None:
    for body in (
        {},
        {"spec": ["not", "an", "object"]},
        {"spec": SPEC, "theme": "neon"},
        {"spec": SPEC, "surprise": 1},
        {"spec": {"blob": "x" * 70_000}},
    ):
        response = await client.post("/v1/specs/validate", json=body, headers=alice.headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.post("/v1/specs/validate", json={"spec": SPEC})).status_code == 401


async def test_retrying_a_build_whose_stored_spec_cannot_build_is_422(
    client, alice, make_build, sessionmaker
) -> None:
    build = await make_build(alice, spec=SPEC)
    broken = spec_with(lambda s: s["entities"][1]["fields"][1].pop("choices"))
    async with sessionmaker() as session:
        await session.execute(
            update(Build)
            .where(Build.id == uuid.UUID(build["id"]))
            .values(status="failed", spec=broken)
        )
        await session.commit()
    response = await client.post(f"/v1/builds/{build['id']}/retry", headers=alice.headers)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [
        ["spec", "entities", "1", "fields", "1", "choices"]
    ]


async def test_the_spec_answers_are_in_the_openapi_document(client) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    ref = {"$ref": "#/components/schemas/ValidationProblem"}
    for path, method in (
        ("/v1/specs/validate", "post"),
        ("/v1/projects/{project_id}/builds", "post"),
        ("/v1/builds/{build_id}/retry", "post"),
    ):
        answer = paths[path][method]["responses"]["422"]
        assert answer["content"] == {"application/problem+json": {"schema": ref}}, path
        assert "located" in answer["description"] or "locates" in answer["description"]
    assert {"200", "401", "403", "422"} <= paths["/v1/specs/validate"]["post"]["responses"].keys()
