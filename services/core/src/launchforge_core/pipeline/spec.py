"""The app spec: its JSON Schema (shipped as ``spec_schema.json``), validation and the
normalised model the templates render from.

Validation is two steps: the JSON Schema (shape, types, lengths), then the
cross-references a schema cannot express (relations point at entities, no
cycles, min <= max). Every error names where it is, so a model's repair round
or a person can fix it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from launchforge_core.pipeline.naming import dedupe, pascal, plural, slugify, snake

FIELD_TYPES = (
    "string",
    "text",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "email",
    "url",
    "enum",
)
DEFAULT_STRING_MAX = 200
DEFAULT_TEXT_MAX = 5000


class SpecError(ValueError):
    """A spec failed validation; ``errors`` lists each problem with its location."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:10]))
        self.errors = errors


@cache
def spec_schema() -> dict[str, Any]:
    """The JSON Schema document for specs (also sent to LLMs as the output format)."""
    text = resources.files(__package__).joinpath("spec_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(spec_schema())
    return Draft202012Validator(spec_schema())


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(spec)"


def schema_errors(spec: Any) -> list[str]:
    """JSON Schema violations as ``"entities[0].fields[1].type: 'foo' is not one of ..."``."""
    errors = sorted(_validator().iter_errors(spec), key=lambda e: list(map(str, e.path)))
    return [f"{_where(e.path)}: {e.message[:300]}" for e in errors[:50]]


# --- the normalised model -----------------------------------------------------------------


@dataclass
class FieldModel:
    label: str
    ident: str
    type: str
    required: bool
    unique: bool
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    choices: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class RelationModel:
    ident: str  # the foreign-key column, e.g. habit_id
    parent: EntityModel
    required: bool


@dataclass
class EntityModel:
    label: str
    class_name: str
    snake: str
    plural: str
    table: str
    path: str
    description: str
    fields: list[FieldModel]
    relations: list[RelationModel] = field(default_factory=list)
    children: list[tuple[EntityModel, RelationModel]] = field(default_factory=list)

    @property
    def required_fields(self) -> list[FieldModel]:
        return [f for f in self.fields if f.required]


@dataclass
class AppModel:
    name: str
    slug: str
    description: str
    theme: str
    entities: list[EntityModel]
    pages: list[dict[str, Any]]
    routes: list[dict[str, Any]]

    def by_dependency(self) -> list[EntityModel]:
        """Parents before children (relations are acyclic)."""
        done: list[EntityModel] = []

        def visit(entity: EntityModel) -> None:
            if entity in done:
                return
            for rel in entity.relations:
                visit(rel.parent)
            done.append(entity)

        for entity in self.entities:
            visit(entity)
        return done


def _num(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _field_model(raw: dict[str, Any], ident: str, where: str, errors: list[str]) -> FieldModel:
    ftype = raw["type"]
    required = bool(raw.get("required", False))
    unique = bool(raw.get("unique", False)) and ftype not in ("boolean", "enum", "text")
    fm = FieldModel(
        label=raw["name"],
        ident=ident,
        type=ftype,
        required=required,
        unique=unique,
        description=raw.get("description", ""),
    )
    if ftype in ("string", "text"):
        fm.min_length = raw.get("min_length")
        default_max = DEFAULT_STRING_MAX if ftype == "string" else DEFAULT_TEXT_MAX
        fm.max_length = raw.get("max_length", default_max)
        if fm.min_length is not None and fm.min_length > fm.max_length:
            errors.append(f"{where}: min_length {fm.min_length} > max_length {fm.max_length}")
        if unique and fm.max_length < 8:
            errors.append(f"{where}: a unique text field needs max_length >= 8")
    elif ftype in ("integer", "number"):
        fm.minimum, fm.maximum = _num(raw.get("minimum")), _num(raw.get("maximum"))
        if ftype == "integer":
            for attr in ("minimum", "maximum"):
                value = getattr(fm, attr)
                if value is not None and not float(value).is_integer():
                    errors.append(f"{where}: {attr} of an integer field must be whole")
        if fm.minimum is not None and fm.maximum is not None:
            if fm.minimum > fm.maximum:
                errors.append(f"{where}: minimum {fm.minimum} > maximum {fm.maximum}")
            elif unique and fm.maximum - fm.minimum < 100:
                errors.append(f"{where}: a unique number field needs a range of at least 100")
    elif ftype == "enum":
        fm.choices = list(raw["choices"])
    return fm


def build_model(
    spec: dict[str, Any], *, theme: str | None = None, max_entities: int = 20, max_fields: int = 40
) -> AppModel:
    """Validate ``spec`` (schema, then references) and return the normalised model.

    Raises :class:`SpecError` listing every problem found.
    """
    errors = schema_errors(spec)
    if errors:
        raise SpecError(errors)
    if len(spec["entities"]) > max_entities:
        raise SpecError([f"entities: at most {max_entities} entities are allowed"])

    taken_entities: set[str] = set()
    taken_classes: set[str] = set()
    entities: list[EntityModel] = []
    by_name: dict[str, EntityModel] = {}
    for i, raw in enumerate(spec["entities"]):
        if len(raw["fields"]) > max_fields:
            errors.append(f"entities[{i}].fields: at most {max_fields} fields are allowed")
            continue
        ent_snake = dedupe(snake(raw["name"], fallback="item"), taken_entities)
        class_name = dedupe(pascal(raw["name"]), taken_classes)
        taken_fields: set[str] = set()
        fields = [
            _field_model(
                f, dedupe(snake(f["name"]), taken_fields), f"entities[{i}].fields[{j}]", errors
            )
            for j, f in enumerate(raw["fields"])
        ]
        table = plural(ent_snake)
        entity = EntityModel(
            label=raw["name"],
            class_name=class_name,
            snake=ent_snake,
            plural=table,
            table=table,
            path="/api/" + table.replace("_", "-"),
            description=raw.get("description", ""),
            fields=fields,
        )
        entities.append(entity)
        by_name.setdefault(raw["name"], entity)
        by_name.setdefault(ent_snake, entity)

    for i, rel in enumerate(spec.get("relations", [])):
        child = by_name.get(rel["from"]) or by_name.get(snake(rel["from"]))
        parent = by_name.get(rel["to"]) or by_name.get(snake(rel["to"]))
        if child is None:
            errors.append(f"relations[{i}].from: no entity named {rel['from']!r}")
        if parent is None:
            errors.append(f"relations[{i}].to: no entity named {rel['to']!r}")
        if child is None or parent is None:
            continue
        if child is parent:
            errors.append(f"relations[{i}]: an entity cannot relate to itself")
            continue
        if _reaches(parent, child):
            errors.append(f"relations[{i}]: {rel['from']!r} -> {rel['to']!r} makes a cycle")
            continue
        taken = {f.ident for f in child.fields} | {r.ident for r in child.relations}
        base = snake(rel.get("field") or f"{parent.snake}_id")
        if not base.endswith("_id"):
            base = f"{base}_id"
        relation = RelationModel(
            ident=dedupe(base, taken), parent=parent, required=bool(rel.get("required", True))
        )
        child.relations.append(relation)
        parent.children.append((child, relation))

    known = {e.label for e in entities} | {e.snake for e in entities}
    for key in ("routes", "pages"):
        for i, item in enumerate(spec.get(key, [])):
            names = [item["entity"]] if "entity" in item else item.get("entities", [])
            for name in names:
                if name not in known:
                    errors.append(f"{key}[{i}]: no entity named {name!r}")
    if errors:
        raise SpecError(errors)

    app = AppModel(
        name=spec["name"],
        slug=spec.get("slug") or slugify(spec["name"]),
        description=spec.get("description", ""),
        theme=theme or spec.get("theme", "modern"),
        entities=entities,
        pages=list(
            spec.get("pages")
            or [{"path": "/", "title": spec["name"], "entities": [e.label for e in entities]}]
        ),
        routes=list(spec.get("routes") or _default_routes(entities)),
    )
    return app


def _reaches(start: EntityModel, target: EntityModel) -> bool:
    """Whether ``target`` is ``start`` or one of its ancestors (following relations)."""
    if start is target:
        return True
    return any(_reaches(rel.parent, target) for rel in start.relations)


def _default_routes(entities: list[EntityModel]) -> list[dict[str, Any]]:
    routes: list[dict[str, Any]] = []
    for e in entities:
        routes += [
            {"method": "GET", "path": e.path, "entity": e.label, "action": "list"},
            {"method": "POST", "path": e.path, "entity": e.label, "action": "create"},
            {"method": "GET", "path": f"{e.path}/{{id}}", "entity": e.label, "action": "read"},
            {"method": "PATCH", "path": f"{e.path}/{{id}}", "entity": e.label, "action": "update"},
            {"method": "DELETE", "path": f"{e.path}/{{id}}", "entity": e.label, "action": "delete"},
        ]
    return routes


def normalised_spec(spec: dict[str, Any], app: AppModel) -> dict[str, Any]:
    """The spec as stored with the build: the input plus slug, theme, routes and pages."""
    out = dict(spec)
    out["slug"] = app.slug
    out["theme"] = app.theme
    out["routes"] = app.routes
    out["pages"] = app.pages
    out.setdefault("relations", [])
    return out
