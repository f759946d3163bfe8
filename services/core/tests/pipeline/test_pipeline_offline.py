"""``run_pipeline`` with the offline generator, end to end (real validation subprocesses)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from launchforge_core.pipeline import (
    BuildInput,
    PipelineConfigError,
    PipelineSettings,
    run_pipeline,
)
from launchforge_core.pipeline.naming import snake

THREE_ENTITY_SPEC = {
    "name": "Course Catalog",
    "description": "Teachers, courses and enrolments",
    "entities": [
        {
            "name": "Teacher",
            "fields": [
                {
                    "name": "name",
                    "type": "string",
                    "required": True,
                    "min_length": 2,
                    "max_length": 80,
                },
                {"name": "email", "type": "email", "required": True, "unique": True},
                {"name": "homepage", "type": "url"},
            ],
        },
        {
            "name": "Course",
            "fields": [
                {
                    "name": "code",
                    "type": "string",
                    "required": True,
                    "unique": True,
                    "max_length": 12,
                },
                {"name": "title", "type": "text", "required": True},
                {"name": "credits", "type": "integer", "minimum": 1, "maximum": 30},
                {
                    "name": "level",
                    "type": "enum",
                    "choices": ["intro", "advanced"],
                    "required": True,
                },
                {"name": "starts_on", "type": "date"},
            ],
        },
        {
            "name": "Enrollment",
            "fields": [
                {"name": "student_name", "type": "string", "required": True},
                {"name": "grade", "type": "number", "minimum": 0, "maximum": 100},
                {"name": "enrolled_at", "type": "datetime", "required": True},
                {"name": "active", "type": "boolean"},
            ],
        },
    ],
    "relations": [
        {"from": "Course", "to": "Teacher", "kind": "many_to_one", "required": True},
        {"from": "Enrollment", "to": "Course", "kind": "many_to_one", "required": True},
    ],
}


def _check_archive(result) -> dict:
    assert result.archive is not None
    with zipfile.ZipFile(io.BytesIO(result.archive)) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert names == [*sorted(result.files), "manifest.json"]
        for entry in manifest["files"]:
            content = zf.read(entry["path"])
            assert entry["size"] == len(content)
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
            assert content == result.files[entry["path"]]
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
    assert manifest == result.manifest
    return manifest


@pytest.mark.parametrize(
    ("inp", "entities"),
    [
        (
            BuildInput(
                idea="An app to track habits and their daily check-ins",
                features=("due dates",),
                theme="dark",
            ),
            ["Habit", "CheckIn"],
        ),
        (
            BuildInput(
                idea="Organise my recipes and their ingredients, with ratings", theme="creative"
            ),
            ["Recipe", "Ingredient"],
        ),
        (
            BuildInput(idea="(explicit spec)", spec=THREE_ENTITY_SPEC),
            ["Teacher", "Course", "Enrollment"],
        ),
    ],
    ids=["habits", "recipes", "three-entity-spec"],
)
async def test_offline_build_succeeds_and_its_tests_pass_unzipped(
    inp, entities, recorder, run_unzipped, tmp_path, pipeline_settings
):
    result = await run_pipeline(inp, llm=None, emit=recorder, settings=pipeline_settings)
    assert result.status == "succeeded", (result.error, result.stages[-1])
    assert result.error is None
    assert result.generator == "offline-templates/1"
    assert result.usage == {"input_tokens": 0, "output_tokens": 0}
    assert [e["name"] for e in result.spec["entities"]] == entities
    assert [(s.name, s.outcome) for s in result.stages] == [
        ("spec", "succeeded"),
        ("generate", "succeeded"),
        ("validate", "succeeded"),
        ("fix", "skipped"),
        ("package", "succeeded"),
    ]
    assert all(s.finished_at >= s.started_at for s in result.stages)
    assert recorder.stages()[:2] == [("spec", "started"), ("spec", "succeeded")]
    assert any("passed" in line for line in recorder.logs())
    manifest = _check_archive(result)
    assert manifest["generator"] == "offline-templates/1"
    assert manifest["provider"] == "offline"
    assert manifest["cost_usd"] is None
    for name in ("README.md", "Dockerfile", "requirements.txt", "app/static/style.css"):
        assert name in result.files
    for entity in result.spec["entities"]:  # a test module per entity
        module = f"tests/test_{snake(entity['name'])}.py"
        assert b"def test_create_and_read" in result.files[module]
    theme = inp.spec.get("theme", "modern") if inp.spec else inp.theme
    assert f"Theme: {theme}".encode() in result.files["app/static/style.css"]

    ran = run_unzipped(result.archive, tmp_path)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert " passed" in ran.stdout
    assert "failed" not in ran.stdout


async def test_hostile_names_build_and_pass_their_own_tests(recorder, pipeline_settings):
    payload = "__import__('os').system('id')"
    spec = {
        "name": '<b>Evil</b> """ app',
        "entities": [
            {
                "name": payload,
                "fields": [
                    {"name": payload, "type": "string", "required": True, "max_length": 50},
                    {"name": "class", "type": "enum", "choices": ["a'b", '"""', "}}{{"]},
                    {"name": "id", "type": "integer", "unique": True},
                    {"name": "{{ price }}", "type": "decimal"},
                    {"name": "at')#", "type": "time"},
                    {"name": 'tel"""', "type": "phone", "unique": True},
                ],
            },
            {"name": 'x"); os.system("id', "fields": [{"name": "date", "type": "date"}]},
            {"name": "Link'); os.system('id", "fields": []},
        ],
        "relations": [
            {"from": 'x"); os.system("id', "to": payload},
            {"from": "Link'); os.system('id", "to": payload, "on_delete": "cascade"},
            {"from": "Link'); os.system('id", "to": 'x"); os.system("id', "on_delete": "cascade"},
        ],
        "summaries": [
            {
                "name": "'''); os.system('id') #",
                "entity": payload,
                "kind": "sum",
                "field": "{{ price }}",
            },
            {"name": '"""', "entity": payload, "kind": "count", "group_by": "class"},
            {
                "name": "{{ 7*7 }}",
                "entity": 'x"); os.system("id',
                "kind": "streak",
                "group_by": payload,
            },
        ],
    }
    result = await run_pipeline(
        BuildInput(idea="hostile", spec=spec), llm=None, emit=recorder, settings=pipeline_settings
    )
    assert result.status == "succeeded", (result.error, result.stages)


