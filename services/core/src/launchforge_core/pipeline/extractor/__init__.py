"""The ``offline`` spec extractor: reads the idea with a grammar and word lists.

Deterministic (no randomness, no clock, no model, no network): the same idea,
features and theme always give the same spec. It finds the entities the idea
names (singular, PascalCase: "service records" -> ServiceRecord), their fields
and types from the words ("birth date" -> date, "cost" -> decimal, "whether
they were paid" -> boolean, "rated 1 to 5" -> integer 1..5, "a status of
planned or done" -> enum), the many-to-one relations between them ("visits of
pets", "clients and their dogs", "plots assigned to gardeners"), many-to-many
through a link entity ("which songs go in each setlist"), summary views
("streaks per habit", "monthly totals") and the app's name. What it cannot
place goes into ``Extraction.notes`` for the build log; it never adds a stock
entity the idea did not name.

Why a grammar and not an NLP library: the parsers that would help (spaCy,
stanza, NLTK's tagger) need a model fetched from a hub or a third-party copy
of one; what PyPI ships with its data (lemminflect's lexicon) marks nearly
every noun as a possible verb too ("walks", "books", "pets"), so it cannot
tell them apart. Ideas for apps use a small part of English in a few ways, so
word lists plus the words around each noun do that job, fast (well under a
millisecond a sentence) and the same every time. ``inflect`` (a maintained
library) supplies singular forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.assemble import (
    Model,
    add_implicit_relations,
    drop_bare_entities,
    entity_fields,
    names,
    resolve,
    with_display_field,
)
from launchforge_core.pipeline.extractor.reader import EntityDraft, Reading, read
from launchforge_core.pipeline.extractor.summaries import EntityInfo, read_summaries
from launchforge_core.pipeline.naming import slugify

__all__ = ["Extraction", "extract", "extract_spec"]


@dataclass
class Extraction:
    spec: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    # The entities the idea itself names (not a fallback, not a link entity): what a
    # model's spec is checked against.
    named: list[str] = field(default_factory=list)


def extract_spec(
    idea: str,
    *,
    features: tuple[str, ...] | list[str] = (),
    target_users: str | None = None,
    theme: str = "modern",
) -> dict[str, Any]:
    """A schema-valid spec derived from the idea by fixed rules (same input, same spec)."""
    return extract(idea, features=features, target_users=target_users, theme=theme).spec


def extract(
    idea: str,
    *,
    features: tuple[str, ...] | list[str] = (),
    target_users: str | None = None,
    theme: str = "modern",
) -> Extraction:
    reading = read(idea.strip(), features=[f.strip() for f in features][:20])
    model = resolve(reading)
    fallback = not model.entities
    if fallback:
        _fallback_entity(reading, model, model.notes)
    add_implicit_relations(model)
    drop_bare_entities(model, len(reading.sentences))
    notes = list(model.notes)
    entity_names = names(model)

    entities: list[dict[str, Any]] = []
    infos: dict[str, EntityInfo] = {}
    for key, draft in model.entities.items():
        fields = with_display_field(entity_names[key], key, entity_fields(draft.fields.values()))
        entities.append({"name": entity_names[key], "fields": fields})
        infos[key] = EntityInfo(
            key, entity_names[key], fields, [p for c, p in model.relations if c == key]
        )
    relations = [
        {"from": entity_names[c], "to": entity_names[p], "kind": "many_to_one", "required": False}
        for c, p in model.relations
    ]
    for owner, member in model.links:
        link = _link_entity(owner, member, model, entity_names, entities, relations)
        infos[link["key"]] = EntityInfo(link["key"], link["name"], link["fields"], [owner, member])

    summaries, summary_notes = read_summaries(reading.sentences, infos)
    notes += summary_notes
    notes += [f"not an entity: {word}" for word in reading.rejected]
    name = _app_name(reading, idea, entities)
    description = idea.strip()[:1500]
    if target_users:
        description += f" (for {target_users.strip()[:200]})"
    spec: dict[str, Any] = {
        "name": name[:80],
        "slug": slugify(name),
        "description": description,
        "theme": theme,
        "entities": entities,
        "relations": relations,
        "summaries": summaries,
    }
    _drop_invalid_summaries(spec, notes)
    named = [] if fallback else [entity_names[key] for key in model.entities]
    return Extraction(spec, notes, named)


def _fallback_entity(reading: Reading, model: Model, notes: list[str]) -> None:
    """No entity found: keep records of the idea's main noun, or of plain items."""
    words = [w for w in reading.title if w not in lx.TITLE_HEADS and w not in lx.META_NOUNS]
    key_words = [words[-1]] if words else ["item"]
    key = key_words[0]
    draft = EntityDraft(key, key_words, (0, 0), evidence=1)
    for _, field_draft in reading.focus_fields:  # fields named without an owner
        draft.fields.setdefault(field_draft.key, field_draft)
    model.entities[key] = draft
    notes.append(f"found no things to keep records of; the app keeps {key!r} records")


