"""Sample data for a live preview, worked out from the build's spec.

A preview starts with a few records per entity so the person sees a working
app, not empty lists. The values come from the same rules as the app's own
test data (``testdata.sample_value``), varied per record so unique fields do
not collide; parents are filled in by the seeding program inside the sandbox
(``sandbox/serve.py``) from the ids the app hands out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from launchforge_core.pipeline.spec import INT32_MAX, AppModel, EntityModel, FieldModel, build_model
from launchforge_core.pipeline.testdata import _bounds, _fit, sample_value


def _varied(f: FieldModel, i: int) -> Any:
    """The sample of ``f`` for the ``i``-th record (0-based), distinct where it can be."""
    n = i + 1
    if f.type in ("string", "text"):
        return _fit(f"{f.label} {n}", f)
    if f.type == "email":
        return f"sample{n}@example.com"
    if f.type == "url":
        return f"https://example.com/sample-{n}"
    if f.type == "phone":
        return f"+1 555 01{n:02d}"
    if f.type == "enum":
        return f.choices[i % len(f.choices)]
    if f.type == "boolean":
        return i % 2 == 0
    if f.type == "date":
        return (dt.date(2024, 1, 15) + dt.timedelta(days=i)).isoformat()
    if f.type == "datetime":
        return f"{(dt.date(2024, 1, 15) + dt.timedelta(days=i)).isoformat()}T10:30:00Z"
    base = sample_value(f)
    if f.type == "integer" and isinstance(base, int):
        _, hi = _bounds(f)
        top = INT32_MAX if hi is None else int(hi)
        return base + i if base + i <= top else base
    return base


def _record(entity: EntityModel, i: int) -> dict[str, Any]:
    """The ``i``-th sample record; its name (the display field) reads "Plant 2", not "name 2"."""
    record = {f.key: _varied(f, i) for f in entity.fields}
    shown = entity.display
    if shown is not None and shown.type in ("string", "text"):
        words = entity.snake.replace("_", " ").capitalize()  # CheckIn -> "Check in"
        record[shown.key] = _fit(f"{words} {i + 1}", shown)
    return record


def seed_plan(app: AppModel, per_entity: int) -> list[dict[str, Any]]:
    """Entities in dependency order (parents first), each with its records to create."""
    plan = []
    for entity in app.by_dependency():
        records = [_record(entity, i) for i in range(per_entity)]
        plan.append(
            {
                "entity": entity.snake,
                "path": entity.path,
                # foreign key -> (parent entity, required)
                "parents": {r.ident: [r.parent.snake, r.required] for r in entity.relations},
                "records": records,
            }
        )
    return plan


def plan_for_spec(
    spec: dict[str, Any] | None, *, theme: str | None, per_entity: int
) -> list[dict[str, Any]]:
    """The seed plan of a build's stored spec (empty when there is none or it is unusable)."""
    if not spec or per_entity <= 0:
        return []
    try:
        app = build_model(spec, theme=spec.get("theme", theme))
    except Exception:  # an old or hand-altered spec: serve the app without samples
        return []
    return seed_plan(app, per_entity)
