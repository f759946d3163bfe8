"""How much of an idea the generated app keeps, read from its OpenAPI as the acceptance note does.

``bench_spec.py`` scores the extractor's spec; the project's acceptance criteria
judge the app, from outside, by the OpenAPI it serves. For each idea
of the chosen sets this script builds the app offline exactly as a build does
(``run_pipeline`` with the offline provider, validation off: the spec stage,
then the generate stage's templates), writes the project to a temporary
directory, asks the generated app itself for its OpenAPI (a subprocess in that
directory: ``from app.main import app; app.openapi()``) and reads it back into a
spec by the note's rules:

- entities: the component schemas with the role suffix dropped (``PetCreate``,
  ``PetRead`` -> ``Pet``) and the collection paths that accept POST
  (``/api/pets`` -> ``Pet``); a path whose POST body is an entity's schema is
  that entity, even where the names differ (``/api/session-values`` creating a
  ``SessionItemCreate``: one entity, which ``--details`` points out); FastAPI's
  own ``HTTPValidationError`` and ``ValidationError`` (in every FastAPI app)
  are not the idea's;
- fields: the union of an entity's schemas' properties, minus what the
  generator adds to every entity: ``id`` (the primary key, on Read), the
  embedded parent (``pet`` on ``VisitRead``: a read-only ``{id, label}``
  object shown in place of the foreign key) and the foreign keys themselves
  (``pet_id``, or ``attending_vet_id`` beside an embedded ``attending_vet``:
  relations, which the spec keeps apart from fields too). Any other
  ``<name>_id`` (``construct_id`` when there is no Construct) is a field.
  The generator adds no timestamps (``created_at``/``updated_at``), so none
  are dropped; a field named so in the spec stays a field;
- relations: a property ``<parent>_id`` on the child's schema whose
  ``<parent>`` is one of the entities (words compared as ``bench_spec``
  compares names). A foreign key named otherwise (``attending_vet_id`` for a
  second relation to Vet) is not a relation by the note's rule: the app
  loses it, and ``--details`` says so.

Both the build's spec and the converted app are scored with ``bench_spec``'s
``score_spec``, so a loss between spec and app shows in the table. Types,
summaries and the "added:" marks are not compared: the OpenAPI says only
"string" for email, phone, url and text, and the note judges names, not types;
a field the extractor added only so a record has a name ("added: ...") is
left out of the spec's precision but is an ordinary property in the app's.

The projects come from the offline templates only (no model-written files) and
run with an environment of their own (PATH, HOME and DATABASE_URL on a SQLite
file in the temporary directory), never this process's.

``make bench-openapi`` prints the table for holdout3-5; ``--details`` lists per
idea what the app lost or gained relative to its spec.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_spec import IdeaResult, fmt, load_set, mean, score_spec, table, words_of
from launchforge_core.pipeline import BuildInput, PipelineEvent, PipelineSettings, run_pipeline
from launchforge_core.pipeline.packaging import write_tree

HERE = Path(__file__).resolve().parent
ROLE_SUFFIXES = (
    "Create",
    "Read",
    "Update",
    "Patch",
    "Base",
    "Public",
    "Response",
    "Request",
    "Detail",
    "Out",
    "In",
)
FRAMEWORK_SCHEMAS = {"HTTPValidationError", "ValidationError"}
OPENAPI_CODE = "import json; from app.main import app; print(json.dumps(app.openapi()))"
PARTS = ("entity", "field", "relation")


# --- the OpenAPI as a spec ----------------------------------------------------------------------


def _base_name(schema_name: str) -> str:
    for suffix in ROLE_SUFFIXES:
        if schema_name.endswith(suffix) and len(schema_name) > len(suffix):
            return schema_name[: -len(suffix)]
    return schema_name


def _pascal(segment: str) -> str:
    return "".join(w.capitalize() for w in words_of(segment))


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a property (``X | None`` is ``anyOf [X, null]``)."""
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [o for o in options if o.get("type") != "null"]


