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

from launchforge_core.pipeline.naming import (
    api_key,
    dedupe,
    pascal,
    plain_words,
    plural_name,
    schema_pascal,
    slugify,
    snake,
)

FIELD_TYPES = (
    "string",
    "text",
    "integer",
    "number",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "time",
    "email",
    "url",
    "phone",
    "enum",
)
NUMERIC_TYPES = ("integer", "number", "decimal")
TEXT_TYPES = ("string", "text")
# The text-like types: what a list's ``q`` searches (and where NUL is refused).
SEARCHED_TYPES = ("string", "text", "email", "url", "phone")
DATE_TYPES = ("date", "datetime")
SUMMARY_KINDS = ("count", "sum", "average", "minimum", "maximum", "percent", "streak")
# Field names that make a good record name, in order of preference.
DISPLAY_NAMES = ("name", "title", "label", "full_name", "username", "code", "subject", "summary")
DEFAULT_STRING_MAX = 200
DEFAULT_TEXT_MAX = 5000
# Integer fields are int4 columns on PostgreSQL.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class SpecProblem:
    """One reason a spec is invalid: where (``entities[1].fields[0].type``) and what."""

    loc: str
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}"


class SpecError(ValueError):
    """A spec failed validation; ``problems`` (and ``errors``, as text) say what and where."""

    def __init__(self, problems: list[SpecProblem] | list[str]) -> None:
        self.problems = [
            p if isinstance(p, SpecProblem) else SpecProblem(*_split(p)) for p in problems
        ]
        self.errors = [str(p) for p in self.problems]
        super().__init__("; ".join(self.errors[:10]))


def _split(text: str) -> tuple[str, str]:
    loc, sep, message = text.partition(": ")
    return (loc, message) if sep else ("(spec)", text)


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


def schema_problems(spec: Any) -> list[SpecProblem]:
    """JSON Schema violations, each with its location (``entities[0].fields[1].type``)."""
    errors = sorted(_validator().iter_errors(spec), key=lambda e: list(map(str, e.path)))
    return [SpecProblem(_where(e.path), e.message[:300]) for e in errors[:50]]


def schema_errors(spec: Any) -> list[str]:
    """JSON Schema violations as ``"entities[0].fields[1].type: 'foo' is not one of ..."``."""
    return [str(p) for p in schema_problems(spec)]


# --- the normalised model -----------------------------------------------------------------


@dataclass
class FieldModel:
    """A field: ``ident`` is its attribute in the generated Python (always safe: ``date``
    is ``date_value`` there), ``key`` its name in the API, the page and the tests
    (``date``: the name the person used wherever it can be)."""

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
    key: str = ""  # set by build_model once every field of the entity has its ident


@dataclass
class RelationModel:
    """A many-to-one reference: the child's ``ident`` column points at ``parent``."""

    ident: str  # the foreign-key column and key, e.g. owner_id
    name: str  # the parent as embedded in the child's read, e.g. owner -> {"id", "label"}
    parent: EntityModel
    required: bool
    on_delete: str = "restrict"  # restrict (409 while children exist) | cascade
    name_key: str = ""  # ``name`` in the API: "class" where the attribute is class_value


@dataclass
class EntityModel:
    label: str
    class_name: str  # the ORM class (SessionItem when the name is reserved)
    schema_name: str  # its API schemas' stem (SessionRead): what a client reads
    snake: str
    plural: str
    table: str
    path: str
    description: str
    fields: list[FieldModel]
    relations: list[RelationModel] = field(default_factory=list)
    children: list[tuple[EntityModel, RelationModel]] = field(default_factory=list)
    display: FieldModel | None = None  # shown as the record's name; None: "#<id>"

    @property
    def required_fields(self) -> list[FieldModel]:
        return [f for f in self.fields if f.required]

    @property
    def is_link(self) -> bool:
        """A link entity (many-to-many): two or more parents and no text of its own."""
        return len(self.relations) >= 2 and not any(f.type in TEXT_TYPES for f in self.fields)


@dataclass
class SummaryModel:
    """A read-only aggregate over one entity, served at ``path``."""

    title: str
    slug: str
    path: str
    entity: EntityModel
    kind: str  # one of SUMMARY_KINDS
    field: FieldModel | None = None  # the measured field (not for count)
    group_field: FieldModel | None = None
    group_relation: RelationModel | None = None
    period: str | None = None
    date_field: FieldModel | None = None


