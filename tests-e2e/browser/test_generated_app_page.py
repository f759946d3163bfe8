"""Generated apps' own pages in a real browser (Debian's chromium).

For each app below, generated here from a spec or an idea, written to a temp
dir and started with ``uvicorn app.main:app`` on SQLite (the platform is not
needed):

- a person adds a parent record, adds a child choosing that parent in the
  select, sees both listed, walks from the child to its parent and back, edits
  the child, sees a bad value refused next to its field, corrects it, and
  deletes the child after confirming; the vet app once more at 375 px wide, with no
  sideways scrolling of the page or an open dialog at any step;
- the lists search, sort and turn pages;
- records made through the API with HTML in their texts (an ``<img onerror>``,
  a ``<script>``) show it literally in the lists, the parent select, the
  record view, a summary and the edit dialog; no element is made from it and
  none of it runs;
- the acceptance robot (``generated-app-acceptance.md``, section 2) opens
  ``/``, finds a form, fills each visible input by its type and submits; what
  it typed must then show on the page without a reload. One app is used at
  375 px wide, one by keyboard alone, one behind a stand-in preview proxy that
  serves it under ``/preview/b4/``.

Every page fails its test on a script error, a CSP violation, a 5xx or a
request outside the app's own prefix. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from launchforge_common.testing import free_port
from launchforge_core.pipeline.extractor import extract_spec
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.packaging import write_tree
from launchforge_core.pipeline.spec import build_model
from playwright.async_api import Browser, Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

# --- the apps -----------------------------------------------------------------------------


def _vet() -> dict[str, Any]:
    return {
        "name": "Paws & Claws Vet",
        "description": "Owners, their pets and what we know about them.",
        "entities": [
            {
                "name": "Owner",
                "fields": [
                    {"name": "name", "type": "string", "required": True, "min_length": 1},
                    {"name": "email", "type": "email"},
                    {"name": "phone", "type": "phone"},
                    {"name": "member since", "type": "date"},
                ],
            },
            {
                "name": "Pet",
                "fields": [
                    {"name": "name", "type": "string", "required": True, "min_length": 1},
                    {
                        "name": "species",
                        "type": "enum",
                        "choices": ["dog", "cat", "rabbit", "bird"],
                        "required": True,
                    },
                    {"name": "birth date", "type": "date"},
                    {"name": "weight", "type": "decimal", "minimum": 0, "maximum": 200},
                    {"name": "neutered", "type": "boolean"},
                    {"name": "notes", "type": "text"},
                ],
            },
        ],
        "relations": [{"from": "Pet", "to": "Owner", "required": True}],
        "summaries": [
            {"name": "Pets per species", "entity": "Pet", "kind": "count", "group_by": "species"},
            {"name": "Average weight", "entity": "Pet", "kind": "average", "field": "weight"},
            {"name": "Pets per owner", "entity": "Pet", "kind": "count", "group_by": "Owner"},
        ],
    }


def _habits() -> dict[str, Any]:
    spec = extract_spec(
        "A habit tracker: habits with a name, and daily check-ins of a habit with a date, a mood "
        "and a rating from 1 to 5. Show streaks per habit."
    )
    spec["summaries"] = [
        {"name": "Streaks", "entity": "CheckIn", "kind": "streak", "group_by": "Habit"},
    ]
    return spec


def _restaurant() -> dict[str, Any]:
    return {
        "name": "Table Booker",
        "description": "Tables and the reservations made for them.",
        "entities": [
            {
                "name": "Dining Table",
                "display": "label",
                "fields": [
                    {"name": "label", "type": "string", "required": True, "unique": True},
                    {"name": "seats", "type": "integer", "minimum": 1, "maximum": 20},
                    {"name": "outdoor", "type": "boolean"},
                ],
            },
            {
                "name": "Reservation",
                "display": "guest name",
                "fields": [
                    {"name": "guest name", "type": "string", "required": True, "min_length": 2},
                    {"name": "day", "type": "date", "required": True},
                    {"name": "at", "type": "time", "required": True},
                    {"name": "party size", "type": "integer", "minimum": 1, "maximum": 12},
                    {"name": "phone", "type": "phone"},
                    {
                        "name": "status",
                        "type": "enum",
                        "choices": ["booked", "seated", "cancelled"],
                        "required": True,
                    },
                ],
            },
        ],
        "relations": [
            {"from": "Reservation", "to": "Dining Table", "required": True, "on_delete": "cascade"}
        ],
        "summaries": [
            {"name": "Reservations by status", "entity": "Reservation", "kind": "count",
             "group_by": "status"},
            {"name": "Outdoor tables", "entity": "Dining Table", "kind": "percent",
             "field": "outdoor"},
        ],
    }  # fmt: skip


def _dog_walking() -> dict[str, Any]:
    return extract_spec(
        "I run a small dog-walking business. I need to keep track of my clients and "
        "their dogs, and each walk with its date and price."
    )


def _gym() -> dict[str, Any]:
    return {
        "name": "Lift Log",
        "entities": [
            {
                "name": "Workout",
                "fields": [
                    {"name": "title", "type": "string", "required": True, "min_length": 1},
                    {"name": "done on", "type": "date", "required": True},
                    {"name": "duration minutes", "type": "integer", "minimum": 1,
                     "maximum": 600},
                    {"name": "notes", "type": "text"},
                ],
            },
            {
                "name": "Exercise",
                "fields": [
                    {"name": "name", "type": "string", "required": True, "min_length": 1},
                    {"name": "sets", "type": "integer", "minimum": 1, "maximum": 20},
                    {"name": "weight kg", "type": "decimal", "minimum": 0, "maximum": 500},
                    {"name": "done at", "type": "datetime"},
                    {"name": "personal best", "type": "boolean"},
                    {"name": "coach url", "type": "url"},
                ],
            },
        ],
        "relations": [{"from": "Exercise", "to": "Workout", "required": True}],
        "summaries": [
            {"name": "Minutes per month", "entity": "Workout", "kind": "sum",
             "field": "duration minutes", "period": "month"},
        ],
    }  # fmt: skip


def _book_club() -> dict[str, Any]:
    return {
        "name": "Chapter & Verse",
        "description": "Our book club: members, the books we read and our meetings.",
        "entities": [
            {
                "name": "Member",
                "fields": [
                    {"name": "full name", "type": "string", "required": True, "min_length": 1},
                    {"name": "email", "type": "email", "required": True, "unique": True},
                ],
            },
            {
                "name": "Book",
                "fields": [
                    {"name": "title", "type": "string", "required": True, "min_length": 1},
                    {"name": "author", "type": "string"},
                    {"name": "rating", "type": "integer", "minimum": 1, "maximum": 5},
                ],
            },
            {
                "name": "Meeting",
                "display": "topic",
                "fields": [
                    {"name": "topic", "type": "string", "required": True, "min_length": 1},
                    {"name": "starts at", "type": "datetime", "required": True},
                    {"name": "place", "type": "string"},
                ],
            },
        ],
        "relations": [
            {"from": "Meeting", "to": "Book", "required": True},
            {"from": "Meeting", "to": "Member", "field": "host", "required": False},
        ],
    }


def _band() -> dict[str, Any]:
    """Core's sample with every field type, link entities and every summary kind."""
    path = ROOT / "services" / "core" / "tests" / "pipeline" / "specs" / "band-manager.json"
    spec: dict[str, Any] = json.loads(path.read_text())
    return spec


