"""``run_pipeline`` with LLM providers, the model played by the local stand-in server."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from launchforge_core.pipeline import BuildInput, PipelineSettings, run_pipeline
from launchforge_core.providers import RetryPolicy, create_provider

KEY = "sk-live-DO-NOT-LEAK-0001"
TINY_SPEC = {
    "name": "Tiny Notes",
    "entities": [
        {
            "name": "Note",
            "fields": [{"name": "title", "type": "string", "required": True, "max_length": 40}],
        }
    ],
}
STATS = """from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import get_session
from app.models import Note

router = APIRouter()


@router.get("/api/stats")
def stats(session: Session = Depends(get_session)) -> dict:
    return {{"notes": session.scalar(select(func.count()).select_from(Note)){bug}}}
"""
STATS_TEST = """def test_stats_counts_notes(client, make):
    make("note")
    assert client.get("/api/stats").json() == {"notes": 1}
"""


def _files(*items):
    return json.dumps({"files": [{"path": p, "content": c} for p, c in items]})


def _openai(standin):
    return create_provider(
        "openai",
        KEY,
        base_url=f"{standin.url}/v1",
        retry=RetryPolicy(max_tries=2, base_delay=0.01, max_delay=0.02),
    )


async def test_spec_repair_round_fixes_an_invalid_spec(standin, answers, recorder):
    bad = {
        "name": "Tiny Notes",
        "entities": [{"name": "Note", "fields": [{"name": "title", "type": "varchar"}]}],
    }
    standin.script += [
        answers["openai"](json.dumps(bad)),
        answers["openai"]("```json\n" + json.dumps(TINY_SPEC) + "\n```"),
        answers["openai"](_files()),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai", theme="minimal"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert result.generator == "llm:openai:gpt-4o-mini+templates/1"
    assert result.spec["name"] == "Tiny Notes"
    assert result.spec["theme"] == "minimal"
    assert result.usage == {"input_tokens": 33, "output_tokens": 21}
    repair = standin.seen[1].body["messages"]
    assert repair[-2]["role"] == "assistant"
    assert "entities[0].fields[0].type: 'varchar' is not one of" in repair[-1]["content"]
    assert standin.seen[0].body["response_format"]["type"] == "json_schema"
    assert result.manifest["model"] == "gpt-4o-mini"
    assert result.manifest["input_tokens"] == 33
    assert result.manifest["cost_usd"] == pytest.approx((33 * 0.15 + 21 * 0.60) / 1e6)


VET_IDEA = (
    "Veterinary clinic records: owners, pets with species and birth date, "
    "and visits with diagnosis and cost"
)
VET_WITHOUT_VISITS = {
    "name": "Vet",
    "entities": [
        {"name": "Owner", "fields": [{"name": "name", "type": "string"}]},
        {"name": "Pet", "fields": [{"name": "species", "type": "string"}]},
    ],
    "relations": [{"from": "Pet", "to": "Owner"}],
}


async def test_things_the_idea_names_missing_from_the_model_spec_go_to_the_repair_round(
    standin, answers, recorder
):
    whole = json.loads(json.dumps(VET_WITHOUT_VISITS))
    whole["entities"].append({"name": "Visit", "fields": [{"name": "cost", "type": "number"}]})
    whole["relations"].append({"from": "Visit", "to": "Pet"})
    standin.script += [
        answers["openai"](json.dumps(VET_WITHOUT_VISITS)),
        answers["openai"](json.dumps(whole)),
        answers["openai"](_files()),
    ]
    result = await run_pipeline(
        BuildInput(idea=VET_IDEA, provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert [e["name"] for e in result.spec["entities"]] == ["Owner", "Pet", "Visit"]
    assert "the model's spec lacks what the idea names: Visit" in recorder.logs()
    repair = standin.seen[1].body["messages"][-1]["content"]
    assert "The idea names things your spec does not model: Visit." in repair


async def test_a_worse_repair_keeps_the_valid_spec_it_had(standin, answers, recorder):
    standin.script += [
        answers["openai"](json.dumps(VET_WITHOUT_VISITS)),
        answers["openai"]("not json at all"),
        answers["openai"](_files()),
    ]
    result = await run_pipeline(
        BuildInput(idea=VET_IDEA, provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert [e["name"] for e in result.spec["entities"]] == ["Owner", "Pet"]
    assert "the model's spec lacks what the idea names: Visit" in recorder.logs()


async def test_spec_still_invalid_after_repair_fails_clearly(standin, answers, recorder):
    standin.script += [
        answers["openai"]("not json at all"),
        answers["openai"](json.dumps({"name": "x", "entities": []})),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"), llm=_openai(standin), emit=recorder
    )
    assert result.status == "failed"
    assert result.error.startswith("the model's spec failed validation: entities")
    assert len(standin.seen) == 2
    assert [(s.name, s.outcome) for s in result.stages] == [("spec", "failed")]
    assert "not valid JSON" in standin.seen[1].body["messages"][-1]["content"]


async def test_provider_error_fails_the_build_without_the_key(standin, answers, recorder):
    standin.script.append(answers["Scripted"](401, {"error": {"message": f"bad key {KEY}"}}))
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"), llm=_openai(standin), emit=recorder
    )
    assert result.status == "failed"
    assert result.error.startswith("openai: the API answered 401")
    assert KEY not in result.error
    assert all(KEY not in e.message for e in recorder.events)


async def test_model_files_that_fail_the_checks_are_left_out_and_named(standin, answers, recorder):
    # A model's extra files are additions to a backbone that already holds the spec:
    # one that would replace the backbone, climb out of the project or sit at an
    # absolute path is never written, the build log names it, and the build goes on.
    standin.script += [
        answers["openai"](json.dumps(TINY_SPEC)),
        answers["openai"](
            _files(
                ("app/main.py", "print('replaced')"),
                ("app/extra/../../etc/x.py", "x = 1"),
                ("/api/notes", "x = 1"),
                ("app/extra/notes_help.md", "How to use the notes."),
            )
        ),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    with zipfile.ZipFile(io.BytesIO(result.archive)) as zf:
        names = set(zf.namelist())
        main = zf.read("app/main.py").decode()
    assert "print('replaced')" not in main
    assert "app/extra/notes_help.md" in names
    assert not any(n.endswith(("etc/x.py", "api/notes")) for n in names)
    left_out = [e.message for e in recorder.events if "left out a model-written file" in e.message]
    assert len(left_out) == 3, left_out
    assert "backbone" in left_out[0]
    assert all("relative to the project" in m for m in left_out[1:])


async def test_an_unreadable_file_list_costs_the_files_not_the_build(standin, answers, recorder):
    standin.script += [
        answers["openai"](json.dumps(TINY_SPEC)),
        answers["openai"]('{"files": [{"path": "app/extra/a.py", '),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert any(
        "left out a model-written file: the file list is not valid JSON" in e.message
        for e in recorder.events
    )


async def test_fix_round_repairs_a_failing_extra_file(
    standin, answers, recorder, pipeline_settings
):
    standin.script += [
        answers["openai"](json.dumps(TINY_SPEC)),
        answers["openai"](
            _files(
                ("app/extra/stats.py", STATS.format(bug=" + 1")),
                ("tests/test_extra_stats.py", STATS_TEST),
            )
        ),
        answers["openai"](
            _files(
                ("app/extra/stats.py", STATS.format(bug="")),
                ("tests/test_extra_stats.py", STATS_TEST),
            )
        ),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=pipeline_settings,
    )
    assert result.status == "succeeded", (result.error, [s.detail for s in result.stages])
    assert [(s.name, s.outcome) for s in result.stages] == [
        ("spec", "succeeded"),
        ("generate", "succeeded"),
        ("validate", "failed"),
        ("fix", "succeeded"),
        ("package", "succeeded"),
    ]
    fix_request = standin.seen[2].body["messages"][-1]["content"]
    assert "test_stats_counts_notes" in fix_request  # the failure was fed back
    with zipfile.ZipFile(io.BytesIO(result.archive)) as zf:
        assert b"+ 1" not in zf.read("app/extra/stats.py")
        assert "tests/test_extra_stats.py" in zf.namelist()
    assert result.usage["input_tokens"] == 33


async def test_fix_gives_up_after_two_rounds(standin, answers, recorder, pipeline_settings):
    # Files that never compile, each failing differently: the limit is exercised
    # without slow test runs (the same failure twice would stop the loop earlier).
    def broken(n: int) -> str:
        source = "\n" * n + STATS.format(bug=" +")
        return _files(("app/extra/stats.py", source), ("tests/test_extra_stats.py", STATS_TEST))

    standin.script += [
        answers["openai"](json.dumps(TINY_SPEC)),
        answers["openai"](broken(0)),
        answers["openai"](broken(1)),
        answers["openai"](broken(2)),
        answers["openai"](broken(3)),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=pipeline_settings,
    )
    assert result.status == "failed"
    assert result.error == "still failing after 2 fix round(s): syntax errors"
    assert len(standin.seen) == 4  # spec, files, 2 fix rounds: never a third
    assert [(s.name, s.outcome) for s in result.stages] == [
        ("spec", "succeeded"),
        ("generate", "succeeded"),
        ("validate", "failed"),
        ("fix", "failed"),
    ]
    assert "app/extra/stats.py:15" in result.stages[-1].detail  # failing output recorded
    assert "app/extra/stats.py:14" in standin.seen[3].body["messages"][-1]["content"]
    assert result.archive is None
    assert sum(1 for line in recorder.logs() if line.startswith("fix round")) == 2
    assert recorder.stages() == [
        ("spec", "started"),
        ("spec", "succeeded"),
        ("generate", "started"),
        ("generate", "succeeded"),
        ("validate", "started"),
        ("validate", "failed"),
        ("fix", "started"),
        ("fix", "failed"),
    ]


async def test_fix_stops_when_the_same_failure_repeats(
    standin, answers, recorder, pipeline_settings
):
    """A fix that leaves the very failure it was sent is not paid for twice."""
    broken = _files(
        ("app/extra/stats.py", STATS.format(bug=" +")), ("tests/test_extra_stats.py", STATS_TEST)
    )
    standin.script += [
        answers["openai"](json.dumps(TINY_SPEC)),
        answers["openai"](broken),
        answers["openai"](broken),
        answers["openai"](broken),
    ]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai"),
        llm=_openai(standin),
        emit=recorder,
        settings=pipeline_settings,
    )
    assert pipeline_settings.fix_rounds == 2
    assert result.status == "failed"
    assert result.error == "stopped after 1 fix round(s): the same failure repeated (syntax errors)"
    assert len(standin.seen) == 3  # spec, files, one fix round: the second is never asked
    assert sum(1 for line in recorder.logs() if line.startswith("fix round")) == 1
    assert "the same failure again: no further fix round" in recorder.logs()
    assert result.usage["input_tokens"] == 33  # three answers' tokens (as in the repair test)
    assert [(s.name, s.outcome) for s in result.stages][-1] == ("fix", "failed")


async def test_anthropic_and_gemini_drive_the_pipeline(standin, answers, recorder):
    settings = PipelineSettings(run_validation=False)
    standin.script += [
        answers["anthropic"](tool_input=TINY_SPEC),
        answers["anthropic"](tool_input={"files": []}),
    ]
    llm = create_provider("anthropic", KEY, base_url=standin.url)
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="anthropic"),
        llm=llm,
        emit=recorder,
        settings=settings,
    )
    assert result.status == "succeeded", result.error
    assert result.generator == "llm:anthropic:claude-3-5-sonnet-latest+templates/1"
    assert result.usage == {"input_tokens": 42, "output_tokens": 18}

    standin.script += [answers["gemini"](json.dumps(TINY_SPEC)), answers["gemini"](_files())]
    llm = create_provider("google", KEY, base_url=standin.url)
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="google", model="gemini-1.5-pro"),
        llm=llm,
        emit=recorder,
        settings=settings,
    )
    assert result.status == "succeeded", result.error
    assert result.manifest["provider"] == "google"


async def test_a_raw_newline_inside_a_string_does_not_cost_a_repair_round(
    standin, answers, recorder
):
    # Small local models write literal control characters in strings (llama.cpp with
    # Gemma 3 270M did, under a grammar); json.loads refuses them by default.
    spec = {**TINY_SPEC, "description": "Notes\tI keep.\nOne per line."}
    text = json.dumps(spec).replace("\\t", "\t").replace("\\n", "\n")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    standin.script += [answers["openai"](text), answers["openai"](_files())]
    result = await run_pipeline(
        BuildInput(idea="notes app", provider="openai", theme="minimal"),
        llm=_openai(standin),
        emit=recorder,
        settings=PipelineSettings(run_validation=False),
    )
    assert result.status == "succeeded", result.error
    assert len(standin.seen) == 2  # the spec in one call, then the files
    assert result.spec["description"] == "Notes\tI keep.\nOne per line."