def _link_entity(
    owner: str,
    member: str,
    model: Model,
    entity_names: dict[str, str],
    entities: list[dict[str, Any]],
    relations: list[dict[str, Any]],
) -> dict[str, Any]:
    """Many-to-many: ``SetlistSong`` with a required, cascading tie to each side."""
    a, b = entity_names[owner], entity_names[member]
    name = f"{a}{b}"
    kept = {(entity_names[c], entity_names[p]) for c, p in model.roles}
    relations[:] = [
        r for r in relations if {r["from"], r["to"]} != {a, b} or (r["from"], r["to"]) in kept
    ]  # the link replaces a direct tie, except a role told outright ("one member leads it")
    fields = entity_fields(model.link_fields.get(frozenset((owner, member)), {}).values())
    entities.append({"name": name, "fields": fields})
    for parent in (a, b):
        relations.append(
            {
                "from": name,
                "to": parent,
                "kind": "many_to_one",
                "required": True,
                "on_delete": "cascade",
            }
        )
    return {"key": f"{owner}-{member}-link", "name": name, "fields": fields}


def _app_name(reading: Reading, idea: str, entities: list[dict[str, Any]]) -> str:
    if reading.called:
        return reading.called
    if reading.title:
        words = [w for w in reading.title if w not in ("app", "application")]
        if words:
            return " ".join(w.capitalize() for w in " ".join(words).replace("-", " ").split())
    business = re.search(
        r"\b(?:my|our|a|an|the)\s+(?:small\s+|little\s+|local\s+|tiny\s+)?"
        r"([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+(business|shop|club|clinic|studio|salon|farm|"
        r"bakery|school|team|practice|company|garden|gym|library|cafe|restaurant|kitchen|"
        r"charity|association|society|choir|band|league|store|workshop)\b",
        idea.lower(),
    )
    if business:
        words = f"{business.group(1)} {business.group(2)}".replace("-", " ").split()
        return " ".join(w.capitalize() for w in words)
    main = re.sub(r"(?<!^)([A-Z])", r" \1", entities[0]["name"])
    return f"{main} Tracker"


def _drop_invalid_summaries(spec: dict[str, Any], notes: list[str]) -> None:
    """Every summary must pass the spec's own checks; one that does not is a note."""
    from launchforge_core.pipeline.spec import SpecError, build_model

    while True:
        try:
            build_model(spec)
            return
        except SpecError as exc:
            bad = {
                int(m.group(1))
                for p in exc.problems
                if (m := re.match(r"summaries\[(\d+)\]", p.loc))
            }
            if not bad:
                raise
            for index in sorted(bad, reverse=True):
                dropped = spec["summaries"].pop(index)
                notes.append(f"summary {dropped['name']!r} left out: it does not fit the data")
