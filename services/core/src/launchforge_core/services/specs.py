"""A caller's spec, checked when it is submitted: every problem located, or the normalised spec.

The pipeline checks a spec again when it runs (``pipeline.spec.build_model``);
checking it here, before a build is queued, turns a spec that could never
build into a 422 whose ``errors`` name each problem's place, in the shape
of every other 422 of the platform::

    {"loc": ["body", "spec", "entities", "1", "fields", "0", "type"],
     "msg": "'colour' is not one of ['string', ...]", "type": "spec"}

so an editor can show each message next to the input it concerns. A
missing member (``'choices' is a required property``) is located at the
member itself (``...fields[0].choices``), not at the object holding it.

A person's spec must also name things once: two entities, or two fields of
one entity, whose names become the same identifier (``Due date`` and
``due_date``) are refused here, where the pipeline alone would quietly
rename the second (``due_date_2``).

Checking a large spec is CPU work (up to a few hundred milliseconds for the
largest one the API accepts), so it runs in a worker thread, off the event
loop.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from launchforge_common.errors import MAX_REPORTED_ERRORS, ProblemError

from launchforge_core.pipeline.naming import pascal, snake
from launchforge_core.pipeline.spec import (
    AppModel,
    SpecError,
    SpecProblem,
    build_model,
    normalised_spec,
)

# "entities[1].fields[0].type" -> entities, 1, fields, 0, type
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_REQUIRED = re.compile(r"^'([A-Za-z_]+)' is a required property$")
ERROR_TYPE = "spec"


class SpecInvalidError(ProblemError):
    """422: the submitted spec cannot be built; ``errors`` locates each problem."""

    status, title = 422, "Unprocessable Content"


def location(loc: str, prefix: tuple[str, ...] = ("body", "spec")) -> list[str]:
    """``"entities[1].fields[0].type"`` as a path: ``[*prefix, "entities", "1", ...]``."""
    if loc in ("", "(spec)"):
        return list(prefix)
    return [*prefix, *(name or index for name, index in _PART.findall(loc))]


def _relocated(problem: SpecProblem) -> SpecProblem:
    """A missing member is located at the member, where an editor has its input."""
    missing = _REQUIRED.match(problem.message)
    if missing is None:
        return problem
    member = missing.group(1)
    loc = member if problem.loc in ("", "(spec)") else f"{problem.loc}.{member}"
    return SpecProblem(loc, problem.message)


def _named(items: Any) -> list[tuple[int, str]]:
    """``(index, name)`` of the well-formed items of a list (the schema reports the rest)."""
    if not isinstance(items, list):
        return []
    return [
        (i, item["name"])
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip()
    ]


def duplicate_names(spec: Any) -> list[SpecProblem]:
    """Entities, and fields of one entity, whose names become the same identifier."""
    if not isinstance(spec, dict):
        return []
    problems: list[SpecProblem] = []
    entities = spec.get("entities")
    seen: dict[str, str] = {}
    named = _named(entities)
    for i, name in named:
        for key in (f"snake:{snake(name, fallback='item')}", f"class:{pascal(name)}"):
            if key in seen:
                problems.append(
                    SpecProblem(
                        f"entities[{i}].name",
                        f"{name!r} names the same entity as {seen[key]!r}; "
                        "give each entity a name of its own",
                    )
                )
                break
        else:
            seen[f"snake:{snake(name, fallback='item')}"] = name
            seen[f"class:{pascal(name)}"] = name
    for i, _ in named:
        fields_seen: dict[str, str] = {}
        for j, name in _named(spec["entities"][i].get("fields")):
            ident = snake(name)
            if ident in fields_seen:
                problems.append(
                    SpecProblem(
                        f"entities[{i}].fields[{j}].name",
                        f"{name!r} names the same field as {fields_seen[ident]!r}; "
                        "give each field a name of its own",
                    )
                )
            else:
                fields_seen[ident] = name
    return problems


def problems_of(
    spec: dict[str, Any], *, theme: str | None = None
) -> tuple[AppModel | None, list[SpecProblem]]:
    """The model of ``spec`` when it is valid, and every problem found otherwise.

    ``theme`` is the build's, used when the spec names none (as the pipeline does).
    """
    problems = duplicate_names(spec)
    app: AppModel | None = None
    try:
        app = build_model(spec, theme=spec.get("theme", theme))
    except SpecError as exc:
        problems = [_relocated(p) for p in exc.problems] + problems
    return (None if problems else app), problems


def _raise(problems: list[SpecProblem], prefix: tuple[str, ...]) -> None:
    errors = [
        {"loc": location(p.loc, prefix), "msg": p.message, "type": ERROR_TYPE}
        for p in problems[:MAX_REPORTED_ERRORS]
    ]
    extensions: dict[str, Any] = {"errors": errors}
    if len(problems) > MAX_REPORTED_ERRORS:
        extensions["errors_omitted"] = len(problems) - MAX_REPORTED_ERRORS
    count = len(problems)
    raise SpecInvalidError(
        f"The spec has {count} problem{'s' if count != 1 else ''}; "
        "each is listed in errors with its location.",
        **extensions,
    )


def _check(spec: dict[str, Any], theme: str | None, prefix: tuple[str, ...]) -> dict[str, Any]:
    app, problems = problems_of(spec, theme=theme)
    if app is None:
        _raise(problems, prefix)
    assert app is not None
    return normalised_spec(spec, app)


async def check_spec(
    spec: dict[str, Any],
    *,
    theme: str | None = None,
    prefix: tuple[str, ...] = ("body", "spec"),
) -> dict[str, Any]:
    """The spec as the build would use it (``normalised_spec``: slug, theme, routes and pages
    filled in), or :class:`SpecInvalidError` (422) locating each problem under ``prefix``
    (where the spec is in the request)."""
    return await asyncio.to_thread(_check, spec, theme, prefix)
