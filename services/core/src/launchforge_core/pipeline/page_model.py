"""The generated page's view of an :class:`AppModel`: what ``app/static/model.json`` holds.

The page is plain HTML/JS with no build step, so the knowledge it needs about
the app (which entities, which inputs fit which field types and bounds, how a
record is named, where its parents and children are, which summaries exist)
is written out once at generation time. The same dict renders the static
``index.html`` (through the ``ui`` template variable), so the structure the
HTML shows before scripts run and the behaviour ``app.js`` adds can never
disagree.

Every path in it is relative (``api/pets``, no leading slash): the page
resolves them against its own URL, so the app also works under a path
prefix such as a live preview's ``/preview/<build>/``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from launchforge_core.pipeline.spec import (
    AppModel,
    EntityModel,
    FieldModel,
    RelationModel,
    SummaryModel,
)

MODEL_VERSION = 1
PAGE_SIZE = 10
# Columns shown in a list, at least (the record's parents are always shown; the
# record view shows every field).
LIST_COLUMNS = 6

# Which fields a list shows first when not all fit (lower first).
COLUMN_PRIORITY = {"string": 0, "email": 0, "phone": 0, "url": 0, "enum": 0, "text": 2}
INPUTS = {
    "string": "text",
    "text": "textarea",
    "integer": "number",
    "number": "number",
    "decimal": "number",
    "boolean": "checkbox",
    "date": "date",
    "datetime": "datetime-local",
    "time": "time",
    "email": "email",
    "url": "url",
    "phone": "tel",
    "enum": "select",
}
STEPS = {"integer": "1", "number": "any", "decimal": "0.01"}
SEARCHABLE = ("string", "text", "email", "url", "phone")
# What the API enforces when the spec gives no bound (see docs/generated-app.md).
INT32 = (-(2**31), 2**31 - 1)
DECIMAL_MAX = 9_999_999_999.99
# The years the API takes (1-9999). An input with no ``max`` lets Chromium's year segment
# take six digits, so a person typing a date by keyboard runs the time into the year and
# is told "Enter a complete value"; with the bound the segment stops at four.
DATE_BOUNDS = {
    "date": ("0001-01-01", "9999-12-31"),
    "datetime": ("0001-01-01T00:00", "9999-12-31T23:59"),
}
# Hints next to inputs whose expected form a person might not guess.
HINTS = {
    "decimal": "An amount with up to 2 decimals, e.g. 12.50.",
    "url": "A full address, e.g. https://example.com.",
    "phone": "Digits, spaces and + ( ) - only.",
    "email": "e.g. name@example.com.",
}


def humanize(name: str) -> str:
    """``"started_on"`` -> ``"Started on"``, ``"CheckIn"`` -> ``"Check in"``: words a person reads.

    Words in capitals (``"SKU"``) keep their case; the rest are lower-cased
    after the first, so spec names in any style read the same on the page.
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [w for w in re.split(r"[\s_\-]+", spaced) if w]
    if not words:
        return name
    out = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence ("Add check in"): lower-case unless an acronym."""
    first, _, rest = label.partition(" ")
    if first.isupper() and len(first) > 1:
        return label
    return (first[:1].lower() + first[1:] + (" " + rest if rest else "")).strip()


def anchor(entity: EntityModel) -> str:
    """The entity's id on the page and in links (``pets``, ``check-ins``): its URL segment.

    Fixed ids of the page all contain ``--``, which a kebab-case plural never
    does, so the two can never collide.
    """
    return entity.path.rsplit("/", 1)[-1]


def rel_path(path: str) -> str:
    """``/api/pets`` -> ``api/pets``: resolved against the page's own URL."""
    return path.lstrip("/")


def children_path(parent: EntityModel, child: EntityModel, relation: RelationModel) -> str:
    """The nested list of ``parent``'s children through ``relation`` (``{id}`` is a placeholder).

    The contract: ``{P.path}/{id}/{C.plural}``; when the child has several
    relations to the same parent, the second and later are
    ``.../{C.plural}-by-{fk}``.
    """
    to_parent = [r for r in child.relations if r.parent is parent]
    segment = anchor(child)
    if to_parent and to_parent[0] is not relation:
        segment = f"{segment}-by-{relation.ident.replace('_', '-')}"
    return rel_path(f"{parent.path}/{{id}}/{segment}")


def _field(f: FieldModel) -> dict[str, Any]:
    """One input's description; every key is present (null when it does not apply)."""
    low: float | int | str | None = None
    high: float | int | str | None = None
    if f.type in DATE_BOUNDS:
        low, high = DATE_BOUNDS[f.type]
    elif f.type in STEPS:
        low, high = f.minimum, f.maximum
        if f.type == "integer":
            low = INT32[0] if low is None else max(int(low), INT32[0])
            high = INT32[1] if high is None else min(int(high), INT32[1])
        elif f.type == "decimal":
            low = -DECIMAL_MAX if low is None else low
            high = DECIMAL_MAX if high is None else high
    texts = f.type in ("string", "text")
    return {
        "name": f.key,
        "label": humanize(f.label),
        "type": f.type,
        "input": INPUTS[f.type],
        "required": f.required,
        "unique": f.unique,
        "min_length": f.min_length if texts else None,
        "max_length": f.max_length if texts else None,
        "minimum": low,
        "maximum": high,
        "step": STEPS.get(f.type),
        "choices": list(f.choices) if f.type == "enum" else None,
        "help": (f.description.strip() or HINTS.get(f.type, ""))[:300],
    }


