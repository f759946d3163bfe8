"""The LLM-backed parts of the pipeline: writing the spec, adding files, fixing them.

Every answer is checked exactly like offline output: the spec against the JSON
Schema and its references (one repair round sends the errors back), extra
files against the path/size/type rules. Nothing falls back to offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from launchforge_core.pipeline.checks import extra_file_problem
from launchforge_core.pipeline.extractor import extract
from launchforge_core.pipeline.extractor.words import same_thing
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.spec import AppModel, SpecError, build_model, spec_schema
from launchforge_core.pipeline.types import BuildInput, PipelineError
from launchforge_core.providers.base import Completion, LLMProvider, Message

FILES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["files"],
    "properties": {
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "content"],
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
            },
        }
    },
}

SPEC_SYSTEM = (
    "You design small data-backed web apps. Answer with one JSON object only, no prose, "
    "that validates against this JSON Schema:\n{schema}\n"
    "Make every thing the idea keeps records of an entity (singular, short English names, "
    "at most 12), with the fields the idea names, typed from the words (money: decimal; "
    "dates: date; counts: integer; yes/no: boolean; listed values: enum with choices). "
    "Add a many_to_one relation for each tie the idea states (the child holds the key); "
    "many-to-many goes through a link entity with two relations. Add summaries for the "
    "views the idea asks for (counts, totals, averages, percent, streaks)."
)

FILES_SYSTEM = (
    "You extend a generated FastAPI + SQLAlchemy project. It already has, per entity, "
    "models in app/models.py, schemas in app/schemas.py and CRUD routers in app/routers/. "
    "You may add files only under app/extra/ (Python modules; a module defining "
    "`router = fastapi.APIRouter()` is mounted automatically; use "
    "`from app.database import get_session` for a sqlalchemy Session dependency), "
    "app/static/ (html/css/js) and tests/test_*.py (pytest; fixtures `client` (a "
    "fastapi TestClient) and `make(entity_snake_name)` exist). Only fastapi, sqlalchemy, "
    "pydantic and the standard library are available. The OpenAPI document's only "
    "component schemas are the entities' Create/Read/Update (a test checks it): return "
    "plain dicts, with `response_model=None` and the response described inline in "
    "`responses=` if you describe it. Routes answer 422 to undeclared query parameters. "
    "Answer with JSON "
    '{"files": [{"path": ..., "content": ...}]}; an empty list is fine.'
)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    models: list[str] = field(default_factory=list)

    def add(self, completion: Completion) -> None:
        self.input_tokens += completion.input_tokens
        self.output_tokens += completion.output_tokens
        if completion.model not in self.models:
            self.models.append(completion.model)

    def as_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}


def parse_json_answer(text: str) -> Any:
    """The JSON in a model's answer (tolerating a Markdown code fence around it).

    Raw control characters inside strings (a literal newline or tab) are accepted:
    small local models write them even under a grammar (seen with llama.cpp and
    Gemma 3 270M), and refusing the whole answer for them costs a repair round. What
    the strings hold is checked by the schema afterwards (names have patterns).
    """
    stripped = text.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", stripped, re.DOTALL)
    if fenced:
        stripped = fenced.group(1)
    return json.loads(stripped, strict=False)


async def _ask(
    llm: LLMProvider,
    messages: list[Message],
    inp: BuildInput,
    settings: PipelineSettings,
    usage: Usage,
    schema: dict[str, Any],
) -> str:
    completion = await llm.complete(
        messages,
        model=inp.model,
        json_schema=schema,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
    )
    usage.add(completion)
    return completion.text


def _spec_prompt(inp: BuildInput) -> str:
    lines = [f"App idea: {inp.idea}"]
    if inp.target_users:
        lines.append(f"Target users: {inp.target_users}")
    if inp.features:
        lines.append("Features: " + "; ".join(inp.features))
    lines.append(f"Theme: {inp.theme}")
    if inp.change_request:
        # A change's files follow what was asked of this version, not only the idea.
        lines.append(f"Change asked for this version: {inp.change_request}")
    return "\n".join(lines)


def named_things(inp: BuildInput) -> list[str]:
    """The entities the idea names, as the offline extractor reads them (PascalCase)."""
    return extract(inp.idea, features=inp.features).named


def missing_things(named: list[str], spec: dict[str, Any]) -> list[str]:
    """Which of ``named`` the model's spec lacks (names compared loosely: Walk ~ DogWalk)."""
    have = [e.get("name", "") for e in spec.get("entities", []) if isinstance(e, dict)]
    return [n for n in named if not any(same_thing(n, h) for h in have if isinstance(h, str))]


