"""A change asked of a model: an RFC 6902 JSON Patch of the base spec (or a whole new spec).

The answer is checked exactly like any spec: applied to a copy of the base
with ``jsonpatch`` (a maintained implementation of RFC 6902, including its
``test`` operation and JSON Pointer escaping), then the schema and the
references (``spec.build_model``). An answer that does not apply or does not
validate gets its errors back in one repair round; nothing falls back to the
offline grammar.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

import jsonpatch

from launchforge_core.pipeline.llm import Usage, _ask, parse_json_answer
from launchforge_core.pipeline.settings import PipelineSettings
from launchforge_core.pipeline.spec import AppModel, SpecError, build_model, spec_schema
from launchforge_core.pipeline.types import BuildInput, PipelineError
from launchforge_core.providers.base import LLMProvider, Message

REPAIR_ROUNDS = 1

CHANGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "patch": {
            "type": "array",
            "description": "RFC 6902 operations against the current spec",
            "items": {"type": "object"},
        },
        "spec": {"type": "object", "description": "the whole new spec, instead of a patch"},
    },
}

CHANGE_SYSTEM = (
    "You change the spec of a small data-backed web app as the person asks, and nothing "
    "else. Answer with one JSON object only, no prose: either "
    '{{"patch": [...]}} holding RFC 6902 JSON Patch operations (add, remove, replace, move, '
    'copy, test) against the current spec, or {{"spec": {{...}}}} holding the whole new spec. '
    "When you rename an entity, rename it in relations and summaries too. The result must "
    "validate against this JSON Schema:\n{schema}"
)


def apply_answer(base: dict[str, Any], answer: Any) -> dict[str, Any]:
    """The spec the answer describes: the base patched, or the new spec given whole."""
    if isinstance(answer, list):
        answer = {"patch": answer}
    if not isinstance(answer, dict):
        raise ValueError("the answer is not a JSON object with 'patch' or 'spec'")
    if isinstance(answer.get("spec"), dict):
        return dict(answer["spec"])
    patch = answer.get("patch")
    if not isinstance(patch, list):
        raise ValueError("the answer has neither a 'patch' list nor a 'spec' object")
    try:
        result = jsonpatch.apply_patch(copy.deepcopy(base), patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise ValueError(f"the patch does not apply: {exc}") from None
    except (TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"the patch is malformed: {exc}") from None
    if not isinstance(result, dict):
        raise ValueError("the patched spec is not a JSON object")
    return result


async def llm_change_spec(
    llm: LLMProvider,
    inp: BuildInput,
    settings: PipelineSettings,
    usage: Usage,
    log: Callable[[str], Awaitable[None]] | None = None,
) -> tuple[dict[str, Any], AppModel]:
    """The base spec changed by the model as ``inp.change_request`` asks, validated."""
    if inp.base_spec is None or not inp.change_request:
        raise PipelineError("a change needs the base version's spec and the request")
    base = {k: v for k, v in inp.base_spec.items() if k not in ("routes", "pages")}
    messages = [
        Message("system", CHANGE_SYSTEM.format(schema=json.dumps(spec_schema()))),
        Message(
            "user",
            f"Current spec:\n{json.dumps(base)}\n\nThe change asked for:\n{inp.change_request}",
        ),
    ]
    errors: list[str] = []
    for attempt in range(REPAIR_ROUNDS + 1):
        text = await _ask(llm, messages, inp, settings, usage, CHANGE_SCHEMA)
        try:
            spec = apply_answer(base, parse_json_answer(text))
            spec["theme"] = inp.theme
            app = build_model(
                spec, max_entities=settings.max_entities, max_fields=settings.max_fields_per_entity
            )
        except json.JSONDecodeError as exc:
            errors = [f"the answer is not valid JSON: {exc.msg} at position {exc.pos}"]
        except ValueError as exc:
            errors = exc.errors if isinstance(exc, SpecError) else [str(exc)[:500]]
        else:
            return spec, app
        if log is not None:
            await log("the model's change does not validate: " + "; ".join(errors[:3])[:500])
        if attempt < REPAIR_ROUNDS:
            messages += [
                Message("assistant", text[:20000]),
                Message(
                    "user",
                    "That change does not validate:\n- "
                    + "\n- ".join(errors[:20])
                    + "\nAnswer with the corrected JSON object only.",
                ),
            ]
    raise PipelineError(
        "the model's change failed validation: " + "; ".join(errors[:3])[:500],
        detail="\n".join(errors),
    )