@dataclass
class AppModel:
    name: str
    slug: str
    description: str
    theme: str
    entities: list[EntityModel]
    pages: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    summaries: list[SummaryModel] = field(default_factory=list)

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


def _field_model(
    raw: dict[str, Any], ident: str, where: str, problems: list[SpecProblem]
) -> FieldModel:
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
    if ftype in TEXT_TYPES:
        fm.min_length = raw.get("min_length")
        default_max = DEFAULT_STRING_MAX if ftype == "string" else DEFAULT_TEXT_MAX
        fm.max_length = raw.get("max_length", default_max)
        if fm.min_length is not None and fm.min_length > fm.max_length:
            problems.append(
                SpecProblem(
                    f"{where}.min_length",
                    f"min_length {fm.min_length} > max_length {fm.max_length}",
                )
            )
        if unique and fm.max_length < 8:
            problems.append(
                SpecProblem(f"{where}.max_length", "a unique text field needs max_length >= 8")
            )
    elif ftype in NUMERIC_TYPES:
        fm.minimum, fm.maximum = _num(raw.get("minimum")), _num(raw.get("maximum"))
        if ftype == "integer":
            for attr in ("minimum", "maximum"):
                value = getattr(fm, attr)
                if value is not None and not float(value).is_integer():
                    problems.append(
                        SpecProblem(f"{where}.{attr}", f"{attr} of an integer field must be whole")
                    )
                elif value is not None and not INT32_MIN <= value <= INT32_MAX:
                    problems.append(
                        SpecProblem(
                            f"{where}.{attr}",
                            f"an integer field holds -{2**31} to {INT32_MAX}; "
                            "use a number or decimal field for larger values",
                        )
                    )
        if fm.minimum is not None and fm.maximum is not None:
            if fm.minimum > fm.maximum:
                problems.append(
                    SpecProblem(f"{where}.minimum", f"minimum {fm.minimum} > maximum {fm.maximum}")
                )
            elif unique and fm.maximum - fm.minimum < 100:
                problems.append(
                    SpecProblem(
                        f"{where}.maximum", "a unique number field needs a range of at least 100"
                    )
                )
    elif ftype == "enum":
        fm.choices = list(raw["choices"])
        if any("\x00" in choice for choice in fm.choices):
            # PostgreSQL cannot store NUL in text: such a choice could never be saved.
            problems.append(SpecProblem(f"{where}.choices", "a choice cannot hold a NUL character"))
    return fm


def _default_display(fields: list[FieldModel]) -> FieldModel | None:
    texts = [f for f in fields if f.type == "string"]
    for name in DISPLAY_NAMES:
        for f in texts:
            if f.key == name:
                return f
    for f in texts:
        if f.required:
            return f
    if texts:
        return texts[0]
    for f in fields:
        if f.type in ("email", "text", "phone", "url", "enum", "date", "datetime"):
            return f
    return None


def _find_field(entity: EntityModel, name: str) -> FieldModel | None:
    for f in entity.fields:
        if name in (f.label, f.ident, f.key):
            return f
    ident = snake(name)
    return next((f for f in entity.fields if f.ident == ident), None)