async def llm_spec(
    llm: LLMProvider,
    inp: BuildInput,
    settings: PipelineSettings,
    usage: Usage,
    log: Callable[[str], Awaitable[None]] | None = None,
) -> tuple[dict[str, Any], AppModel]:
    """The model writes the spec; each invalid answer gets its errors back, up to the limit.

    A valid spec that lacks things the idea names (read by the offline extractor) is
    logged, and the list goes back to the model in a repair round if one is left; the
    best valid spec wins, so a worse repair never fails a build that had a valid spec.
    """
    schema = spec_schema()
    messages = [
        Message("system", SPEC_SYSTEM.format(schema=json.dumps(schema))),
        Message("user", _spec_prompt(inp)),
    ]
    named = named_things(inp)
    errors: list[str] = []
    best: tuple[dict[str, Any], AppModel, list[str]] | None = None
    for attempt in range(settings.spec_repair_rounds + 1):
        text = await _ask(llm, messages, inp, settings, usage, schema)
        repair: str
        try:
            spec = parse_json_answer(text)
            if isinstance(spec, dict):
                spec["theme"] = inp.theme
            app = build_model(
                spec, max_entities=settings.max_entities, max_fields=settings.max_fields_per_entity
            )
        except json.JSONDecodeError as exc:
            errors = [f"the answer is not valid JSON: {exc.msg} at position {exc.pos}"]
            repair = "That JSON does not validate:\n- " + "\n- ".join(errors[:20])
        except SpecError as exc:
            errors = exc.errors
            repair = "That JSON does not validate:\n- " + "\n- ".join(errors[:20])
        else:
            missing = missing_things(named, spec)
            if best is None or len(missing) < len(best[2]):
                best = (spec, app, missing)
            if not missing:
                return spec, app
            if log is not None:
                await log("the model's spec lacks what the idea names: " + ", ".join(missing))
            repair = (
                "The idea names things your spec does not model: "
                + ", ".join(missing)
                + ". Add each as an entity with the fields and relations the idea gives it, "
                "and keep everything else."
            )
        if attempt < settings.spec_repair_rounds:
            messages += [
                Message("assistant", text[:20000]),
                Message("user", repair + "\nAnswer with the corrected JSON object only."),
            ]
    if best is not None:
        return best[0], best[1]
    raise PipelineError(
        "the model's spec failed validation: " + "; ".join(errors[:3])[:500],
        detail="\n".join(errors),
    )


@dataclass
class ExtraFiles:
    """The model's added files that passed the checks, and why the others were left out."""

    files: dict[str, bytes] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _check_files(answer: str, *, backbone: set[str], settings: PipelineSettings) -> ExtraFiles:
    """Every file that passes the checks; each one that does not is refused, never written.

    The extra files are additions to a backbone that already holds the whole spec,
    so a model that writes a bad path or an unreadable list (a small local model
    does) costs those files, not the build; the build log names each refusal.
    """
    try:
        data = parse_json_answer(answer)
    except json.JSONDecodeError as exc:
        return ExtraFiles(refused=[f"the file list is not valid JSON ({exc.msg})"])
    items = data.get("files") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ExtraFiles(refused=["the answer has no 'files' list"])
    if len(items) > settings.max_extra_files:
        return ExtraFiles(
            refused=[
                f"{len(items)} files were added, at most {settings.max_extra_files} are allowed"
            ]
        )
    out = ExtraFiles()
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("path"), str)
            or not isinstance(item.get("content"), str)
        ):
            out.refused.append("a file without a string 'path' and 'content'")
            continue
        content = item["content"].encode()
        problem = extra_file_problem(
            item["path"], content, backbone=backbone, max_bytes=settings.max_file_bytes
        )
        if problem:
            out.refused.append(problem)
            continue
        out.files[item["path"]] = content
    return out


async def llm_extra_files(
    llm: LLMProvider,
    inp: BuildInput,
    spec: dict[str, Any],
    backbone: dict[str, bytes],
    settings: PipelineSettings,
    usage: Usage,
) -> ExtraFiles:
    """Files the model adds to the backbone (checked; may be none), and those refused."""
    listing = "\n".join(sorted(backbone))
    messages = [
        Message("system", FILES_SYSTEM),
        Message(
            "user",
            f"{_spec_prompt(inp)}\n\nSpec:\n{json.dumps(spec)}\n\n"
            f"Existing files:\n{listing}\n\nAdd the files this app still needs.",
        ),
    ]
    text = await _ask(llm, messages, inp, settings, usage, FILES_SCHEMA)
    return _check_files(text, backbone=set(backbone), settings=settings)


async def llm_fix(
    llm: LLMProvider,
    inp: BuildInput,
    extra: dict[str, bytes],
    backbone: dict[str, bytes],
    failure: str,
    settings: PipelineSettings,
    usage: Usage,
) -> ExtraFiles:
    """The model's corrected set of extra files (replaces the previous set), and those refused."""
    current = json.dumps(
        {
            "files": [
                {"path": p, "content": c.decode("utf-8", "replace")}
                for p, c in sorted(extra.items())
            ]
        }
    )
    messages = [
        Message("system", FILES_SYSTEM),
        Message(
            "user",
            f"The files you added:\n{current}\n\nThe project's checks failed:\n"
            f"{failure[-8000:]}\n\nAnswer with the complete corrected set of your "
            "files (the backbone cannot change).",
        ),
    ]
    text = await _ask(llm, messages, inp, settings, usage, FILES_SCHEMA)
    return _check_files(text, backbone=set(backbone), settings=settings)
