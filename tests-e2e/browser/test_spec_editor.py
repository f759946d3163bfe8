"""The person sees and edits the build's data model, in a real browser, against the real platform.

A finished build's page shows its spec as a data model (entities with their
fields, types and rules, relations, summaries). The person edits it: renames
a field, adds a field and gives it a type, adds a relation; an invalid edit
(a name used twice, a choice field without choices) gets its message next to
the input, checked by core (``POST /v1/specs/validate``), and rebuilding
while it is invalid starts no build (core answers 422). Fixed, the model is
rebuilt: a new build of the same project opens, and its spec and files carry
the change.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

BUILD_TIMEOUT_MS = 300_000

SPEC = {
    "name": "Habit Tracker",
    "description": "Daily habits and their check-ins",
    "entities": [
        {
            "name": "Habit",
            "fields": [
                {"name": "name", "type": "string", "required": True, "max_length": 80},
                {"name": "goal", "type": "integer", "minimum": 1, "maximum": 7},
            ],
        },
        {
            "name": "CheckIn",
            "fields": [
                {"name": "day", "type": "date", "required": True},
                {"name": "note", "type": "text"},
            ],
        },
        {"name": "Category", "fields": [{"name": "label", "type": "string", "required": True}]},
    ],
    "relations": [{"from": "CheckIn", "to": "Habit", "on_delete": "cascade"}],
    "summaries": [
        {"name": "Check-ins per habit", "entity": "CheckIn", "kind": "count", "group_by": "Habit"}
    ],
}


async def finished_build(ui: Any, email: str) -> tuple[str, str]:
    """A project and a finished build of SPEC, made through the API: (project id, build id)."""
    token = await ui.api_token(email)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        project = await gateway.post("/v1/projects", json={"name": "Habits"}, headers=auth)
        assert project.status_code == 201, project.text
        build = await gateway.post(
            f"/v1/projects/{project.json()['id']}/builds",
            json={"idea": "A habit tracker with daily check-ins", "spec": SPEC},
            headers=auth,
        )
        assert build.status_code == 202, build.text
    return project.json()["id"], build.json()["id"]


async def wait_succeeded(page: Page) -> None:
    status = page.get_by_test_id("build-status")
    await expect(status).to_have_text(
        re.compile("succeeded|failed|cancelled"), timeout=BUILD_TIMEOUT_MS
    )
    await expect(status).to_have_text("succeeded")


@pytest.mark.timeout(2 * BUILD_TIMEOUT_MS // 1000 + 180)
async def test_see_edit_and_rebuild_the_data_model(ui: Any, page: Page) -> None:
    email = f"web-spec-{uuid.uuid4().hex[:10]}@example.com"
    await ui.register_api(email)
    project_id, build_id = await finished_build(ui, email)
    await ui.log_in(email)

    # The finished build shows its data model.
    await page.goto(f"/builds/{build_id}")
    await wait_succeeded(page)
    model = page.get_by_test_id("spec-view")
    entities = model.get_by_role("list", name="Entities")
    await expect(entities.get_by_role("heading", level=3)).to_have_text(
        ["Habit", "CheckIn", "Category"]
    )
    habit = model.get_by_role("table", name="Fields of Habit")
    await expect(habit.get_by_role("row", name=re.compile(r"^name\b"))).to_contain_text(
        "required; at most 80 characters"
    )
    await expect(habit.get_by_role("row", name=re.compile(r"^goal\b"))).to_contain_text("integer")
    await expect(habit.get_by_role("row", name=re.compile(r"^goal\b"))).to_contain_text("1 to 7")
    await expect(model.get_by_role("list", name="Relations")).to_have_text(
        re.compile(r"CheckIn → Habit\s*\(required; on delete: cascade\)")
    )
    await expect(model.get_by_role("list", name="Summaries")).to_contain_text(
        "Check-ins per habit: count of CheckIn, by Habit"
    )
    await ui.screenshot("20-data-model")

    # Edit: rename a field.
    await page.get_by_role("button", name="Edit data model").click()
    editor = page.get_by_role("form", name="Edit the data model")
    status = editor.get_by_test_id("spec-check")
    await editor.get_by_role("group", name="Field 1 of Habit").get_by_label("Name").fill("title")
    await expect(status).to_have_text("The model is valid.")

    # Add a field: a name used twice is refused next to the name.
    await editor.get_by_role("button", name="Add a field to CheckIn").click()
    new_field = editor.get_by_role("group", name="Field 3 of CheckIn")
    name = new_field.get_by_label("Name")
    await expect(name).to_be_focused()
    await name.fill("day")
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_have_accessible_description(re.compile("names the same field as 'day'"))
    await expect(status).to_have_text("1 problem to fix before rebuilding.")
    await name.fill("mood")
    await expect(status).to_have_text("The model is valid.")
    await expect(name).not_to_have_attribute("aria-invalid", "true")

    # Give it a type that needs more: a choice without choices is refused next to them.
    await new_field.get_by_label("Type").select_option("enum")
    choices = new_field.get_by_label("Choices (comma-separated)")
    await expect(choices).to_have_accessible_description(
        re.compile("'choices' is a required property")
    )
    await expect(status).to_have_text("1 problem to fix before rebuilding.")
    await ui.screenshot("21-data-model-problem")

    # Rebuilding now starts nothing: core answers 422 and the problem stays in place.
    await editor.get_by_role("button", name="Rebuild from this model").click()
    await expect(editor.get_by_role("alert")).to_contain_text("The data model has problems")
    await expect(choices).to_have_accessible_description(
        re.compile("'choices' is a required property")
    )
    assert page.url.endswith(f"/builds/{build_id}")

    await choices.fill("great, okay, rough")
    await expect(status).to_have_text("The model is valid.")
    await expect(choices).not_to_have_attribute("aria-invalid", "true")

    # A number field's bounds: a minimum above the maximum is refused at the minimum.
    goal = editor.get_by_role("group", name="Field 2 of Habit")
    await goal.get_by_label("Minimum").fill("9")
    await expect(goal.get_by_label("Minimum")).to_have_accessible_description(
        re.compile("minimum 9 > maximum 7")
    )
    await goal.get_by_label("Minimum").fill("1")
    await expect(status).to_have_text("The model is valid.")

    # Add a relation: a habit belongs to a category.
    await editor.get_by_role("button", name="Add a relation").click()
    relation = editor.get_by_role("group", name="Relation 2")
    await relation.get_by_label("Child", exact=True).select_option("Habit")
    await relation.get_by_label("Parent", exact=True).select_option("Category")
    await expect(relation.get_by_label("Every child needs a parent")).to_be_checked()
    await expect(status).to_have_text("The model is valid.")
    await ui.screenshot("22-data-model-edited")

    # Rebuild: the new build of the same project opens, and carries the change.
    await editor.get_by_role("button", name="Rebuild from this model").click()
    await page.wait_for_url(
        lambda url: re.search(r"/builds/[0-9a-f-]{36}$", url) is not None and build_id not in url
    )
    new_id = page.url.rsplit("/", 1)[1]
    await expect(page.get_by_role("link", name="Project", exact=True)).to_have_attribute(
        "href", f"/projects/{project_id}"
    )
    await wait_succeeded(page)
    model = page.get_by_test_id("spec-view")
    habit = model.get_by_role("table", name="Fields of Habit")
    await expect(habit.get_by_role("row", name=re.compile(r"^title\b"))).to_be_visible()
    await expect(habit.get_by_role("row", name=re.compile(r"^name\b"))).to_have_count(0)
    checkin = model.get_by_role("table", name="Fields of CheckIn")
    await expect(checkin.get_by_role("row", name=re.compile(r"^mood\b"))).to_contain_text(
        "one of: great, okay, rough"
    )
    await expect(model.get_by_role("list", name="Relations")).to_contain_text(
        "Habit → Category (required; on delete: restrict)"
    )

    # The new build's own files: its spec.json, opened in the file viewer.
    tree = page.get_by_role("navigation", name="File tree")
    await tree.locator("button.file[data-path='spec.json']").click()
    await expect(page.get_by_test_id("viewer-path")).to_have_text("spec.json")
    spec = json.loads(await page.locator("pre.code code").inner_text())
    habit_spec, checkin_spec = spec["entities"][0], spec["entities"][1]
    assert [f["name"] for f in habit_spec["fields"]] == ["title", "goal"]
    assert checkin_spec["fields"][-1] == {
        "name": "mood",
        "type": "enum",
        "choices": ["great", "okay", "rough"],
    }
    assert {"from": "Habit", "to": "Category", "kind": "many_to_one", "required": True,
            "on_delete": "restrict"} in spec["relations"]  # fmt: skip
    await ui.screenshot("23-rebuilt")

    # On a phone's screen the model and its editor fit the width.
    await page.set_viewport_size({"width": 375, "height": 740})
    await page.get_by_role("button", name="Edit data model").click()
    await expect(page.get_by_role("form", name="Edit the data model")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    await ui.screenshot("24-data-model-phone")

    # And through the API: the project has the two builds, the new one made from the spec.
    token = await ui.api_token(email)
    async with httpx.AsyncClient(base_url=ui.platform.gateway_url, timeout=15) as gateway:
        auth = {"Authorization": f"Bearer {token}"}
        builds = (await gateway.get(f"/v1/projects/{project_id}/builds", headers=auth)).json()
        assert [b["id"] for b in builds["items"]] == [new_id, build_id]
        assert builds["items"][0]["spec"]["entities"][0]["fields"][0]["name"] == "title"
        models = await gateway.get(f"/v1/builds/{new_id}/files/app/models.py", headers=auth)
        assert "mood" in models.text
        assert "title" in models.text
        assert "category_id" in models.text