def build_model(
    spec: dict[str, Any], *, theme: str | None = None, max_entities: int = 20, max_fields: int = 40
) -> AppModel:
    """Validate ``spec`` (schema, then references) and return the normalised model.

    Raises :class:`SpecError` listing every problem found, each with its location.
    """
    problems = schema_problems(spec)
    if problems:
        raise SpecError(problems)
    if len(spec["entities"]) > max_entities:
        raise SpecError([SpecProblem("entities", f"at most {max_entities} entities are allowed")])

    taken_entities: set[str] = set()
    taken_classes: set[str] = set()
    taken_schemas: set[str] = set()
    taken_tables: set[str] = set()
    entities: list[EntityModel] = []
    by_name: dict[str, EntityModel] = {}
    raw_entities: list[dict[str, Any]] = []
    for i, raw in enumerate(spec["entities"]):
        if len(raw["fields"]) > max_fields:
            problems.append(
                SpecProblem(f"entities[{i}].fields", f"at most {max_fields} fields are allowed")
            )
            continue
        ent_snake = dedupe(snake(raw["name"], fallback="item"), taken_entities)
        class_name = dedupe(pascal(raw["name"]), taken_classes)
        schema_name = dedupe(schema_pascal(raw["name"]), taken_schemas)
        taken_fields: set[str] = set()
        fields = [
            _field_model(
                f,
                dedupe(snake(f["name"]), taken_fields),
                f"entities[{i}].fields[{j}]",
                problems,
            )
            for j, f in enumerate(raw["fields"])
        ]
        keys = {"id"}
        for f in fields:
            f.key = api_key(f.label, f.ident, keys | (taken_fields - {f.ident}))
            keys.add(f.key)
        table = dedupe(plural_name(raw["name"], fallback=ent_snake), taken_tables)
        entity = EntityModel(
            label=raw["name"],
            class_name=class_name,
            schema_name=schema_name,
            snake=ent_snake,
            plural=table,
            table=table,
            path="/api/" + table.replace("_", "-"),
            description=raw.get("description", ""),
            fields=fields,
        )
        if "display" in raw:
            entity.display = _find_field(entity, raw["display"])
            if entity.display is None:
                problems.append(
                    SpecProblem(f"entities[{i}].display", f"no field named {raw['display']!r}")
                )
            elif entity.display.type in ("boolean", *NUMERIC_TYPES):
                problems.append(
                    SpecProblem(f"entities[{i}].display", "the display field must hold text")
                )
        else:
            entity.display = _default_display(fields)
        entities.append(entity)
        raw_entities.append(raw)
        by_name.setdefault(raw["name"], entity)
        by_name.setdefault(ent_snake, entity)
        by_name.setdefault(class_name, entity)

    def lookup(name: str) -> EntityModel | None:
        return by_name.get(name) or by_name.get(snake(name)) or by_name.get(pascal(name))

    for i, rel in enumerate(spec.get("relations", [])):
        child, parent = lookup(rel["from"]), lookup(rel["to"])
        if child is None:
            problems.append(SpecProblem(f"relations[{i}].from", f"no entity named {rel['from']!r}"))
        if parent is None:
            problems.append(SpecProblem(f"relations[{i}].to", f"no entity named {rel['to']!r}"))
        if child is None or parent is None:
            continue
        if child is parent:
            problems.append(SpecProblem(f"relations[{i}]", "an entity cannot relate to itself"))
            continue
        if _reaches(parent, child):
            problems.append(
                SpecProblem(f"relations[{i}]", f"{rel['from']!r} -> {rel['to']!r} makes a cycle")
            )
            continue
        taken = (
            {f.ident for f in child.fields}
            | {f.key for f in child.fields}
            | {r.ident for r in child.relations}
            | {r.name for r in child.relations}
            | {r.name_key for r in child.relations}
        )
        # A reserved parent name is safe again with "_id" after it: "class_id", not
        # "class_value_id" (the key people and clients read as "<parent>_id").
        plain = plain_words(parent.label)
        key = plain if parent.snake == f"{plain}_value" else parent.snake
        wanted = f"{key}_id"
        base = snake(rel.get("field") or wanted)
        if not rel.get("field") and base == f"{wanted}_value":
            # "model_id" for a Model: pydantic's "model_" namespace is turned off in the
            # app's schemas, and "model_id_value_id" is no key anyone would guess
            base = wanted
        if not base.endswith("_id"):
            base = f"{base}_id"
        ident = dedupe(base, taken)
        name = dedupe(snake(ident[: -len("_id")], fallback=parent.snake), taken)
        relation = RelationModel(
            ident=ident,
            name=name,
            parent=parent,
            required=bool(rel.get("required", True)),
            on_delete=rel.get("on_delete", "restrict"),
            name_key=api_key(ident[: -len("_id")], name, taken | {"id"}),
        )
        child.relations.append(relation)
        parent.children.append((child, relation))

    for i, entity in enumerate(entities):
        if not entity.fields and not entity.relations:
            problems.append(
                SpecProblem(f"entities[{i}].fields", "an entity needs a field or a relation")
            )

    known = {e.label for e in entities} | {e.snake for e in entities}
    for key in ("routes", "pages"):
        for i, item in enumerate(spec.get(key, [])):
            names = [item["entity"]] if "entity" in item else item.get("entities", [])
            for name in names:
                if name not in known and lookup(name) is None:
                    problems.append(SpecProblem(f"{key}[{i}]", f"no entity named {name!r}"))

    summaries = _summaries(spec.get("summaries", []), lookup, problems)
    if problems:
        raise SpecError(problems)

    return AppModel(
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
        summaries=summaries,
    )