def _wide() -> dict[str, Any]:
    """A record with more short texts than the list has columns: what the list leaves
    out must still show once it is added."""
    names = ["reg", "make", "model", "colour", "trim", "engine", "gearbox", "garage", "tyres"]
    return {
        "name": "Fleet Book",
        "entities": [
            {
                "name": "Car",
                "fields": [
                    {"name": n, "type": "string", "required": n == "reg", "min_length": 1}
                    for n in names
                ],
            },
            {
                "name": "Driver",
                "fields": [{"name": "name", "type": "string", "required": True, "min_length": 1}],
            },
        ],
        # (the robot fills the first form, the parent's: the car)
        "relations": [{"from": "Driver", "to": "Car", "required": True}],
    }


@dataclass(frozen=True)
class Case:
    slug: str
    theme: str
    spec: Callable[[], dict[str, Any]]
    prefix: str = ""  # served behind a stand-in preview proxy under this path
    robot: str = "mouse"  # how the acceptance robot works: mouse, narrow (375 px), keyboard


CASES = [
    Case("vet", "modern", _vet),
    Case("habits", "dark", _habits, robot="keyboard"),
    Case("restaurant", "corporate", _restaurant),
    Case("dog-walking", "light", _dog_walking, prefix="/preview/b4"),
    Case("gym", "startup", _gym, robot="narrow"),
    Case("book-club", "creative", _book_club),
    Case("band", "minimal", _band),
    Case("wide", "modern", _wide),
]

# A stand-in for the platform's live preview: the app under PREFIX/, the prefix
# stripped before the app sees the path (the app never knows it).
PREVIEW_PROXY = """
from app.main import app as inner

PREFIX = {prefix!r}


async def app(scope, receive, send):
    if scope["type"] == "http":
        path = scope["path"]
        if not path.startswith(PREFIX + "/"):
            status, headers = (404, [])
            if path == PREFIX:
                status, headers = (308, [(b"location", (PREFIX + "/").encode())])
            await send({{"type": "http.response.start", "status": status, "headers": headers}})
            await send({{"type": "http.response.body", "body": b""}})
            return
        scope = dict(scope, path=path[len(PREFIX):], raw_path=scope["raw_path"][len(PREFIX):])
    await inner(scope, receive, send)
"""


@dataclass
class Served:
    case: Case
    base: str  # the page's URL, ending in /
    model: dict[str, Any]
    entities: dict[str, dict[str, Any]]


