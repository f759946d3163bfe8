"""The generated page: model.json (pipeline/page_model.py) and the static HTML rendered
from it. A browser drives the page in tests-e2e/browser; these pin what it is built from."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from launchforge_core.pipeline import build_model
from launchforge_core.pipeline.generator import THEMES, render_project
from launchforge_core.pipeline.page_model import humanize, page_model

EVERY_TYPE = {
    "name": "Everything",
    "entities": [
        {
            "name": "Game",
            "fields": [
                {"name": "title", "type": "string", "required": True, "max_length": 80},
                {"name": "played on", "type": "date", "required": True},
            ],
        },
        {
            "name": "Team",
            "fields": [
                {"name": "name", "type": "string", "required": True},
                {"name": "story", "type": "text"},
                {"name": "players", "type": "integer", "minimum": 1, "maximum": 40},
                {"name": "rating", "type": "number"},
                {"name": "budget", "type": "decimal", "minimum": 0},
                {"name": "active", "type": "boolean"},
                {"name": "founded", "type": "date"},
                {"name": "last seen", "type": "datetime"},
                {"name": "kick off", "type": "time"},
                {"name": "email", "type": "email"},
                {"name": "site", "type": "url"},
                {"name": "phone", "type": "phone", "description": "The coach's line"},
                {"name": "level", "type": "enum", "choices": ["amateur", "pro"]},
            ],
        },
    ],
    # The child comes first in the spec; two relations to the same parent.
    "relations": [
        {"from": "Game", "to": "Team", "field": "home", "required": True},
        {"from": "Game", "to": "Team", "field": "away", "required": False},
    ],
    "summaries": [{"name": "Games per home team", "entity": "Game", "kind": "count",
                   "group_by": "home"}],
}  # fmt: skip


def _by_key(model: dict) -> dict[str, dict]:
    return {e["key"]: e for e in model["entities"]}


def test_inputs_fit_each_type_with_their_bounds():
    fields = {f["name"]: f for f in _by_key(page_model(build_model(EVERY_TYPE)))["team"]["fields"]}
    assert {name: f["input"] for name, f in fields.items()} == {
        "name": "text",
        "story": "textarea",
        "players": "number",
        "rating": "number",
        "budget": "number",
        "active": "checkbox",
        "founded": "date",
        "last_seen": "datetime-local",
        "kick_off": "time",
        "email": "email",
        "site": "url",
        "phone": "tel",
        "level": "select",
    }
    assert (fields["players"]["minimum"], fields["players"]["maximum"]) == (1, 40)
    assert fields["players"]["step"] == "1"
    assert fields["rating"]["step"] == "any"
    assert (fields["rating"]["minimum"], fields["rating"]["maximum"]) == (None, None)
    assert fields["budget"]["step"] == "0.01"
    assert (fields["budget"]["minimum"], fields["budget"]["maximum"]) == (0, 9_999_999_999.99)
    assert fields["level"]["choices"] == ["amateur", "pro"]
    assert fields["phone"]["help"] == "The coach's line"
    assert fields["last_seen"]["label"] == "Last seen"


def test_an_unbounded_integer_input_is_bounded_like_the_api():
    item = {"name": "Item", "fields": [{"name": "n", "type": "integer"}]}
    spec = {"name": "N", "entities": [item]}
    (field,) = page_model(build_model(spec))["entities"][0]["fields"]
    assert (field["minimum"], field["maximum"]) == (-(2**31), 2**31 - 1)


def test_date_inputs_are_bounded_to_the_years_the_api_takes():
    """Without a max, Chromium's year segment takes six digits and a date typed by keyboard
    runs on into the year; with it the segment stops at four."""
    team = _by_key(page_model(build_model(EVERY_TYPE)))["team"]
    fields = {f["name"]: f for f in team["fields"]}
    assert (fields["founded"]["minimum"], fields["founded"]["maximum"]) == (
        "0001-01-01",
        "9999-12-31",
    )
    assert (fields["last_seen"]["minimum"], fields["last_seen"]["maximum"]) == (
        "0001-01-01T00:00",
        "9999-12-31T23:59",
    )
    html = _render(EVERY_TYPE)["app/static/index.html"].decode()
    assert 'type="datetime-local"' in html
    assert 'max="9999-12-31T23:59"' in html


def test_parents_come_first_and_paths_are_relative():
    model = page_model(build_model(EVERY_TYPE))
    assert [e["key"] for e in model["entities"]] == ["team", "game"]
    team, game = model["entities"]
    assert team["path"] == "api/teams"
    assert [c["path"] for c in team["children"]] == [
        "api/teams/{id}/games",
        "api/teams/{id}/games-by-away-id",
    ]
    assert [c["label"] for c in team["children"]] == ["Games (home)", "Games (away)"]
    assert [(r["field"], r["name"], r["parent"], r["required"]) for r in game["relations"]] == [
        ("home_id", "home", "team", True),
        ("away_id", "away", "team", False),
    ]
    assert model["summaries"][0]["path"] == "api/summaries/games-per-home-team"
    assert model["summaries"][0]["group_label"] == "Team"
    assert model["summaries"][0]["caption"] == "Number of games by team"


# A bug tracker as the extractor reads it: the release (a number and a date) is the
# bugs' optional parent, so parents-first alone would open the page on a form with
# nothing to type in words.
RELEASES_AND_BUGS = {
    "name": "Bugs",
    "entities": [
        {"name": "Release", "fields": [{"name": "version", "type": "integer"},
                                       {"name": "released on", "type": "date"}]},
        {"name": "Bug", "fields": [{"name": "title", "type": "string", "required": True}]},
        {"name": "Comment", "fields": [{"name": "body", "type": "string"}]},
    ],
    "relations": [
        {"from": "Bug", "to": "Release", "required": False},
        {"from": "Comment", "to": "Bug", "required": True},
    ],
}  # fmt: skip


def test_the_first_form_has_text_to_type_when_an_entity_offers_it():
    keys = [e["key"] for e in page_model(build_model(RELEASES_AND_BUGS))["entities"]]
    assert keys == ["bug", "release", "comment"]


def test_a_required_parent_stays_ahead_of_a_child_with_text():
    spec = {**RELEASES_AND_BUGS, "relations": [
        {"from": "Bug", "to": "Release", "required": True},
        {"from": "Comment", "to": "Bug", "required": True},
    ]}  # fmt: skip
    keys = [e["key"] for e in page_model(build_model(spec))["entities"]]
    assert keys == ["release", "bug", "comment"]


def test_without_any_text_input_the_order_stays_parents_first():
    spec = {**RELEASES_AND_BUGS, "entities": [
        RELEASES_AND_BUGS["entities"][0],
        {"name": "Bug", "fields": [{"name": "found on", "type": "date"}]},
        {"name": "Comment", "fields": [{"name": "stars", "type": "integer"}]},
    ]}  # fmt: skip
    keys = [e["key"] for e in page_model(build_model(spec))["entities"]]
    assert keys == ["release", "bug", "comment"]


def test_lists_show_the_name_then_parents_then_short_texts_first():
    game = _by_key(page_model(build_model(EVERY_TYPE)))["game"]
    assert [c["name"] for c in game["columns"]] == ["title", "home_id", "away_id", "played_on"]
    team = _by_key(page_model(build_model(EVERY_TYPE)))["team"]
    shown = [c["name"] for c in team["columns"]]
    assert shown[0] == "name"
    assert len(shown) == 6
    assert {"email", "site", "phone", "level"} <= set(shown)
    assert "story" not in shown


def test_humanize():
    assert humanize("started_on") == "Started on"
    assert humanize("CheckIn") == "Check in"
    assert humanize("SKU code") == "SKU code"
    assert humanize("birth date") == "Birth date"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.scripts: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **a})
        elif tag == "label":
            self.labels.add(a.get("for", ""))
        elif tag == "script":
            self.scripts.append(a)


def _render(spec: dict, theme: str = "modern") -> dict[str, bytes]:
    return render_project(build_model(spec, theme=theme), spec, generator="test")


def test_static_html_has_the_forms_with_labels():
    files = _render(EVERY_TYPE)
    page = _Page()
    page.feed(files["app/static/index.html"].decode())
    ids = {c["id"] for c in page.controls}
    for entity in json.loads(files["app/static/model.json"])["entities"]:
        for field in entity["fields"]:
            assert f"{entity['id']}--f-{field['name']}" in ids
        for relation in entity["relations"]:
            assert f"{entity['id']}--f-{relation['field']}" in ids
    assert all(c["id"] in page.labels for c in page.controls)
    assert page.scripts == [{"src": "static/app.js", "defer": ""}]


def test_names_from_the_spec_reach_the_page_as_text_only():
    evil = '<img src=x onerror="alert(1)">'
    spec = {
        "name": f"{evil} app",
        "description": "</script><script>alert(2)</script>",
        "entities": [
            {
                "name": "Note",
                "fields": [
                    {"name": evil, "type": "string"},
                    {"name": "kind", "type": "enum", "choices": [evil, "x"]},
                ],
            }
        ],
    }
    files = _render(spec)
    html = files["app/static/index.html"].decode()
    assert "<img" not in html
    assert "<script>alert" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    model = json.loads(files["app/static/model.json"])
    assert model["name"] == f"{evil} app"
    assert model["entities"][0]["fields"][1]["choices"][0] == evil


@pytest.mark.parametrize("theme", sorted(set(THEMES) - {"modern"}))
def test_a_theme_changes_the_look_not_the_page(theme):
    modern, other = _render(EVERY_TYPE, "modern"), _render(EVERY_TYPE, theme)
    assert other["app/static/app.js"] == modern["app/static/app.js"]
    swap = other["app/static/index.html"].replace(f"theme-{theme}".encode(), b"theme-modern")
    assert swap == modern["app/static/index.html"]
    assert other["app/static/style.css"] != modern["app/static/style.css"]
    model = json.loads(other["app/static/model.json"])
    assert model | {"theme": "modern"} == json.loads(modern["app/static/model.json"])