async def test_same_idea_gives_a_byte_identical_archive(recorder):
    settings = PipelineSettings(run_validation=False)
    inp = BuildInput(idea="Track books I read and the reading sessions for each book")
    first = await run_pipeline(inp, llm=None, emit=recorder, settings=settings)
    second = await run_pipeline(inp, llm=None, emit=recorder, settings=settings)
    assert first.status == second.status == "succeeded"
    assert first.archive == second.archive
    assert ("validate", "skipped") in recorder.stages()
    assert first.manifest["validated"] is False


async def test_invalid_caller_spec_fails_the_spec_stage(recorder):
    result = await run_pipeline(
        BuildInput(idea="whatever", spec={"name": "x", "entities": []}), llm=None, emit=recorder
    )
    assert result.status == "failed"
    assert result.error.startswith("the spec is invalid: entities")
    assert [(s.name, s.outcome) for s in result.stages] == [("spec", "failed")]
    assert result.archive is None
    assert recorder.stages() == [("spec", "started"), ("spec", "failed")]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "google", "groq", "openai_compatible"])
async def test_llm_provider_without_client_never_falls_back(provider, recorder):
    with pytest.raises(PipelineConfigError, match="never falls back"):
        await run_pipeline(
            BuildInput(idea="track habits", provider=provider), llm=None, emit=recorder
        )
    assert recorder.events == []


async def test_unknown_theme_and_provider_are_refused(recorder):
    with pytest.raises(PipelineConfigError, match="theme"):
        await run_pipeline(BuildInput(idea="track habits", theme="neon"), llm=None, emit=recorder)
    with pytest.raises(PipelineConfigError, match="provider"):
        await run_pipeline(
            BuildInput(idea="track habits", provider="mock"), llm=None, emit=recorder
        )


async def test_tables_and_paths_are_the_names_plurals_reserved_or_irregular(
    recorder, pipeline_settings
):
    """A ``Session`` is ``session_value`` in Python but ``/api/sessions`` to people, and a
    ``Mouse`` is ``/api/mice``: the plural comes from the name, not the safe identifier."""
    spec = {
        "name": "Colony",
        "entities": [
            {"name": "Mouse", "fields": [{"name": "tag", "type": "string", "required": True}]},
            {"name": "Session", "fields": [{"name": "date", "type": "date"}]},
            {"name": "Class", "fields": [{"name": "title", "type": "string"}]},
        ],
        "relations": [{"from": "Session", "to": "Mouse"}, {"from": "Session", "to": "Class"}],
    }
    result = await run_pipeline(
        BuildInput(idea="(explicit spec)", spec=spec),
        llm=None,
        emit=recorder,
        settings=pipeline_settings,
    )
    assert result.status == "succeeded", (result.error, result.stages)
    model = json.loads(result.files["app/static/model.json"])
    paths = {e["label"]: e["path"] for e in model["entities"]}
    assert paths == {"Mouse": "api/mice", "Session": "api/sessions", "Class": "api/classes"}
    routers = b"".join(body for name, body in result.files.items() if "routers/" in name)
    for path in (b"'/api/mice'", b"'/api/sessions'", b"'/api/classes'"):
        assert path in routers
    page = result.files["app/static/index.html"].decode()
    # The keys clients read as "<parent>_id", a reserved parent's included.
    read = result.files["app/schemas.py"].decode()
    assert "mouse_id:" in read
    assert "class_id:" in read
    assert "class_value_id" not in read
    assert ">Sessions</h2>" in page
    assert "Session values" not in page
    # The API's schemas carry the entity's own name (a client pairs session_id with
    # Session), though the ORM class of a reserved name is SessionItem.
    for stem in ("Mouse", "Session", "Class"):
        for role in ("Create", "Read", "Update"):
            assert f"class {stem}{role}(BaseModel)" in read
    assert "SessionItemRead" not in read
    assert "class SessionItem(Base)" in result.files["app/models.py"].decode()
