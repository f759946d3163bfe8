"""A field whose name the generated Python must spell otherwise keeps its name in the API.

``date``, ``type``, ``class``, ``sum``... would shadow the generated modules' own names,
so their attributes are ``date_value`` and so on; clients, the page and the app's
own tests use the name the person gave (a pydantic alias). Checked on a real app
rendered from ``specs/dance-school.json``, asked over HTTP in a subprocess with its
own environment, as a client would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.packaging import write_tree
from launchforge_core.pipeline.spec import build_model, normalised_spec

SPEC = Path(__file__).parent / "specs" / "dance-school.json"

# Runs inside the generated project: every answer a client gets, as JSON on stdout.
PROBE = r"""
import json
from fastapi.testclient import TestClient
from app.main import app

out = {}
with TestClient(app) as client:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    out["properties"] = {name: sorted(s["properties"]) for name, s in schemas.items()}
    body = {"format": "Ballet 1", "type": "ballet", "date": "2026-01-05", "time": "18:30:00",
            "property": "studio 2", "model_number": 7}
    created = client.post("/api/classes", json=body)
    out["created"] = [created.status_code, created.json()]
    tap = body | {"format": "Tap 1", "date": "2025-12-01"}
    out["second"] = client.post("/api/classes", json=tap).status_code
    out["attribute_names"] = client.post(
        "/api/classes", json=body | {"format": "Jazz", "date_value": "2026-02-01"}
    ).json()["detail"]
    half = {"format": "Jazz 2", "type": "jazz"}
    out["missing"] = client.post("/api/classes", json=half).json()["detail"]
    out["duplicate"] = client.post("/api/classes", json=body).status_code
    pk = created.json()["id"]
    out["patched"] = client.patch(f"/api/classes/{pk}", json={"type": "tap"}).json()["type"]
    by_date = client.get("/api/classes", params={"sort": "date"}).json()["items"]
    out["sorted"] = [c["format"] for c in by_date]
    by_attribute = client.get("/api/classes", params={"sort": "date_value"})
    out["sort_by_attribute"] = by_attribute.status_code
    booking = client.post("/api/bookings", json={"class_id": pk, "sum": "12.5"})
    out["booking"] = [booking.status_code, booking.json()]
    out["takings"] = client.get("/api/summaries/takings-per-class").json()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict:
    where = tmp_path_factory.mktemp("dance-school")
    spec = json.loads(SPEC.read_text())
    app = build_model(spec)
    write_tree(render_project(app, normalised_spec(spec, app), generator="test"), where)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(where),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(where),
        "DATABASE_URL": f"sqlite:///{where / 'app.db'}",
    }
    ran = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    return json.loads(ran.stdout.strip().splitlines()[-1])


def test_the_openapi_names_the_fields_as_the_person_did(answers: dict) -> None:
    wanted = {"format", "type", "date", "time", "property", "model_number"}
    for role in ("ClassCreate", "ClassUpdate", "ClassRead"):
        assert wanted <= set(answers["properties"][role]), role
        assert not {"date_value", "type_value", "format_value"} & set(answers["properties"][role])
    # "id" is the primary key's, and the second "Date" is not a second "date"
    assert {"id_value", "date_value_2"} <= set(answers["properties"]["ClassRead"])
    assert {"sum", "datetime", "class_id", "class"} <= set(answers["properties"]["BookingRead"])


def test_records_are_written_and_read_by_those_names(answers: dict) -> None:
    status, created = answers["created"]
    assert status == 201
    assert created["date"] == "2026-01-05"
    assert created["type"] == "ballet"
    assert created["time"] == "18:30:00"
    assert created["model_number"] == 7
    assert answers["patched"] == "tap"
    status, booking = answers["booking"]
    assert status == 201
    assert booking["sum"] == "12.50"
    assert booking["class"] == {"id": created["id"], "label": "Ballet 1"}
    [row] = answers["takings"]["rows"]
    assert (row["label"], row["value"]) == ("Ballet 1", 12.5)


def test_errors_name_the_field_as_the_client_sent_it(answers: dict) -> None:
    missing = {tuple(error["loc"]) for error in answers["missing"]}
    assert ("body", "date") in missing
    # the Python attribute is no second name for the field: one key, one field
    extra = {tuple(error["loc"]): error["type"] for error in answers["attribute_names"]}
    assert extra == {("body", "date_value"): "extra_forbidden"}
    assert answers["duplicate"] == 409


def test_lists_sort_by_the_names_clients_use(answers: dict) -> None:
    assert answers["sorted"] == ["Tap 1", "Ballet 1"]
    assert answers["sort_by_attribute"] == 422
