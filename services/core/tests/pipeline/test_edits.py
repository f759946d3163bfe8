"""The change grammar (phrasings, references kept in step, clear errors) and the spec diff."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from launchforge_core.pipeline.edits import EditError, edit_spec
from launchforge_core.pipeline.spec import build_model
from launchforge_core.pipeline.specdiff import diff_specs

BASE: dict[str, Any] = {
    "name": "Work",
    "entities": [
        {
            "name": "Task",
            "fields": [
                {"name": "title", "type": "string", "required": True, "max_length": 200},
                {"name": "status", "type": "enum", "choices": ["open", "done"]},
                {"name": "notes", "type": "text"},
                {"name": "price", "type": "decimal", "minimum": 0},
            ],
        },
        {
            "name": "Customer",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "email", "type": "email"},
                {"name": "phone", "type": "phone"},
                {"name": "age", "type": "integer"},
            ],
        },
        {
            "name": "Note",
            "fields": [{"name": "body", "type": "text"}, {"name": "phone", "type": "phone"}],
        },
    ],
    "relations": [{"from": "Task", "to": "Customer"}, {"from": "Note", "to": "Customer"}],
    "summaries": [
        {"name": "Tasks per customer", "entity": "Task", "kind": "count", "group_by": "Customer"}
    ],
}


def entity(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in spec["entities"] if e["name"] == name)


def field(spec: dict[str, Any], ent: str, name: str) -> dict[str, Any] | None:
    return next((f for f in entity(spec, ent)["fields"] if f["name"] == name), None)


@pytest.mark.parametrize(
    "request_text",
    [
        "add a priority to tasks",
        "Add a priority to Tasks.",
        "please add a priority to each task",
        "add priority to the task entity",
        "give tasks a priority",
        "tasks have a priority",
        "each task has a priority",
    ],
)
def test_add_a_field_many_phrasings(request_text: str) -> None:
    result = edit_spec(BASE, request_text)
    priority = field(result.spec, "Task", "priority")
    assert priority is not None
    assert priority["type"] == "enum"  # the extractor's rule: priority -> low/medium/high
    assert priority["choices"] == ["low", "medium", "high"]
    assert [e.op for e in result.edits] == ["add_field"]
    build_model(result.spec)


def test_several_fields_types_from_the_extractors_rules() -> None:
    result = edit_spec(BASE, "add a due date, a paid flag and an estimate (hours) to tasks")
    assert field(result.spec, "Task", "due_date")["type"] == "date"  # type: ignore[index]
    assert field(result.spec, "Task", "paid")["type"] == "boolean"  # type: ignore[index]
    assert field(result.spec, "Task", "estimate_hours")["type"] == "number"  # type: ignore[index]


def test_field_with_choices_and_required() -> None:
    result = edit_spec(BASE, "give customers a tier of gold, silver or bronze")
    tier = field(result.spec, "Customer", "tier")
    assert tier == {
        "name": "tier",
        "type": "enum",
        "required": False,
        "choices": ["gold", "silver", "bronze"],
    }
    result = edit_spec(BASE, "add a required website to customers")
    assert field(result.spec, "Customer", "website") == {
        "name": "website",
        "type": "url",
        "required": True,
    }


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("add a field called effort to tasks", {"name": "effort", "type": "string"}),
        ("add a boolean done to tasks", {"name": "done", "type": "boolean"}),
        ("add an integer effort to tasks", {"name": "effort", "type": "integer", "minimum": 0}),
        (
            "add a rating (1-5) to tasks",
            {"name": "rating", "type": "integer", "minimum": 1, "maximum": 5},
        ),
        (
            "add a score from 0 to 100 to tasks",
            {"name": "score", "type": "integer", "minimum": 0, "maximum": 100},
        ),
        ('Add a "website" field to tasks.', {"name": "website", "type": "url"}),
        ("add a cost in euros to tasks", {"name": "cost", "type": "decimal", "minimum": 0}),
    ],
)
def test_field_cues(request_text: str, expected: dict[str, Any]) -> None:
    result = edit_spec(BASE, request_text)
    made = field(result.spec, "Task", expected["name"])
    assert made is not None, result.edits
    assert {k: made.get(k) for k in expected} == expected


def test_the_input_spec_is_not_changed() -> None:
    before = copy.deepcopy(BASE)
    edit_spec(BASE, "rename Customer to Client and remove the notes field")
    assert before == BASE


def test_remove_field_only_owner_or_named_entity() -> None:
    result = edit_spec(BASE, "remove the email field")
    assert field(result.spec, "Customer", "email") is None
    with pytest.raises(EditError) as info:
        edit_spec(BASE, "remove the phone field")
    assert "Customer, Note" in info.value.failed[0]["reason"]
    result = edit_spec(BASE, "remove the phone field from customers")
    assert field(result.spec, "Customer", "phone") is None
    assert field(result.spec, "Note", "phone") is not None


def test_rename_entity_renames_relations_and_summaries() -> None:
    result = edit_spec(BASE, "rename Customer to Client")
    names = [e["name"] for e in result.spec["entities"]]
    assert names == ["Task", "Client", "Note"]
    assert {"from": "Task", "to": "Client"} in [
        {"from": r["from"], "to": r["to"]} for r in result.spec["relations"]
    ]
    assert result.spec["summaries"][0]["group_by"] == "Client"
    assert all(r["entity"] != "Customer" for r in result.spec["routes"])
    assert result.renames() == {"entities": {"Customer": "Client"}, "fields": {}}


def test_a_name_that_is_an_entity_and_a_field() -> None:
    spec = copy.deepcopy(BASE)
    entity(spec, "Customer")["fields"].append({"name": "note", "type": "string"})
    for text in ["rename note to memo", "remove note"]:
        with pytest.raises(EditError, match="both an entity and a field of Task, Customer"):
            edit_spec(spec, text)
    renamed = edit_spec(spec, "rename Note to Memo")  # a capitalised name: the entity
    assert [e.op for e in renamed.edits] == ["rename_entity"]
    field_renamed = edit_spec(spec, "rename the note field to memo in customers")
    assert field(field_renamed.spec, "Customer", "memo") is not None
    removed = edit_spec(spec, "remove the Note entity")
    assert "Note" not in [e["name"] for e in removed.spec["entities"]]


def test_rename_field_in_entity_and_keeps_display() -> None:
    spec = copy.deepcopy(BASE)
    entity(spec, "Task")["display"] = "title"
    result = edit_spec(spec, "rename title to name in tasks")
    assert field(result.spec, "Task", "name") is not None
    assert entity(result.spec, "Task")["display"] == "name"
    result = edit_spec(spec, "rename the task title to headline")
    assert field(result.spec, "Task", "headline") is not None


@pytest.mark.parametrize(
    ("request_text", "required"),
    [
        ("make email required", True),
        ("email should be required", True),
        ("make email on customers mandatory", True),
        ("make title optional", False),
        ("title is not required", False),
    ],
)
def test_required(request_text: str, required: bool) -> None:
    result = edit_spec(BASE, request_text)
    (edit,) = result.edits
    assert edit.op == "set_required"
    assert field(result.spec, edit.entity or "", edit.field or "")["required"] is required  # type: ignore[index]


@pytest.mark.parametrize(
    ("request_text", "ent", "name", "kind"),
    [
        ("change price to an integer", "Task", "price", "integer"),
        ("make age a number", "Customer", "age", "number"),
        ("convert age into a decimal", "Customer", "age", "decimal"),
        ("change the type of notes to string", "Task", "notes", "string"),
        ("change status to text", "Task", "status", "text"),
    ],
)
def test_change_type(request_text: str, ent: str, name: str, kind: str) -> None:
    result = edit_spec(BASE, request_text)
    changed = field(result.spec, ent, name)
    assert changed is not None
    assert changed["type"] == kind
    assert "choices" not in changed
    build_model(result.spec)


def test_change_to_enum_needs_choices() -> None:
    with pytest.raises(EditError) as info:
        edit_spec(BASE, "change notes to a choice")
    assert "choices" in info.value.failed[0]["reason"]
    result = edit_spec(BASE, "change notes to a choice of short, long")
    assert field(result.spec, "Task", "notes")["choices"] == ["short", "long"]  # type: ignore[index]


def test_add_and_remove_entities() -> None:
    result = edit_spec(BASE, "add a Tag entity with name and color")
    tag = entity(result.spec, "Tag")
    assert [f["name"] for f in tag["fields"]] == ["name", "color"]
    assert tag["fields"][0]["required"] is True
    result = edit_spec(BASE, "remove the Customer entity")
    assert [e["name"] for e in result.spec["entities"]] == ["Task", "Note"]
    assert result.spec["relations"] == []
    assert result.spec["summaries"] == []  # it grouped by Customer
    assert {e.op for e in result.edits} == {"remove_entity", "remove_relation", "remove_summary"}


def test_relations() -> None:
    result = edit_spec(BASE, "tasks belong to a project")
    assert entity(result.spec, "Project")["fields"][0]["name"] == "name"
    assert {"from": "Task", "to": "Project", "kind": "many_to_one", "required": False} in (
        result.spec["relations"]
    )
    result = edit_spec(BASE, "each customer has tags")
    assert any(r["from"] == "Tag" and r["to"] == "Customer" for r in result.spec["relations"])
    result = edit_spec(BASE, "each note has a task")
    assert any(r["from"] == "Note" and r["to"] == "Task" for r in result.spec["relations"])


def test_recipe_tags_from_an_extracted_spec() -> None:
    from launchforge_core.pipeline.extractor import extract_spec

    spec = extract_spec("A recipe box: recipes with a title, servings and instructions")
    result = edit_spec(spec, "each recipe has tags")
    assert any(r["from"] == "Tag" and r["to"] == "Recipe" for r in result.spec["relations"])


def test_summary_sum_and_average() -> None:
    spec = copy.deepcopy(BASE)
    result = edit_spec(spec, "add the total price per customer")
    added = result.spec["summaries"][-1]
    assert (added["kind"], added["entity"], added["field"]) == ("sum", "Task", "price")
    assert added["group_by"] == "Customer"
    with pytest.raises(EditError, match="reads as a summary"):
        edit_spec(spec, "add the average flavour per customer")


def test_summary() -> None:
    result = edit_spec(BASE, "add a count of tasks by status")
    added = result.spec["summaries"][-1]
    assert added["kind"] == "count"
    assert added["entity"] == "Task"
    assert added["group_by"] == "status"
    build_model(result.spec)


def test_several_edits_lines_and_sentences() -> None:
    result = edit_spec(
        BASE,
        "Add a priority to tasks and remove the email field.\nRename Customer to Client. "
        "Make age optional",
    )
    assert [e.op for e in result.edits] == [
        "add_field",
        "remove_field",
        "rename_entity",
        "set_required",
    ]
    assert field(result.spec, "Client", "age")["required"] is False  # type: ignore[index]


def test_unknown_entity_names_what_was_understood() -> None:
    with pytest.raises(EditError) as info:
        edit_spec(BASE, "add a priority to tasks and remove the flavour field")
    err = info.value
    assert [e.op for e in err.understood] == ["add_field"]
    assert err.failed[0]["text"] == "remove the flavour field"
    assert "flavour" in err.failed[0]["reason"]
    assert "Understood: add field priority" in err.message


@pytest.mark.parametrize("text", ["", "hello there", "make it pop", "add a priority to widgets"])
def test_nothing_understood_is_an_error(text: str) -> None:
    with pytest.raises(EditError) as info:
        edit_spec(BASE, text)
    assert info.value.understood == []
    assert info.value.failed


def test_already_there_and_invalid_results_are_errors() -> None:
    with pytest.raises(EditError, match="already has a field named 'email'"):
        edit_spec(BASE, "add an email to customers")
    with pytest.raises(EditError, match="already an entity named Task"):
        edit_spec(BASE, "rename Customer to Task")
    with pytest.raises(EditError, match="invalid"):
        edit_spec(BASE, "customers belong to a task")  # a cycle


def test_deterministic() -> None:
    text = "add a due date to tasks and each customer has tags"
    assert edit_spec(BASE, text).spec == edit_spec(BASE, text).spec


# --- the spec diff ----------------------------------------------------------------------


def test_diff_same_spec_is_empty() -> None:
    diff = diff_specs(BASE, BASE)
    assert diff["empty"] is True
    assert diff["entities"]["changed"] == []


def test_diff_added_field_and_changed_type() -> None:
    result = edit_spec(BASE, "add a priority to tasks and change age to a number")
    diff = diff_specs(BASE, result.spec, result.renames())
    assert diff["empty"] is False
    changed = {c["name"]: c["fields"] for c in diff["entities"]["changed"]}
    assert changed["Task"]["added"] == [{"name": "priority", "type": "enum"}]
    assert changed["Customer"]["changed"][0]["name"] == "age"
    assert changed["Customer"]["changed"][0]["before"]["type"] == "integer"
    assert changed["Customer"]["changed"][0]["after"]["type"] == "number"


def test_diff_renames_with_and_without_the_edits() -> None:
    result = edit_spec(BASE, "rename Customer to Client and rename title to name in tasks")
    diff = diff_specs(BASE, result.spec, result.renames())
    assert diff["entities"]["renamed"] == [{"from": "Customer", "to": "Client"}]
    assert diff["entities"]["added"] == []
    assert diff["entities"]["removed"] == []
    task = next(c for c in diff["entities"]["changed"] if c["name"] == "Task")
    assert task["fields"]["renamed"] == [{"from": "title", "to": "name"}]
    assert diff["relations"] == {"added": [], "removed": []}  # the renamed ends match
    plain = diff_specs(BASE, result.spec)
    assert plain["entities"]["removed"] == [{"name": "Customer"}]
    assert plain["entities"]["added"][0]["name"] == "Client"


def test_diff_removed_entity_relation_and_summary() -> None:
    result = edit_spec(BASE, "remove the Customer entity")
    diff = diff_specs(BASE, result.spec, result.renames())
    assert diff["entities"]["removed"] == [{"name": "Customer"}]
    assert {"from": "Task", "to": "Customer"} in diff["relations"]["removed"]
    assert diff["summaries"]["removed"][0]["name"] == "Tasks per customer"


def test_diff_added_relation_and_summary() -> None:
    result = edit_spec(BASE, "tasks belong to a project. Add a count of tasks by status")
    diff = diff_specs(BASE, result.spec, result.renames())
    assert diff["entities"]["added"][0]["name"] == "Project"
    assert diff["relations"]["added"] == [{"from": "Task", "to": "Project"}]
    assert diff["summaries"]["added"][0]["kind"] == "count"


# --- any words: an edit or an EditError, never a crash; an edit always validates ------------

WORDS = [
    "add",
    "remove",
    "rename",
    "make",
    "change",
    "to",
    "from",
    "in",
    "of",
    "the",
    "a",
    "each",
    "has",
    "belong",
    "belongs",
    "tasks",
    "task",
    "title",
    "status",
    "notes",
    "priority",
    "due",
    "date",
    "estimate",
    "hours",
    "(",
    ")",
    ",",
    "and",
    "or",
    ".",
    "required",
    "optional",
    "integer",
    "number",
    "text",
    "choice",
    "entity",
    "field",
    "Tag",
    "with",
    "name",
    "color",
    "count",
    "by",
    "per",
    "total",
    "link",
    "customer",
    "customers",
    "phone",
    "email",
    "Note",
    "x",
    ";",
    "as",
    "into",
    "is",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_any_request_is_an_edit_or_a_clear_error(words: list[str]) -> None:
    failure: EditError | None = None
    try:
        result = edit_spec(BASE, " ".join(words))
    except EditError as exc:
        failure = exc
    if failure is not None:
        assert failure.failed
        assert all(f["reason"] for f in failure.failed)
        return
    assert result.edits
    build_model(result.spec)
