"""The spec schema, the offline extractor and name sanitising."""

from __future__ import annotations

import ast
import copy
import json

import pytest
from launchforge_core.pipeline import SpecError, build_model, schema_errors, spec_schema
from launchforge_core.pipeline.extractor import extract_spec
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.naming import pascal, snake
from launchforge_core.pipeline.spec import normalised_spec

IDEAS = [
    "An app to track habits and their daily check-ins",
    "A recipe box where I manage recipes and ingredients, with ratings",
    "Help freelancers send invoices to clients and track expenses by category",
    "Manage my vinyl records and the artists",
    "A simple thing for my team",
]

GOOD_SPEC = {
    "name": "Library",
    "entities": [
        {"name": "Author", "fields": [{"name": "name", "type": "string", "required": True}]},
        {
            "name": "Book",
            "fields": [
                {"name": "title", "type": "string", "required": True, "max_length": 120},
                {"name": "genre", "type": "enum", "choices": ["fiction", "science"]},
                {"name": "pages", "type": "integer", "minimum": 1, "maximum": 5000},
            ],
        },
    ],
    "relations": [{"from": "Book", "to": "Author"}],
}


def _entities(spec):
    return {e["name"]: [f["name"] for f in e["fields"]] for e in spec["entities"]}


@pytest.mark.parametrize("idea", IDEAS)
def test_extractor_is_deterministic_and_schema_valid(idea):
    first = extract_spec(idea, features=("due dates",), theme="dark")
    again = extract_spec(idea, features=("due dates",), theme="dark")
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert schema_errors(first) == []
    app = build_model(first)
    assert len(app.entities) >= 1
    assert first["theme"] == "dark"


def test_different_ideas_give_different_specs():
    specs = {json.dumps(extract_spec(idea), sort_keys=True) for idea in IDEAS}
    assert len(specs) == len(IDEAS)


def test_schema_document_is_shipped_and_valid():
    schema = spec_schema()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert schema_errors(GOOD_SPEC) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s.pop("entities"), "'entities' is a required property"),
        (lambda s: s.update(entities=[]), "entities: [] should be non-empty"),
        (
            lambda s: s["entities"][1]["fields"][0].update(type="blob"),
            "entities[1].fields[0].type: 'blob' is not one of",
        ),
        (
            lambda s: s["entities"][1]["fields"][1].pop("choices"),
            "entities[1].fields[1]: 'choices' is a required property",
        ),
        (lambda s: s["entities"][0]["fields"][0].update(minimum=3), "entities[0].fields[0]"),
        (lambda s: s.update(extra=1), "Additional properties are not allowed"),
        (lambda s: s.update(theme="neon"), "theme: 'neon' is not one of"),
    ],
)
def test_schema_rejects_bad_specs_with_located_errors(mutate, expected):
    spec = copy.deepcopy(GOOD_SPEC)
    mutate(spec)
    with pytest.raises(SpecError) as info:
        build_model(spec)
    assert any(expected in error for error in info.value.errors), info.value.errors


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda s: s["relations"].append({"from": "Book", "to": "Nobody"}),
            "relations[1].to: no entity named 'Nobody'",
        ),
        (lambda s: s["relations"].append({"from": "Author", "to": "Book"}), "makes a cycle"),
        (lambda s: s["relations"].append({"from": "Book", "to": "Book"}), "itself"),
        (
            lambda s: s["entities"][1]["fields"][2].update(minimum=10, maximum=1),
            "entities[1].fields[2].minimum: minimum 10 > maximum 1",
        ),
        (
            lambda s: s.update(pages=[{"path": "/", "title": "x", "entities": ["Ghost"]}]),
            "pages[0]: no entity named 'Ghost'",
        ),
    ],
)
def test_reference_errors_are_reported(mutate, expected):
    spec = copy.deepcopy(GOOD_SPEC)
    mutate(spec)
    with pytest.raises(SpecError) as info:
        build_model(spec)
    assert any(expected in error for error in info.value.errors), info.value.errors


@pytest.mark.parametrize(
    "hostile",
    [
        "__import__('os').system('id')",
        "x'); import os; ('",
        "class",
        "id",
        "metadata",
        "1st place",
        "Ünïcödé näme",
        '"""',
        "a\nb",
        "<script>alert(1)</script>",
        "model_dump",
        "date",
        "   ",
        "decimal",
        "sa",
        "fields",
        "field_validator",
        "mapped_column",
    ],
)
def test_names_become_safe_identifiers(hostile):
    ident, cls = snake(hostile), pascal(hostile)
    assert ident.isidentifier()
    assert ident.isascii()
    assert cls.isidentifier()
    assert cls.isascii()
    # nor any name the generated modules use where fields are defined
    assert ident not in {
        "class",
        "id",
        "metadata",
        "date",
        "model_dump",
        "decimal",
        "sa",
        "fields",
        "field_validator",
        "mapped_column",
    }