@pytest.fixture(scope="module", params=CASES, ids=lambda case: case.slug)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The app of one case, generated, written and running (uvicorn, SQLite)."""
    case: Case = request.param
    spec = case.spec()
    spec["theme"] = case.theme
    app = build_model(spec)
    root = tmp_path_factory.mktemp(case.slug)
    write_tree(render_project(app, spec, generator="offline"), root)
    module = "app.main:app"
    if case.prefix:
        (root / "preview.py").write_text(PREVIEW_PROXY.format(prefix=case.prefix))
        module = "preview:app"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{root / 'app.db'}"}
    log = (root / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}{case.prefix}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (root / "server.log").read_text()
            try:
                if httpx.get(base, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)
        model = httpx.get(base + "static/model.json", timeout=5).json()
        yield Served(case, base, model, {e["key"]: e for e in model["entities"]})
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# --- the browser --------------------------------------------------------------------------

_FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


@asynccontextmanager
async def opened(browser: Browser, served: Served, *, width: int = 1280) -> AsyncIterator[Page]:
    """The app's page, ready; the test fails on a script error, a CSP violation, a 5xx
    or a request that leaves the app's own URL space (the prefix, when it has one)."""
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, locale="en-US", timezone_id="UTC"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and not _FAILED_LOAD.match(message.text)
            else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((served.base, "data:"))
            else problems.append(f"request outside the app: {request.url}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )
    try:
        response = await page.goto(served.base)
        assert response is not None
        assert response.status == 200
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        await page.locator("html.ready").wait_for(state="attached")
        yield page
    finally:
        await context.close()
    assert not problems, problems


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- what a person types ------------------------------------------------------------------


def _clamp(value: float, field: dict[str, Any]) -> float:
    low, high = field["minimum"], field["maximum"]
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def typed(field: dict[str, Any], token: str) -> Any:
    """A valid value for ``field``, as a person would enter it (strings carry ``token``)."""
    kind = field["type"]
    if kind == "string":
        text = f"{field['label']} {token}"[: field["max_length"]]
        return text.ljust(field["min_length"] or 0, "x")
    if kind == "text":
        return f"Some notes about {token}"
    if kind == "integer":
        return str(int(_clamp(3, field)))
    if kind == "number":
        return str(_clamp(2.5, field))
    if kind == "decimal":
        return f"{_clamp(12.5, field):.2f}"
    return {
        "boolean": True,
        "date": "2024-05-17",
        "datetime": "2024-05-17T09:30",
        "time": "09:30",
        "email": f"{token}@example.com",
        "url": f"https://example.com/{token}",
        "phone": "+1 555 0100",
        "enum": (field["choices"] or [""])[-1],
    }[kind]


def form_of(page: Page, entity: dict[str, Any]) -> Locator:
    return page.get_by_role("form", name=f"New {entity['noun']}", exact=True)


async def control(scope: Locator, entity: dict[str, Any], name: str, label: str) -> Locator:
    """The input labelled ``label``; checks the label is the one of field ``name``."""
    # A required field's label ends in a star (hidden from screen readers).
    found = scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
    await expect(found).to_have_attribute("name", name)
    return found


async def put(scope: Locator, entity: dict[str, Any], field: dict[str, Any], value: Any) -> None:
    found = await control(scope, entity, field["name"], field["label"])
    if field["input"] == "checkbox":
        await found.set_checked(bool(value))
    elif field["input"] == "select":
        await found.select_option(str(value))
    else:
        await found.fill(str(value))


async def fill(scope: Locator, entity: dict[str, Any], token: str) -> dict[str, Any]:
    # Texts name the entity too, so a parent and a child never share a name.
    values = {f["name"]: typed(f, f"{entity['key']}-{token}") for f in entity["fields"]}
    for field in entity["fields"]:
        await put(scope, entity, field, values[field["name"]])
    return values


def rows(page: Page, entity: dict[str, Any]) -> Locator:
    return page.locator(f"section#{entity['id']} tbody tr")


def label_of(entity: dict[str, Any], values: dict[str, Any], fallback: str = "") -> str:
    display = entity["display"]
    return str(values[display]) if display else fallback


def key_of(entity: dict[str, Any], values: dict[str, Any], token: str) -> str | None:
    """Text that picks this record's row out of a list: a shown column holding ``token``."""
    for column in entity["columns"]:
        value = values.get(column["name"])
        if isinstance(value, str) and token in value:
            return value
    return None


def records(page: Page, entity: dict[str, Any]) -> Locator:
    """The list's rows that are records (not the "nothing here yet" row)."""
    return page.locator(f"section#{entity['id']} tbody tr[data-id]")


async def row_ids(page: Page, entity: dict[str, Any]) -> set[str]:
    return set(await records(page, entity).evaluate_all("(rs) => rs.map((r) => r.dataset.id)"))


async def added_row(
    page: Page, entity: dict[str, Any], values: dict[str, Any], token: str, before: set[str]
) -> Locator:
    """The row of the record just added: found by a shown text that holds ``token``, else
    (a record with no text column, only numbers and dates) by the one new row id. The
    bare token is no key: the parent's name in the row holds it too."""
    key = key_of(entity, values, token)
    if key is not None:
        found = rows(page, entity).filter(has_text=key)
        await expect(found).to_have_count(1)
        return found
    await expect(records(page, entity)).to_have_count(len(before) + 1)
    (new,) = await row_ids(page, entity) - before
    return page.locator(f'section#{entity["id"]} tbody tr[data-id="{new}"]')


def relation_pair(served: Served) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(parent, child, relation): the first child whose parent can be added on its own."""
    for child in served.model["entities"]:
        for relation in child["relations"]:
            parent = served.entities[relation["parent"]]
            if not any(r["required"] for r in parent["relations"]):
                return parent, child, relation
    raise AssertionError("the app has no relation")


def bad_value(entity: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A value the API refuses (a bound, then a format); a required text left empty last."""
    for field in entity["fields"]:
        high = field["maximum"]
        if field["input"] == "number" and high is not None and abs(high) < 1e9:
            return field, (f"{high + 1:.2f}" if field["type"] == "decimal" else str(high + 1))
    for field in entity["fields"]:
        if field["type"] in ("email", "url"):
            return field, "not-an-address"
    for field in entity["fields"]:
        if field["required"] and field["type"] == "string":
            return field, ""
    raise AssertionError(f"no bad value for {entity['key']}")


# --- a person -----------------------------------------------------------------------------


async def no_sideways_scroll(page: Page, where: str) -> None:
    """Neither the page nor an open dialog is wider than the viewport."""
    overflow = await page.evaluate(
        """() => {
          const root = document.documentElement;
          const open = [...document.querySelectorAll("dialog[open]")];
          return {
            page: root.scrollWidth - root.clientWidth,
            dialogs: open.map((d) => Math.ceil(d.getBoundingClientRect().right) - innerWidth),
          };
        }"""
    )
    assert overflow["page"] <= 0, f"{overflow['page']} px of sideways scrolling at {where}"
    assert all(d <= 0 for d in overflow["dialogs"]), f"a dialog sticks out at {where}: {overflow}"


async def test_a_person_adds_links_edits_corrects_and_deletes(
    browser: Browser, served: Served
) -> None:
    await journey(browser, served)


@pytest.mark.parametrize(
    "served", [Case("vet-375", "modern", _vet)], indirect=True, ids=["vet-375"]
)
async def test_the_whole_journey_at_375_px(browser: Browser, served: Served) -> None:
    """The same journey on a phone-sized screen: no sideways scrolling at any step."""
    await journey(browser, served, width=375)


async def journey(browser: Browser, served: Served, *, width: int = 1280) -> None:
    """A person adds a parent and a child, walks between them, edits, corrects a bad
    value and deletes; below 600 px wide, every step is checked for sideways scrolling."""
    parent, child, relation = relation_pair(served)
    token = secrets.token_hex(3)
    async with opened(browser, served, width=width) as page:

        async def step(where: str) -> None:
            if width < 600:
                await no_sideways_scroll(page, where)

        await step("the start")
        # A parent record.
        parent_form = form_of(page, parent)
        parent_values = await fill(parent_form, parent, token)
        await parent_form.get_by_role("button", name=f"Add {parent['noun']}").click()
        parent_label = label_of(parent, parent_values)
        await expect(rows(page, parent).filter(has_text=parent_label)).to_have_count(1)
        await expect(parent_form.get_by_role("status")).to_contain_text(f"Added {parent['noun']}")
        await step("the parent added")

        # A child, its parent chosen by name in the select.
        child_form = form_of(page, child)
        choose = await control(child_form, child, relation["field"], relation["label"])
        await choose.select_option(label=parent_label)
        child_values = await fill(child_form, child, token)
        before = await row_ids(page, child)
        await child_form.get_by_role("button", name=f"Add {child['noun']}").click()
        row = await added_row(page, child, child_values, token, before)
        await expect(row.get_by_role("link", name=parent_label, exact=True)).to_be_visible()
        shown = {c["name"] for c in child["columns"]}
        for field in child["fields"]:
            if field["type"] == "enum" and field["name"] in shown:
                await expect(row).to_contain_text(child_values[field["name"]])
        await step("the child added")

        # From the child to its parent and back.
        await row.get_by_role("link", name=parent_label, exact=True).click()
        view = page.locator("dialog#page--detail")
        await expect(view.get_by_role("heading", level=2)).to_contain_text(parent_label)
        await step("the parent's view")
        listed = next(
            c["label"]
            for c in parent["children"]
            if c["entity"] == child["key"] and c["field"] == relation["field"]
        )
        child_link = view.get_by_role("region", name=listed, exact=True).get_by_role("link")
        await expect(child_link).to_have_count(1)
        child_label = await child_link.inner_text()
        await child_link.click()
        await expect(view.get_by_role("heading", level=2)).to_contain_text(child_label)
        await expect(view.get_by_role("link", name=parent_label, exact=True)).to_be_visible()
        await step("the child's view")
        await page.keyboard.press("Escape")
        await expect(view).to_be_hidden()

        # Edit the child.
        editable = next(
            (f for f in child["fields"] if f["type"] in ("string", "text") and not f["unique"]),
            None,
        )
        await row.get_by_role("button", name=re.compile("^Edit ")).click()
        dialog = page.get_by_role("dialog", name=re.compile("^Edit "))
        await expect(dialog).to_be_visible()
        await step("the edit dialog")
        if editable is not None:
            edited = f"{child_values[editable['name']]} edited"  # still holds the row's key
            await put(dialog, child, editable, edited)
        else:
            # no text to change: a number, else the date (a check-in has only its date)
            number = next((f for f in child["fields"] if f["input"] == "number"), None)
            changed = number or next(f for f in child["fields"] if f["input"] == "date")
            edited = typed(number, token).replace("3", "4") if number is not None else "2024-06-18"
            await put(dialog, child, changed, edited)
        await dialog.get_by_role("button", name="Save changes").click()
        await expect(dialog).to_be_hidden()
        if editable is None and changed["input"] == "date":
            # dates show in the person's locale; the <time> element keeps the ISO value
            # (the row was found by its old date, so look among the rows again): the
            # date shows as the record's name (the ISO value) or in a <time> element
            row = (
                rows(page, child)
                .filter(has=page.locator(f'time[datetime="{edited}"]'))
                .or_(rows(page, child).filter(has_text=edited))
            )
            await expect(row).to_have_count(1)
        else:
            await expect(row).to_contain_text(edited)
        await step("the child edited")

        # A bad value is refused next to its field, then corrected.
        token2 = secrets.token_hex(3)
        await choose.select_option(label=parent_label)
        values2 = await fill(child_form, child, token2)
        before = await row_ids(page, child)
        field, bad = bad_value(child)
        await put(child_form, child, field, bad)
        await child_form.get_by_role("button", name=f"Add {child['noun']}").click()
        box = child_form.locator(f'.field[data-field="{field["name"]}"]')
        error = box.locator(".field-error")
        await expect(error).to_be_visible()
        await expect(error).not_to_be_empty()
        bad_input = await control(child_form, child, field["name"], field["label"])
        await expect(bad_input).to_have_attribute("aria-invalid", "true")
        await expect(bad_input).to_be_focused()
        await step("a bad value refused")
        described = await bad_input.get_attribute("aria-describedby") or ""
        assert await error.get_attribute("id") in described.split()
        await expect(records(page, child)).to_have_count(len(before))  # nothing was added
        await put(child_form, child, field, values2[field["name"]])
        await child_form.get_by_role("button", name=f"Add {child['noun']}").click()
        corrected = await added_row(page, child, values2, token2, before)
        await expect(error).to_be_hidden()
        await expect(bad_input).not_to_have_attribute("aria-invalid", "true")
        await step("the value corrected")

        # Summaries load (and show something once there are records).
        for summary in served.model["summaries"]:
            article = page.locator(f'[data-summary="{summary["slug"]}"]')
            await expect(article).not_to_contain_text("Could not load")
            if summary["entity"] in (parent["key"], child["key"]):
                body = article.locator(".summary-body")
                await expect(body).not_to_contain_text("Nothing to summarise")
        await step("the summaries")

        await screenshot(page, f"generated-{served.case.slug}")

        # Delete the edited child, after confirming (a first "Cancel" keeps it).
        await row.get_by_role("button", name=re.compile("^Delete ")).click()
        confirm = page.get_by_role("alertdialog")
        await expect(confirm).to_contain_text(child["noun"])
        await step("the delete confirmation")
        await confirm.get_by_role("button", name="Cancel").click()
        await expect(confirm).to_be_hidden()
        await expect(row).to_have_count(1)
        await row.get_by_role("button", name=re.compile("^Delete ")).click()
        await confirm.get_by_role("button", name="Delete", exact=True).click()
        await expect(confirm).to_be_hidden()
        await expect(row).to_have_count(0)
        await expect(corrected).to_have_count(1)
        await step("the child deleted")

        # The parent still has a child: restrict refuses its delete, in the dialog.
        if relation["on_delete"] == "restrict":
            parent_row = rows(page, parent).filter(has_text=parent_label)
            await parent_row.get_by_role("button", name=re.compile("^Delete ")).click()
            await confirm.get_by_role("button", name="Delete", exact=True).click()
            await expect(confirm.get_by_role("alert")).to_be_visible()
            await expect(confirm.get_by_role("alert")).not_to_be_empty()
            await step("the parent's delete refused")
            await page.keyboard.press("Escape")
            await expect(confirm).to_be_hidden()
            await expect(parent_row).to_have_count(1)


async def test_lists_search_sort_and_turn_pages(browser: Browser, served: Served) -> None:
    entity = next(e for e in served.model["entities"] if not e["relations"])
    display = next(f for f in entity["fields"] if f["name"] == entity["display"])
    assert display["type"] == "string", "pick an app whose first entity is named by a text"
    token = secrets.token_hex(3)
    names = [f"{token} {chr(ord('a') + i)}" for i in range(12)]
    async with httpx.AsyncClient(base_url=served.base, timeout=10) as api:
        for i, name in enumerate(names):
            body = {f["name"]: as_json(f, typed(f, f"{token}{i}")) for f in entity["fields"]}
            body[display["name"]] = name
            response = await api.post(entity["path"], json=body)
            assert response.status_code == 201, response.text
        total = (await api.get(entity["path"], params={"limit": 1})).json()["total"]
    size = served.model["page_size"]
    async with opened(browser, served) as page:
        section = page.locator(f"section#{entity['id']}")
        info = section.locator(".pager-info")
        await expect(info).to_have_text(f"1\u2013{size} of {total}")
        await expect(section.locator("tbody tr").first).to_contain_text(names[-1])  # newest first
        await section.get_by_role("button", name="Next").click()
        await expect(info).to_have_text(f"{size + 1}\u2013{min(total, 2 * size)} of {total}")
        await section.get_by_role("button", name="Previous").click()
        await expect(info).to_have_text(f"1\u2013{size} of {total}")

        search = section.get_by_label(f"Search {entity['noun_plural']}")
        await search.fill(token)
        await expect(info).to_have_text(f"1\u2013{size} of 12")
        await section.get_by_label("Sort").select_option(display["name"])
        await expect(section.locator("tbody tr").first).to_contain_text(names[0])
        await expect(section.locator(f"th[data-column='{display['name']}']")).to_have_attribute(
            "aria-sort", "ascending"
        )
        await section.get_by_label("Sort").select_option(f"-{display['name']}")
        await expect(section.locator("tbody tr").first).to_contain_text(names[-1])
        await search.fill(f"{token} nothing like it")
        await expect(section.locator("tbody")).to_contain_text(f"No {entity['noun_plural']} match")


# Markup a record may hold: as text it is harmless; parsed as HTML it would run.
IMG_MARKUP = '<img src=x onerror="window.__pwned=1">'
SCRIPT_MARKUP = "<script>window.__pwned=1</script>"


@pytest.mark.parametrize(
    "served", [Case("vet-markup", "modern", _vet)], indirect=True, ids=["vet-markup"]
)
async def test_markup_in_record_values_stays_text(browser: Browser, served: Served) -> None:
    """Records whose texts are HTML, made through the API, show that HTML literally in the
    lists, the parent select, the parent link and dialog, the summaries and the edit dialog;
    no element is made from it and none of it runs."""
    parent, child, relation = relation_pair(served)
    assert parent["display"], "the parent must be named by a text for its label to hold markup"
    token = secrets.token_hex(3)

    def body(entity: dict[str, Any], markup: str) -> dict[str, Any]:
        out = {f["name"]: as_json(f, typed(f, token)) for f in entity["fields"]}
        for f in entity["fields"]:
            if f["type"] in ("string", "text"):
                out[f["name"]] = markup
        return out

    async with httpx.AsyncClient(base_url=served.base, timeout=10) as api:
        made = await api.post(parent["path"], json=body(parent, IMG_MARKUP))
        assert made.status_code == 201, made.text
        assert made.json()[parent["display"]] == IMG_MARKUP  # stored as sent
        child_body = body(child, SCRIPT_MARKUP) | {relation["field"]: made.json()["id"]}
        made_child = await api.post(child["path"], json=child_body)
        assert made_child.status_code == 201, made_child.text
    texts = [f["name"] for f in child["fields"] if f["type"] in ("string", "text")]
    assert texts, "the child must hold a text"

    async with opened(browser, served) as page:
        parent_row = rows(page, parent).filter(has_text=IMG_MARKUP)
        await expect(parent_row).to_have_count(1)
        child_row = rows(page, child).filter(has_text=SCRIPT_MARKUP)
        await expect(child_row).to_have_count(1)
        link = child_row.get_by_role("link", name=IMG_MARKUP, exact=True)
        await expect(link).to_be_visible()

        # The parent select of the child's form offers the parent by its literal name.
        choose = await control(form_of(page, child), child, relation["field"], relation["label"])
        option = choose.locator("option").filter(has_text=IMG_MARKUP)
        await expect(option).to_have_count(1)
        assert await option.inner_text() == IMG_MARKUP

        # The summary grouped by the parent ("Pets per owner") names it literally.
        grouped = page.locator("[data-summary]").filter(has_text=IMG_MARKUP)
        await expect(grouped).to_have_count(1)

        # The parent's dialog, reached by the child's link.
        await link.click()
        view = page.locator("dialog#page--detail")
        await expect(view.get_by_role("heading", level=2)).to_contain_text(IMG_MARKUP)
        await page.keyboard.press("Escape")
        await expect(view).to_be_hidden()

        # The edit dialog holds the texts as values and the parent by its literal name.
        await child_row.get_by_role("button", name=re.compile("^Edit ")).click()
        dialog = page.get_by_role("dialog", name=re.compile("^Edit "))
        await expect(dialog).to_be_visible()
        for name in texts:
            await expect(dialog.locator(f'[name="{name}"]')).to_have_value(SCRIPT_MARKUP)
        chosen = dialog.locator(f'select[name="{relation["field"]}"] option:checked')
        await expect(chosen).to_have_text(IMG_MARKUP)
        await screenshot(page, "generated-markup-stays-text")
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()

        # Nothing was made from the markup, and nothing of it ran (an img's onerror
        # fires once its load fails: give it time).
        await page.wait_for_timeout(500)
        made_from_markup = await page.evaluate(
            """() => ({
              img: document.querySelectorAll('img[src="x"], img[onerror]').length,
              script: [...document.scripts].filter((s) => s.text.includes("__pwned")).length,
              pwned: typeof window.__pwned,
            })"""
        )
        assert made_from_markup == {"img": 0, "script": 0, "pwned": "undefined"}


def as_json(field: dict[str, Any], value: Any) -> Any:
    """A typed form value as the API's JSON (as the page sends it)."""
    if field["type"] == "integer":
        return int(value)
    if field["type"] == "number":
        return float(value)
    return value


# --- the acceptance robot -----------------------------------------------------------------

ROBOT_TYPES = ("text", "number", "date", "datetime-local", "email", "url", "tel")


def robot_value(kind: str, token: str, low: str | None, high: str | None) -> str:
    if kind == "number":
        value = 1.0
        if low:
            value = max(value, float(low))
        if high:
            value = min(value, float(high))
        return str(int(value)) if value.is_integer() else str(value)
    return {
        "text": f"robot {token}",
        "date": "2024-03-01",
        "datetime-local": "2024-03-01T10:00",
        "email": f"robot-{token}@example.com",
        "url": f"https://example.com/robot-{token}",
        "tel": "+44 20 7946 0000",
    }[kind]


async def the_form(page: Page) -> Locator:
    """A form on the page, or the one a button named Add, New or Create opens."""
    forms = page.locator("form:visible")
    if await forms.count() == 0:
        await page.get_by_role("button", name=re.compile(r"^(Add|New|Create)\b")).first.click()
    return forms.first


async def test_the_acceptance_robot_sees_what_it_typed(browser: Browser, served: Served) -> None:
    width = 375 if served.case.robot == "narrow" else 1280
    token = secrets.token_hex(3)
    async with opened(browser, served, width=width) as page:
        if served.case.robot == "keyboard":
            await _robot_by_keyboard(page, token)
        else:
            form = await the_form(page)
            texts = []
            inputs = form.locator("input:visible, select:visible")
            for i in range(await inputs.count()):
                element = inputs.nth(i)
                tag = await element.evaluate("e => e.tagName.toLowerCase()")
                if tag == "select":
                    await element.select_option(index=0)
                    continue
                kind = await element.get_attribute("type") or "text"
                if kind not in ROBOT_TYPES:
                    continue
                value = robot_value(
                    kind, f"{token}{i}", await element.get_attribute("min"),
                    await element.get_attribute("max"),
                )  # fmt: skip
                await element.fill(value)
                if kind == "text":
                    texts.append(value)
            await form.locator("button[type=submit], input[type=submit]").first.click()
            assert texts
            for text in texts:
                await expect(page.locator("body")).to_contain_text(text)
        if width < 600:
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{overflow} px of sideways scrolling at {width} px"
        await screenshot(page, f"generated-{served.case.slug}-robot-{served.case.robot}")


def _running_log() -> dict[str, Any]:
    """Shoes (a date and a price) are the runs' optional parent: parents first alone
    would open the page on a form with no text to type and see again."""
    return {
        "name": "Running log",
        "entities": [
            {"name": "Shoe", "fields": [{"name": "bought on", "type": "date"},
                                        {"name": "price", "type": "decimal", "minimum": 0}]},
            {"name": "Run", "fields": [{"name": "route", "type": "string", "required": True},
                                       {"name": "run on", "type": "date"}]},
        ],
        "relations": [{"from": "Run", "to": "Shoe", "required": False}],
    }  # fmt: skip


@pytest.mark.parametrize(
    "served", [Case("running-log", "modern", _running_log)], indirect=True, ids=["running-log"]
)
async def test_the_robot_first_meets_a_form_with_text(browser: Browser, served: Served) -> None:
    assert served.model["entities"][0]["key"] == "run"
    await test_the_acceptance_robot_sees_what_it_typed(browser, served)


def _film_rolls() -> dict[str, Any]:
    """A datetime typed by keyboard: with no max on the input, Chromium's year segment
    takes six digits and the time runs on into the year ("Enter a complete value")."""
    return {
        "name": "Film rolls",
        "entities": [
            {"name": "Roll", "fields": [{"name": "stock", "type": "string", "required": True},
                                        {"name": "loaded at", "type": "datetime", "required": True},
                                        {"name": "developed on", "type": "date"}]},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    "served", [Case("film-rolls", "dark", _film_rolls, robot="keyboard")], indirect=True,
    ids=["film-rolls"],
)  # fmt: skip
async def test_the_keyboard_robot_types_a_datetime(browser: Browser, served: Served) -> None:
    (roll,) = served.model["entities"]
    assert [f["input"] for f in roll["fields"]] == ["text", "datetime-local", "date"]
    assert roll["fields"][1]["required"]
    # The required datetime must be complete for the robot's record to be saved and seen.
    await test_the_acceptance_robot_sees_what_it_typed(browser, served)


async def _focused(page: Page) -> dict[str, Any]:
    info: dict[str, Any] = await page.evaluate(
        """() => {
          const e = document.activeElement;
          const style = getComputedStyle(e);
          return {
            tag: e.tagName.toLowerCase(), type: e.getAttribute("type") || "",
            inForm: !!e.closest("form"), inDialog: !!e.closest("dialog"),
            label: e.getAttribute("aria-label") || e.textContent.trim(),
            min: e.getAttribute("min"), max: e.getAttribute("max"),
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
            cssFocus: e.matches(":focus"),
          };
        }"""
    )
    return info


async def _tab_to(
    page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 120
) -> dict[str, Any]:
    """Tab until ``wanted`` holds of the focused element (checking each stop shows focus)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        info = await _focused(page)
        # After a date or time input's last part, Chromium stops once more on the input's
        # own picker button: the input stays the activeElement but matches no :focus (a
        # bare page with one date input does the same), so no page CSS applies there.
        picker = info["type"] in ("date", "datetime-local", "time") and not info["cssFocus"]
        if info["tag"] != "body" and not picker:
            assert info["outline"], f"no visible focus on {info}"
        if wanted(info):
            return info
    raise AssertionError("not reached by Tab")


async def _robot_by_keyboard(page: Page, token: str) -> None:
    """The robot's steps with the keyboard alone, then a dialog opened and closed."""
    await _tab_to(page, lambda info: info["inForm"] and info["tag"] in ("input", "select"))
    texts: list[str] = []
    for i in range(60):
        info = await _focused(page)
        assert info["inForm"], info
        if info["tag"] == "button" and info["type"] == "submit":
            await page.keyboard.press("Enter")
            break
        if info["tag"] == "input" and info["type"] in ROBOT_TYPES:
            value = robot_value(info["type"], f"{token}{i}", info["min"], info["max"])
            if info["type"] == "date":
                await page.keyboard.type("03012024")  # en-US: mm dd yyyy
            elif info["type"] == "datetime-local":
                await page.keyboard.type("030120241000AM")
            else:
                await page.keyboard.type(value)
            if info["type"] == "text":
                texts.append(value)
        await page.keyboard.press("Tab")
    else:
        raise AssertionError("the form's submit button was never reached")
    assert texts
    for text in texts:
        await expect(page.locator("body")).to_contain_text(text)

    # The new record's Edit button, a dialog, Escape, and focus back where it was.
    # The record's name is whichever of its texts names it, not always the first typed.
    edits = {f"Edit {text}" for text in texts}
    found = await _tab_to(page, lambda info: info["label"] in edits, limit=400)
    label = found["label"].removeprefix("Edit ")
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=re.compile("^Edit "))
    await expect(dialog).to_be_visible()
    assert (await _focused(page))["inDialog"]
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    assert (await _focused(page))["label"] == f"Edit {label}"

    # The dialog's close event runs a task after it closed. Focus the person moved in
    # between (a quick Tab) stays where it went; only focus left in the dialog goes back.
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    await page.evaluate(
        """(label) => new Promise((done) => {
          document.querySelector("dialog[open]").close();
          document.querySelector(`[aria-label="Delete ${label}"]`).focus();
          setTimeout(done, 50);
        })""",
        label,
    )
    assert (await _focused(page))["label"] == f"Delete {label}"
    await page.keyboard.press("Shift+Tab")
    assert (await _focused(page))["label"] == f"Edit {label}"

    # Delete by keyboard: the confirmation starts on Cancel; Tab, Enter deletes.
    await page.keyboard.press("Tab")
    assert (await _focused(page))["label"] == f"Delete {label}"
    await page.keyboard.press("Enter")
    confirm = page.get_by_role("alertdialog")
    await expect(confirm).to_be_visible()
    assert (await _focused(page))["label"] == "Cancel"
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(confirm).to_be_hidden()
    await expect(page.locator("tbody").filter(has_text=label)).to_have_count(0)
