"""A change asked of a model: a JSON Patch of the base spec (or a new spec), validated, with
one repair round; the model played by the local stand-in server."""

from __future__ import annotations

import json

import pytest
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.pipeline.llm_change import apply_answer
from launchforge_core.providers import RetryPolicy, create_provider

BASE = {
    "name": "Tiny Notes",
    "entities": [
        {
            "name": "Note",
            "fields": [{"name": "title", "type": "string", "required": True, "max_length": 40}],
        }
    ],
    "relations": [],
    "summaries": [],
    "routes": [{"method": "GET", "path": "/api/notes", "entity": "Note", "action": "list"}],
}
PRIORITY = {"name": "priority", "type": "enum", "choices": ["low", "high"]}
PATCH = {"patch": [{"op": "add", "path": "/entities/0/fields/-", "value": PRIORITY}]}
NO_FILES = json.dumps({"files": []})


def _openai(standin):
    return create_provider(
        "openai",
        "sk-test-0001",
        base_url=f"{standin.url}/v1",
        retry=RetryPolicy(max_tries=2, base_delay=0.01, max_delay=0.02),
    )


def _change(request: str = "add a priority to notes") -> BuildInput:
    return BuildInput(idea="notes app", provider="openai", base_spec=BASE, change_request=request)


def test_apply_answer_patch_list_and_whole_spec() -> None:
    patched = apply_answer(BASE, PATCH)
    assert patched["entities"][0]["fields"][-1] == PRIORITY
    assert "priority" not in json.dumps(BASE)  # the base is not changed
    assert apply_answer(BASE, PATCH["patch"])["entities"][0]["fields"][-1] == PRIORITY
    whole = {"name": "Other", "entities": BASE["entities"]}
    assert apply_answer(BASE, {"spec": whole}) == whole
    for bad in [
        {"patch": [{"op": "remove", "path": "/entities/5"}]},
        {"patch": [{"op": "test", "path": "/name", "value": "Nope"}]},
        {"patch": [{"op": "frobnicate", "path": "/name"}]},
        {"patch": "add a field"},
        "text",
    ]:
        with pytest.raises(ValueError):  # noqa: PT011 - each says why in its message
            apply_answer(BASE, bad)


async def test_the_model_patches_the_base_spec(standin, answers, recorder):
    standin.script += [answers["openai"](json.dumps(PATCH)), answers["openai"](NO_FILES)]
    result = await run_pipeline(
        _change(),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert [f["name"] for f in result.spec["entities"][0]["fields"]] == ["title", "priority"]
    asked = standin.seen[0].body["messages"]
    assert "add a priority to notes" in asked[-1]["content"]
    assert json.dumps(BASE["entities"]) in asked[-1]["content"]
    assert "RFC 6902" in asked[0]["content"]
    assert "(from the model's change)" in result.stages[0].detail
    files_prompt = standin.seen[1].body["messages"][-1]["content"]
    assert "Change asked for this version: add a priority to notes" in files_prompt


async def test_a_patch_that_does_not_apply_gets_one_repair_round(standin, answers, recorder):
    broken = {"patch": [{"op": "replace", "path": "/entities/3/name", "value": "X"}]}
    standin.script += [
        answers["openai"](json.dumps(broken)),
        answers["openai"](json.dumps(PATCH)),
        answers["openai"](NO_FILES),
    ]
    result = await run_pipeline(
        _change(),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    repair = standin.seen[1].body["messages"][-1]["content"]
    assert "does not apply" in repair
    assert any("does not validate" in line for line in recorder.logs())


async def test_an_invalid_change_twice_fails_the_build(standin, answers, recorder):
    invalid = {
        "patch": [
            {"op": "add", "path": "/entities/0/fields/-", "value": {"name": "x", "type": "colour"}}
        ]
    }
    standin.script += [
        answers["openai"](json.dumps(invalid)),
        answers["openai"](json.dumps(invalid)),
    ]
    result = await run_pipeline(
        _change(),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "failed"
    assert result.error.startswith("the model's change failed validation")
    assert "'colour' is not one of" in result.error
    assert len(standin.seen) == 2  # one answer, one repair round: no more