def _is_parent_ref(schema: dict[str, Any]) -> bool:
    """The generator's embedded parent: a read-only object with the parent's id and label."""
    return any(
        o.get("type") == "object" and {"id", "label"} <= set(o.get("properties") or {})
        for o in _variants(schema)
    )


def _type_of(schema: dict[str, Any]) -> str:
    """The spec type the JSON schema shows (coarse: email, phone, url and text are strings)."""
    variants = _variants(schema)
    kinds = {o.get("type") for o in variants}
    if any("enum" in o for o in variants):
        return "enum"
    if kinds == {"number", "string"}:  # pydantic's Decimal on input
        return "decimal"
    if "string" in kinds:
        fmt_ = next((o.get("format") for o in variants if o.get("format")), None)
        if fmt_ in ("date", "time"):
            return str(fmt_)
        if fmt_ == "date-time":
            return "datetime"
        if any(str(o.get("pattern", "")).startswith("^-?[0-9]") for o in variants):
            return "decimal"  # the read side's money string
        return "string"
    for kind in ("integer", "number", "boolean"):
        if kind in kinds:
            return kind
    return "string"


def _collection_entities(openapi: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """Collection paths that accept POST: (path, the entity its last segment names, the
    base name of the schema its body refers to, if any). ``/api/pets`` -> ``Pet``."""
    out = []
    for path, ops in (openapi.get("paths") or {}).items():
        segments = [s for s in path.strip("/").split("/") if s]
        if "post" not in ops or not segments or segments[-1].startswith("{"):
            continue
        content = (ops["post"].get("requestBody") or {}).get("content") or {}
        ref = ((content.get("application/json") or {}).get("schema") or {}).get("$ref", "")
        body = _base_name(ref.rsplit("/", 1)[-1]) if ref else None
        out.append((path, _pascal(segments[-1]), body))
    return out


def openapi_to_spec(openapi: dict[str, Any]) -> dict[str, Any]:
    """A spec-shaped dict (entities with fields, many-to-one relations) by the note's rules."""
    schemas: dict[str, list[dict[str, Any]]] = {}
    for name, schema in ((openapi.get("components") or {}).get("schemas") or {}).items():
        if name in FRAMEWORK_SCHEMAS or name.startswith("Body_"):
            continue
        if schema.get("type", "object") != "object" or not schema.get("properties"):
            continue
        schemas.setdefault(_base_name(name), []).append(schema)
    names = list(schemas)
    notes = []
    for path, name, body in _collection_entities(openapi):
        if body in schemas:  # the path creates that schema's entity: one entity, not two
            if words_of(body) != words_of(name):
                notes.append(f"{path} creates {body}: the path names {name!r}, the schema {body!r}")
        elif not any(words_of(n) == words_of(name) for n in names):
            names.append(name)

    def entity_for(prefix: str) -> str | None:
        return next((n for n in names if words_of(n) == words_of(prefix)), None)

    entities, relations = [], []
    for name in names:
        fields: dict[str, dict[str, Any]] = {}
        parents: list[str] = []
        own = schemas.get(name, [])
        refs = {p for s in own for p, body in s["properties"].items() if _is_parent_ref(body)}
        for schema in own:
            for prop, body in schema["properties"].items():
                if prop == "id" or prop in refs:
                    continue
                parent = entity_for(prop[: -len("_id")]) if prop.endswith("_id") else None
                if parent is not None and parent != name:
                    if parent not in parents:
                        parents.append(parent)
                    continue
                if prop.endswith("_id") and prop[: -len("_id")] in refs:
                    continue  # the generator's foreign key to a parent it names otherwise
                fields.setdefault(prop, {"name": prop, "type": _type_of(body)})
        entities.append({"name": name, "fields": list(fields.values())})
        relations += [{"from": name, "to": p, "kind": "many_to_one"} for p in parents]
    return {"entities": entities, "relations": relations, "summaries": [], "notes": notes}


# --- building and reading one app ---------------------------------------------------------------


async def _build(idea: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The offline build's spec and files: every stage but validate."""

    async def ignore(_event: PipelineEvent) -> None:
        return None

    result = await run_pipeline(
        BuildInput(idea=idea),
        llm=None,
        emit=ignore,
        settings=PipelineSettings(run_validation=False),
    )
    if result.status != "succeeded" or result.spec is None:
        raise RuntimeError(f"build failed: {result.error}")
    return result.spec, result.files


def app_openapi(files: dict[str, bytes], *, timeout: float = 60) -> dict[str, Any]:
    """The OpenAPI the generated app itself serves, from a subprocess in its directory."""
    with tempfile.TemporaryDirectory(prefix="lf-openapi-") as tmp:
        root = Path(tmp)
        write_tree(files, root)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "DATABASE_URL": f"sqlite:///{root / 'app.db'}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        done = subprocess.run(
            [sys.executable, "-c", OPENAPI_CODE],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the app did not start: {done.stderr.strip()[-500:]}")
        return dict(json.loads(done.stdout))


@dataclass
class Pair:
    item: dict[str, Any]
    spec: IdeaResult
    app: IdeaResult
    spec_doc: dict[str, Any]
    app_doc: dict[str, Any]
    seconds: float


def run_idea(item: dict[str, Any]) -> Pair:
    started = time.monotonic()
    spec, files = asyncio.run(_build(item["idea"]))
    try:
        app_doc = openapi_to_spec(app_openapi(files))
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        print(f"{item['id']}: {exc}", file=sys.stderr)
        app_doc = {"entities": [], "relations": [], "summaries": []}
    return Pair(
        item,
        score_spec(item, spec),
        score_spec(item, app_doc),
        spec,
        app_doc,
        time.monotonic() - started,
    )


# --- what the app lost or gained ----------------------------------------------------------------

_JUDGED = re.compile(r"^(entity|field|relation) (missed|invented): ")


def _key(text: str) -> tuple[str, ...]:
    return tuple(words_of(text))


def _renames(lost: set[Any], gained: set[Any], words: Any) -> dict[Any, Any]:
    """Lost name -> gained name where one's words hold the other's (``Session`` ->
    ``SessionItem``, ``date`` -> ``date_value_2``): a rename, which the loose matcher may
    still forgive."""
    out: dict[Any, Any] = {}
    for old in sorted(lost):
        for new in sorted(gained - set(out.values())):
            a, b = set(words(old)), set(words(new))
            if a <= b or b <= a:
                out[old] = new
                break
    return out


def differences(pair: Pair) -> list[str]:
    """What the app lost, gained or renamed relative to its spec, then where it scores otherwise."""
    out: list[str] = []
    spec_ents = {e["name"] for e in pair.spec_doc["entities"]}
    app_ents = {e["name"] for e in pair.app_doc["entities"]}
    by_key = {_key(n): n for n in app_ents}
    same = {n: by_key[_key(n)] for n in spec_ents if _key(n) in by_key}
    lost = spec_ents - set(same)
    gained = app_ents - set(same.values())
    renamed = _renames(lost, gained, _key)
    to_app = same | renamed
    out += [f"entity renamed: {a} -> {b}" for a, b in renamed.items()]
    out += [f"entity lost: {n}" for n in sorted(lost - set(renamed))]
    out += [f"entity gained: {n}" for n in sorted(gained - set(renamed.values()))]
    app_fields = {e["name"]: [f["name"] for f in e["fields"]] for e in pair.app_doc["entities"]}
    for entity in pair.spec_doc["entities"]:
        theirs = app_fields.get(to_app.get(entity["name"], ""), [])
        mine = [f["name"] for f in entity["fields"]]
        f_lost = {f for f in mine if not any(_key(f) == _key(g) for g in theirs)}
        f_gained = {g for g in theirs if not any(_key(f) == _key(g) for f in mine)}
        f_renamed = _renames(f_lost, f_gained, _key)
        name = entity["name"]
        out += [f"field renamed: {name}.{a} -> {b}" for a, b in f_renamed.items()]
        out += [f"field lost: {name}.{f}" for f in sorted(f_lost - set(f_renamed))]
        out += [f"field gained: {name}.{g}" for g in sorted(f_gained - set(f_renamed.values()))]
    spec_rels = {(to_app.get(r["from"]), to_app.get(r["to"])) for r in pair.spec_doc["relations"]}
    app_rels = {(r["from"], r["to"]) for r in pair.app_doc["relations"]}
    out += [f"relation lost: {c} -> {p}" for c, p in sorted(spec_rels - app_rels, key=str)]
    out += [f"relation gained: {c} -> {p}" for c, p in sorted(app_rels - spec_rels, key=str)]
    out += [f"names differ: {note}" for note in pair.app_doc.get("notes", [])]
    spec_misses = {m for m in pair.spec.misses if _JUDGED.match(m)}
    app_misses = [m for m in pair.app.misses if _JUDGED.match(m)]
    gold_side = {m for m in app_misses if " missed: " in m}
    out += [f"score: the app {m}" for m in sorted(gold_side - spec_misses)]
    out += [f"score: the app finds ({m})" for m in sorted(spec_misses - gold_side) if "missed" in m]
    to_spec: dict[tuple[str, ...], str] = {_key(b): a for a, b in to_app.items()}

    def spec_key(text: str) -> tuple[str, ...]:  # an app name, in its spec's words
        names = re.split(r"( -> |\.)", text)
        return tuple(w for n in names for w in _key(to_spec.get(_key(n), n)))

    spec_invented = {spec_key(m.split(": ", 1)[1]) for m in spec_misses if " invented: " in m}
    out += [
        f"score: the app {m}"
        for m in app_misses
        if " invented: " in m and spec_key(m.split(": ", 1)[1]) not in spec_invented
    ]
    return out


# --- the table ----------------------------------------------------------------------------------


def _counts(result: IdeaResult) -> list[tuple[int, int, int]]:
    return [(result.scores[p].hits, result.scores[p].gold, result.scores[p].pred) for p in PARTS]


def print_table(name: str, pairs: list[Pair]) -> None:
    spec_rows = table([p.spec for p in pairs])
    app_rows = table([p.app for p in pairs])
    print(f"\n{name}")
    head = (
        "| ideas | style | level | entity R / P | field R / P | relation R / P "
        "| recall lost (e / f / r) |"
    )
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for style, srow in spec_rows.items():
        arow = app_rows[style]
        for level, row in (("spec", srow), ("app", arow)):
            lost = ""
            if level == "app":
                lost = " / ".join(
                    f"{round((srow[f'{p}_recall'] or 0) - (arow[f'{p}_recall'] or 0), 2) + 0.0:.2f}"
                    for p in PARTS
                )
            print(
                f"| {int(row['ideas'] or 0)} | {style} | {level} "
                + "".join(
                    f"| {fmt(row[f'{p}_recall'])} / {fmt(row[f'{p}_precision'])} " for p in PARTS
                )
                + f"| {lost} |"
            )
    differ = [p.item["id"] for p in pairs if differences(p)]
    scored = [p.item["id"] for p in pairs if _counts(p.spec) != _counts(p.app)]
    seconds = [p.seconds for p in pairs]
    print(
        f"\nideas whose app differs from its spec: {len(differ)} of {len(pairs)} by name, "
        f"{len(scored)} in score"
        + (f" ({', '.join(scored)})" if scored else "")
        + f"; {sum(seconds):.1f} s, {mean(list(seconds)) or 0:.2f} s per idea (build + OpenAPI)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", default=["holdout3", "holdout4", "holdout5", "holdout6"])
    parser.add_argument(
        "--details", action="store_true", help="per idea, what the app lost or gained vs its spec"
    )
    args = parser.parse_args()
    for name in args.sets:
        items = load_set(HERE / f"{name}.yaml")
        pairs = [run_idea(item) for item in items]
        print_table(f"{name} ({HERE.name}/{name}.yaml)", pairs)
        if args.details:
            for pair in pairs:
                diff = differences(pair)
                if diff:
                    print(f"\n[{pair.item['style']}] {pair.item['id']}")
                    for line in diff:
                        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
