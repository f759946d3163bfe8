"""The OpenAPI -> spec reading of ``bench/spec/bench_openapi.py`` on real generated apps.

The benchmark's app-level figures are only as good as this reading: an app
rendered from a hand-written spec (a relation and a link entity) must give back
its spec's entities, fields and relations, with nothing of the generator's own
(``id``, the embedded parent, the foreign keys, FastAPI's error schemas) read as
the idea's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from launchforge_core.pipeline.generator import render_project
from launchforge_core.pipeline.naming import snake
from launchforge_core.pipeline.spec import build_model, normalised_spec

BENCH = Path(__file__).resolve().parents[4] / "bench" / "spec"
SPECS = Path(__file__).parent / "specs"


@pytest.fixture(scope="module")
def bench() -> Any:
    sys.path.insert(0, str(BENCH))
    try:
        import bench_openapi

        yield bench_openapi
    finally:
        sys.path.remove(str(BENCH))


def _app_spec(bench: Any, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = json.loads((SPECS / name).read_text())
    app = build_model(spec)
    files = render_project(app, normalised_spec(spec, app), generator="test")
    return spec, bench.openapi_to_spec(bench.app_openapi(files))


def test_an_app_with_a_link_entity_reads_back_as_its_spec(bench: Any) -> None:
    spec, got = _app_spec(bench, "band-manager.json")

    fields = {e["name"]: [f["name"] for f in e["fields"]] for e in got["entities"]}
    assert fields == {e["name"]: [snake(f["name"]) for f in e["fields"]] for e in spec["entities"]}
    assert fields["SetlistSong"] == ["position"]  # not setlist_id, song_id, setlist, song, id
    assert {(r["from"], r["to"]) for r in got["relations"]} == {
        ("Song", "Band"),
        ("Setlist", "Band"),
        ("SetlistSong", "Setlist"),
        ("SetlistSong", "Song"),
    }
    types = {f["name"]: f["type"] for e in got["entities"] for f in e["fields"]}
    assert types["price"] == "decimal"
    assert types["played_on"] == "date"
    assert types["genre"] == "enum"

    gold = {
        "id": "band-manager",
        "style": "list",
        "entities": {
            e["name"]: {snake(f["name"]): f["type"] for f in e["fields"]} for e in spec["entities"]
        },
    }
    gold["entities"]["SetlistSong"]["_link"] = True
    gold["relations"] = [[r["from"], r["to"]] for r in spec["relations"]]
    scored = bench.score_spec(gold, got)
    for part in ("entity", "field", "relation"):
        assert scored.scores[part].recall == 1.0, scored.misses
        assert scored.scores[part].precision == 1.0, scored.misses


def test_a_foreign_key_not_named_after_its_parent_is_no_relation(bench: Any) -> None:
    """The acceptance note's rule: a relation is a ``<parent>_id`` property. The vet
    clinic's visits name their two vets ``attending_vet_id`` and ``referring_vet_id``."""
    _spec, got = _app_spec(bench, "vet-clinic.json")

    assert {(r["from"], r["to"]) for r in got["relations"]} == {("Pet", "Owner"), ("Visit", "Pet")}
    visit = next(e for e in got["entities"] if e["name"] == "Visit")
    assert not any(f["name"].endswith("_id") for f in visit["fields"])


def test_names_the_python_spells_otherwise_read_back_as_written(bench: Any) -> None:
    """``date`` is ``date_value`` in the app's Python but ``date`` in its OpenAPI, so the
    acceptance reading finds the person's own names (only ``id``, the primary key's,
    and a second ``Date`` keep their safe spelling)."""
    _, got = _app_spec(bench, "dance-school.json")

    fields = {e["name"]: [f["name"] for f in e["fields"]] for e in got["entities"]}
    assert fields["Class"] == [
        "format",
        "type",
        "date",
        "time",
        "property",
        "model_number",
        "id_value",
        "date_value_2",
    ]
    assert fields["Booking"] == ["sum", "datetime", "paid"]
    assert {(r["from"], r["to"]) for r in got["relations"]} == {("Booking", "Class")}


def test_a_loose_name_matches_its_closest_candidate(bench: Any) -> None:
    """Whatever the order the app lists them in: "Recipe" is the CocktailRecipe, not the
    link entity CocktailRecipeBottle that also holds the word."""
    scorer = sys.modules[bench.score_spec.__module__]  # bench_spec, which the bench scores with
    pred = ["CocktailRecipeBottle", "Bottle", "CocktailRecipe"]
    assert scorer.match(["Recipe", "Bottle"], pred) == {
        "Recipe": "CocktailRecipe",
        "Bottle": "Bottle",
    }


def test_a_sets_gold_types_are_read_in_its_own_vocabulary(bench: Any) -> None:
    """The early sets write money as ``decimal``; the sets that name ``money`` write a
    measurement as ``decimal``, which is the spec's ``number``."""
    scorer = sys.modules[bench.score_spec.__module__]
    early = {i["id"]: i for i in scorer.load_set(BENCH / "devset.yaml")}
    late = {i["id"]: i for i in scorer.load_set(BENCH / "holdout18.yaml")}
    early_types = {t for i in early.values() for f in i["entities"].values() for t in f.values()}
    assert "decimal" in early_types  # money, kept as the spec's decimal
    legionella = late["legionella-checks"]["entities"]
    assert legionella["Check"]["temperature_after_1_minute"] == "number"
    assert scorer.gold_type(late["job-applications"]["entities"]["Application"]["salary"]) == (
        "decimal"
    )