HOSTILE = "__import__('os').system('touch /tmp/pwned')"
HOSTILE_CHOICES = ["a'b", '"""', "}}{{", "{% raw %}", "\\", "');import os;('", "\n'''x"]
HOSTILE_SPEC = {
    "name": '</title><script>alert(1)</script>"""',
    "description": "'''; import os #",
    "entities": [
        {
            "name": HOSTILE,
            "description": '""" + evil',
            "display": HOSTILE,
            "fields": [
                {"name": HOSTILE, "type": "string", "required": True},
                {"name": "class", "type": "enum", "choices": HOSTILE_CHOICES},
                {"name": "id", "type": "integer"},
                {"name": "{{ cost }}", "type": "decimal", "minimum": 0},
                {"name": "at')#", "type": "time"},
                {"name": 'tel"""', "type": "phone"},
                {"name": "when\n", "type": "datetime"},
            ],
        },
        {"name": 'x"); os.system("id', "fields": [{"name": "ok", "type": "boolean"}]},
        {"name": "Link'); os.system('id", "fields": [{"name": "n", "type": "integer"}]},
    ],
    "relations": [
        {"from": 'x"); os.system("id', "to": HOSTILE, "field": "os.system('id')"},
        {"from": "Link'); os.system('id", "to": HOSTILE, "on_delete": "cascade"},
        {"from": "Link'); os.system('id", "to": 'x"); os.system("id', "on_delete": "cascade"},
    ],
    "summaries": [
        {
            "name": "'''); os.system('id') #",
            "entity": HOSTILE,
            "kind": "sum",
            "field": "{{ cost }}",
        },
        {"name": '"""', "entity": HOSTILE, "kind": "count", "group_by": "class"},
        {"name": "{{ 7*7 }}", "entity": 'x"); os.system("id', "kind": "count", "group_by": HOSTILE},
        {"name": "x\x00y", "entity": HOSTILE, "kind": "count", "period": "week"},
    ],
}
# Calls no generated module makes; a spec value that escaped its string literal would.
FORBIDDEN_CALLS = {"__import__", "system", "eval", "exec", "popen"}


def test_hostile_spec_renders_to_code_without_injection():
    spec = copy.deepcopy(HOSTILE_SPEC)
    app = build_model(spec)
    assert app.entities[2].is_link
    files = render_project(app, normalised_spec(spec, app), generator="test")
    for path, content in files.items():
        if not path.endswith(".py"):
            continue
        tree = ast.parse(content, path)  # valid Python
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                assert node.id != "__import__", path
            if isinstance(node, ast.Attribute):
                assert node.attr != "system", path
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                assert name not in FORBIDDEN_CALLS, (path, ast.unparse(node))
    html = files["app/static/index.html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    routes = ast.parse(files["app/summaries.py"])
    constants = {
        node.value
        for node in ast.walk(routes)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert {s["name"] for s in spec["summaries"]} <= constants  # names stay string literals
    assert "/api/summaries/7-7" in constants
    schemas = ast.parse(files["app/schemas.py"])
    literals = [
        [elt.value for elt in node.slice.elts]
        for node in ast.walk(schemas)
        if isinstance(node, ast.Subscript)
        and getattr(node.value, "id", "") == "Literal"
        and isinstance(node.slice, ast.Tuple)
    ]
    assert HOSTILE_CHOICES in literals  # the choices stay exactly the strings they were


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ({"type": "integer", "maximum": 2**31}, "maximum: an integer field holds"),
        ({"type": "integer", "minimum": -(2**31) - 1}, "minimum: an integer field holds"),
        ({"type": "enum", "choices": ["ok", "nul\x00"]}, "choices: a choice cannot hold a NUL"),
    ],
)
def test_fields_the_database_could_not_store_are_refused(field, expected):
    spec = {"name": "x", "entities": [{"name": "a", "fields": [{"name": "f", **field}]}]}
    with pytest.raises(SpecError) as info:
        build_model(spec)
    assert any(expected in error for error in info.value.errors), info.value.errors


def test_a_parent_named_model_gets_the_key_people_guess():
    """pydantic keeps "model_" names for itself; the app's schemas turn that off, so a
    Model's key is model_id, not model_id_value_id."""
    spec = {
        "name": "Painting log",
        "entities": [
            {"name": "Model", "fields": [{"name": "name", "type": "string", "required": True}]},
            {"name": "Painting Session", "fields": [{"name": "hours", "type": "number"}]},
        ],
        "relations": [{"from": "Painting Session", "to": "Model"}],
    }
    app = build_model(spec)
    (relation,) = [r for e in app.entities for r in e.relations]
    assert relation.ident == "model_id"
    schemas = render_project(app, spec, generator="offline")["app/schemas.py"].decode()
    ast.parse(schemas)
    assert "model_id: ForeignKey" in schemas
    assert schemas.count("protected_namespaces=()") == 3 * len(app.entities)