def _summaries(
    raws: list[dict[str, Any]],
    lookup: Any,
    problems: list[SpecProblem],
) -> list[SummaryModel]:
    """The summaries of the spec, each checked against its entity's fields and relations."""
    out: list[SummaryModel] = []
    taken: set[str] = set()
    for i, raw in enumerate(raws):
        where = f"summaries[{i}]"
        entity = lookup(raw["entity"])
        if entity is None:
            problems.append(SpecProblem(f"{where}.entity", f"no entity named {raw['entity']!r}"))
            continue
        kind = raw["kind"]
        slug = dedupe(slugify(raw["name"], fallback="summary"), taken)
        summary = SummaryModel(
            title=raw["name"],
            slug=slug,
            path=f"/api/summaries/{slug}",
            entity=entity,
            kind=kind,
            period=raw.get("period"),
        )
        wanted = {
            "sum": NUMERIC_TYPES,
            "average": NUMERIC_TYPES,
            "minimum": NUMERIC_TYPES,
            "maximum": NUMERIC_TYPES,
            "percent": ("boolean",),
            "streak": DATE_TYPES,
        }.get(kind)
        if "field" in raw:
            summary.field = _find_field(entity, raw["field"])
            if summary.field is None:
                problems.append(
                    SpecProblem(
                        f"{where}.field", f"{entity.label} has no field named {raw['field']!r}"
                    )
                )
                continue
        if wanted is not None:
            if summary.field is None:
                candidates = [f for f in entity.fields if f.type in wanted]
                if kind == "streak" and candidates:
                    summary.field = candidates[0]
                else:
                    problems.append(
                        SpecProblem(f"{where}.field", f"a {kind} summary needs a field")
                    )
                    continue
            if summary.field.type not in wanted:
                problems.append(
                    SpecProblem(
                        f"{where}.field",
                        f"a {kind} summary needs a {' or '.join(wanted)} field, "
                        f"{summary.field.key} is {summary.field.type}",
                    )
                )
                continue
        elif summary.field is not None:
            problems.append(SpecProblem(f"{where}.field", "a count summary takes no field"))
            continue
        if "group_by" in raw:
            name = raw["group_by"]
            summary.group_field = _find_field(entity, name)
            if summary.group_field is None:
                parent = lookup(name)
                summary.group_relation = next(
                    (
                        r
                        for r in entity.relations
                        if r.parent is parent or name in (r.ident, r.name, r.name_key)
                    ),
                    None,
                )
            if summary.group_field is None and summary.group_relation is None:
                problems.append(
                    SpecProblem(
                        f"{where}.group_by",
                        f"{entity.label} has no field or parent named {name!r}",
                    )
                )
                continue
            if summary.group_field is not None and summary.group_field.type == "text":
                problems.append(SpecProblem(f"{where}.group_by", "cannot group by a long text"))
                continue
        if summary.period is not None:
            if kind == "streak":
                problems.append(
                    SpecProblem(f"{where}.period", "a streak counts days; it takes no period")
                )
                continue
            if "date_field" in raw:
                summary.date_field = _find_field(entity, raw["date_field"])
            else:
                summary.date_field = next((f for f in entity.fields if f.type in DATE_TYPES), None)
            if summary.date_field is None or summary.date_field.type not in DATE_TYPES:
                problems.append(
                    SpecProblem(
                        f"{where}.date_field",
                        f"grouping by {summary.period} needs a date or datetime field",
                    )
                )
                continue
        elif "date_field" in raw:
            problems.append(SpecProblem(f"{where}.date_field", "date_field goes with a period"))
            continue
        out.append(summary)
    return out


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
    out.setdefault("summaries", [])
    return out