def _relation(r: RelationModel) -> dict[str, Any]:
    label = humanize(r.name) if r.name != r.parent.snake else humanize(r.parent.label)
    return {
        "name": r.name_key,
        "field": r.ident,
        "label": label,
        "parent": r.parent.snake,
        "required": r.required,
        "on_delete": r.on_delete,
    }


def _entity(e: EntityModel) -> dict[str, Any]:
    label = humanize(e.label)
    fields = [_field(f) for f in e.fields]
    relations = [_relation(r) for r in e.relations]
    display = e.display.key if e.display is not None else None
    # The record's name first, then its parents, then as many other fields as fit: short
    # texts are chosen first (what a person typed is what they look for), then the rest;
    # the chosen ones keep the spec's order.
    names = ([display] if display else []) + [r.ident for r in e.relations]
    others = [f for f in e.fields if f.key != display]
    chosen = sorted(others, key=lambda f: COLUMN_PRIORITY.get(f.type, 1))
    keep = {f.key for f in chosen[: max(0, LIST_COLUMNS - len(names))]}
    names += [f.key for f in others if f.key in keep]
    labels = {f["name"]: f["label"] for f in fields} | {r["field"]: r["label"] for r in relations}
    columns = [
        {"name": n, "label": labels[n], "relation": n in {r.ident for r in e.relations}}
        for n in names
    ]
    sort = [{"value": "-id", "label": "Newest first"}, {"value": "id", "label": "Oldest first"}]
    for f in e.fields:
        if f.type == "text":
            continue
        name = humanize(f.label)
        if f.type in ("integer", "number", "decimal"):
            ends = ("lowest first", "highest first")
        elif f.type in ("date", "datetime", "time"):
            ends = ("earliest first", "latest first")
        elif f.type == "boolean":
            ends = ("no first", "yes first")
        else:
            ends = ("A to Z", "Z to A")
        sort.append({"value": f.key, "label": f"{name}, {ends[0]}"})
        sort.append({"value": f"-{f.key}", "label": f"{name}, {ends[1]}"})
    return {
        "key": e.snake,
        "id": anchor(e),
        "label": label,
        "label_plural": humanize(e.plural),
        "noun": in_sentence(label),
        "noun_plural": in_sentence(humanize(e.plural)),
        "path": rel_path(e.path),
        "description": e.description,
        "display": display,
        "searchable": any(f.type in SEARCHABLE for f in e.fields),
        "columns": columns,
        "sort": sort,
        "fields": fields,
        "relations": relations,
        "children": [_child(e, child, r) for child, r in e.children],
    }


def _child(parent: EntityModel, child: EntityModel, r: RelationModel) -> dict[str, Any]:
    """A parent's list of children: "Pets", or "Matches (home team)" when the child
    points at this parent more than once."""
    label = humanize(child.plural)
    if sum(x.parent is parent for x in child.relations) > 1:
        label += f" ({in_sentence(humanize(r.name))})"
    return {
        "entity": child.snake,
        "field": r.ident,
        "label": label,
        "path": children_path(parent, child, r),
    }


def _summary(s: SummaryModel) -> dict[str, Any]:
    group = None
    if s.group_field is not None:
        group = humanize(s.group_field.label)
    elif s.group_relation is not None:
        group = humanize(s.group_relation.parent.label)
    elif s.period is not None:
        group = humanize(s.period)
    field = in_sentence(humanize(s.field.label)) if s.field is not None else ""
    things = in_sentence(humanize(s.entity.plural))
    caption = {
        "count": f"Number of {things}",
        "sum": f"Total {field}",
        "average": f"Average {field}",
        "minimum": f"Lowest {field}",
        "maximum": f"Highest {field}",
        "percent": f"Share of {things} with {field}",
        "streak": f"Days in a row with {things}",
    }[s.kind]
    if group is not None and s.period is None:
        caption += f" by {in_sentence(group)}"
    elif s.period is not None:
        caption += f" per {s.period}"
    return {
        "slug": s.slug,
        "title": s.title,
        "caption": caption,
        "path": rel_path(s.path),
        "entity": s.entity.snake,
        "kind": s.kind,
        "field": s.field.key if s.field is not None else None,
        "field_label": humanize(s.field.label) if s.field is not None else None,
        "field_type": s.field.type if s.field is not None else None,
        "group_label": group,
    }


# Inputs whose typed text the record's row shows back as typed.
TYPED_TEXT = ("string", "email", "url", "phone")


def page_order(app: AppModel) -> list[EntityModel]:
    """Entities parents first (so the first form on the page never needs a record
    that cannot exist yet), led by the first one a person can name in words.

    A form of only dates, numbers and selects (a run: date, distance) makes a poor
    first form: what was typed comes back reformatted, so the person cannot spot
    the record just added. Lifting an entity with a text input and no required
    parent to the front keeps every required parent ahead of its children."""
    order = app.by_dependency()
    lead = next(
        (
            e
            for e in order
            if not any(r.required for r in e.relations)
            and any(f.type in TYPED_TEXT for f in e.fields)
        ),
        None,
    )
    if lead is None or lead is order[0]:
        return order
    return [lead, *(e for e in order if e is not lead)]


def page_model(app: AppModel) -> dict[str, Any]:
    """The page's model of ``app``: entities in :func:`page_order`, then the summaries."""
    return {
        "version": MODEL_VERSION,
        "name": app.name,
        "description": app.description,
        "theme": app.theme,
        "page_size": PAGE_SIZE,
        "entities": [_entity(e) for e in page_order(app)],
        "summaries": [_summary(s) for s in app.summaries],
    }


def page_model_json(app: AppModel) -> bytes:
    """``app/static/model.json``."""
    return (json.dumps(page_model(app), indent=1, ensure_ascii=False) + "\n").encode()
