"""Edits applied to a working copy of a spec, every reference kept in step.

A renamed entity is renamed in relations, summaries, routes and pages too; a
removed one takes its relations and summaries with it; a renamed or removed
field updates (or drops) the display and the summaries that name it. Fields
are made with the extractor's own rules (``spec_field``, ``with_display_field``),
so "add a priority" gives the same enum an idea naming a priority would.
"""

from __future__ import annotations

from typing import Any

from launchforge_core.pipeline.edits.model import Edit, Unapplied
from launchforge_core.pipeline.edits.phrases import FieldPhrase, name_key, words_of
from launchforge_core.pipeline.extractor.assemble import spec_field, with_display_field
from launchforge_core.pipeline.extractor.fields import DEFAULT_CHOICES
from launchforge_core.pipeline.extractor.words import pascal_name, snake_name

Entity = dict[str, Any]
Field = dict[str, Any]


class SpecDraft:
    """A spec being edited (a deep copy; the caller's spec is never changed)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        spec.setdefault("relations", [])
        spec.setdefault("summaries", [])

    # --- lookup ---------------------------------------------------------------------------

    @property
    def entities(self) -> list[Entity]:
        entities: list[Entity] = self.spec["entities"]
        return entities

    def entity(self, phrase: str) -> Entity | None:
        key = name_key(" ".join(words_of(phrase)) or phrase)
        compact = key.replace(" ", "")
        for entity in self.entities:
            ekey = name_key(entity["name"])
            if key == ekey or compact == ekey.replace(" ", ""):
                return entity
        return None

    def need_entity(self, phrase: str) -> Entity:
        entity = self.entity(phrase)
        if entity is None:
            known = ", ".join(e["name"] for e in self.entities)
            raise Unapplied(f"there is no entity named {phrase!r} (the entities are {known})")
        return entity

    @staticmethod
    def field(entity: Entity, phrase: str) -> Field | None:
        key = name_key(" ".join(words_of(phrase)) or phrase)
        fields: list[Field] = entity["fields"]
        return next((f for f in fields if name_key(f["name"]) == key), None)

    def fields_named(self, phrase: str) -> list[tuple[Entity, Field]]:
        return [(e, f) for e in self.entities if (f := self.field(e, phrase)) is not None]

    def locate(self, phrase: str, entity_phrase: str | None) -> tuple[Entity, Field]:
        """The field a phrase names: in the given entity, the only entity that has it, or
        named with its entity ("task title", "tasks' title")."""
        if entity_phrase:
            entity = self.need_entity(entity_phrase)
            found = self.field(entity, phrase)
            if found is None:
                raise Unapplied(
                    f"{entity['name']} has no field named {phrase!r} (its fields are "
                    f"{', '.join(f['name'] for f in entity['fields']) or 'none'})"
                )
            return entity, found
        matches = self.fields_named(phrase)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            owners = ", ".join(e["name"] for e, _ in matches)
            raise Unapplied(
                f"{phrase!r} is a field of {owners}: say which, e.g. "
                f"'{phrase} from {matches[0][0]['name']}'"
            )
        words = words_of(phrase)
        for cut in range(1, len(words)):
            owner = self.entity(" ".join(words[:cut]))
            if owner is not None:
                field_found = self.field(owner, " ".join(words[cut:]))
                if field_found is not None:
                    return owner, field_found
        raise Unapplied(f"no entity has a field named {phrase!r}")

    # --- entities -------------------------------------------------------------------------

    def add_entity(self, phrase: str, fields: list[FieldPhrase]) -> list[Edit]:
        words = words_of(phrase)
        if not words:
            raise Unapplied("the new entity needs a name")
        name = pascal_name(words)[:40]
        if self.entity(name) is not None:
            raise Unapplied(f"there is already an entity named {name}")
        made = self._fields(name, fields)
        key = "-".join(words)
        fields_made = with_display_field(name, key, made)
        self.entities.append({"name": name, "fields": fields_made})
        names = ", ".join(f["name"] for f in fields_made)
        return [Edit("add_entity", f"add entity {name} ({names})", entity=name)]

    def remove_entity(self, entity: Entity) -> list[Edit]:
        name = entity["name"]
        self.entities.remove(entity)
        edits = [Edit("remove_entity", f"remove entity {name}", entity=name)]
        kept = []
        for rel in self.spec["relations"]:
            if name in (rel["from"], rel["to"]):
                edits.append(
                    Edit(
                        "remove_relation",
                        f"remove the relation {rel['from']} -> {rel['to']}",
                        entity=rel["from"],
                        to=rel["to"],
                    )
                )
            else:
                kept.append(rel)
        self.spec["relations"] = kept
        for summary in list(self.spec["summaries"]):
            if summary["entity"] == name or summary.get("group_by") == name:
                edits += self._drop_summary(summary, f"it uses {name}")
        for key in ("routes", "pages"):
            for item in list(self.spec.get(key, [])):
                if item.get("entity") == name:
                    self.spec[key].remove(item)
                elif name in item.get("entities", []):
                    item["entities"] = [e for e in item["entities"] if e != name]
        return edits

    def rename_entity(self, entity: Entity, new: str) -> list[Edit]:
        old = entity["name"]
        name = pascal_name(words_of(new) or [new])[:40]
        if not name:
            raise Unapplied("the new name has no letters")
        other = self.entity(name)
        if other is not None and other is not entity:
            raise Unapplied(f"there is already an entity named {other['name']}")
        entity["name"] = name
        for rel in self.spec["relations"]:
            for end in ("from", "to"):
                if rel[end] == old:
                    rel[end] = name
        for summary in self.spec["summaries"]:
            if summary["entity"] == old:
                summary["entity"] = name
            if summary.get("group_by") == old:
                summary["group_by"] = name
        for key in ("routes", "pages"):
            for item in self.spec.get(key, []):
                if item.get("entity") == old:
                    item["entity"] = name
                if "entities" in item:
                    item["entities"] = [name if e == old else e for e in item["entities"]]
        return [Edit("rename_entity", f"rename entity {old} to {name}", entity=old, to=name)]

    # --- fields ---------------------------------------------------------------------------

    def _fields(self, entity_name: str, phrases: list[FieldPhrase]) -> list[Field]:
        made: list[Field] = []
        for phrase in phrases:
            f = spec_field(phrase.draft())
            if not f["name"]:
                raise Unapplied(f"{' '.join(phrase.words)!r} does not make a field name")
            if phrase.required:
                f["required"] = True
            if any(m["name"] == f["name"] for m in made):
                raise Unapplied(f"{f['name']!r} is named twice")
            made.append(f)
        return made

    def add_fields(self, entity: Entity, phrases: list[FieldPhrase]) -> list[Edit]:
        edits = []
        for f in self._fields(entity["name"], phrases):
            if self.field(entity, f["name"]) is not None:
                raise Unapplied(f"{entity['name']} already has a field named {f['name']!r}")
            entity["fields"].append(f)
            detail = f["type"] + (f" of {', '.join(f['choices'])}" if "choices" in f else "")
            edits.append(
                Edit(
                    "add_field",
                    f"add field {f['name']} ({detail}) to {entity['name']}",
                    entity=entity["name"],
                    field=f["name"],
                    to=f["type"],
                )
            )
        return edits

    def remove_field(self, entity: Entity, f: Field) -> list[Edit]:
        entity["fields"].remove(f)
        name = f["name"]
        edits = [
            Edit(
                "remove_field",
                f"remove field {name} from {entity['name']}",
                entity=entity["name"],
                field=name,
            )
        ]
        if entity.get("display") == name:
            del entity["display"]
        for summary in list(self.spec["summaries"]):
            if summary["entity"] == entity["name"] and name in (
                summary.get("field"),
                summary.get("group_by"),
                summary.get("date_field"),
            ):
                edits += self._drop_summary(summary, f"it uses {entity['name']}.{name}")
        return edits

    def rename_field(self, entity: Entity, f: Field, new: str) -> list[Edit]:
        old = f["name"]
        name = snake_name(words_of(new))[:40].strip("_")
        if not name:
            raise Unapplied("the new name has no letters")
        clash = self.field(entity, name)
        if clash is not None and clash is not f:
            raise Unapplied(f"{entity['name']} already has a field named {clash['name']!r}")
        f["name"] = name
        if entity.get("display") == old:
            entity["display"] = name
        for summary in self.spec["summaries"]:
            if summary["entity"] == entity["name"]:
                for key in ("field", "group_by", "date_field"):
                    if summary.get(key) == old:
                        summary[key] = name
        return [
            Edit(
                "rename_field",
                f"rename field {old} to {name} in {entity['name']}",
                entity=entity["name"],
                field=old,
                to=name,
            )
        ]

    def change_type(
        self, entity: Entity, f: Field, kind: str, choices: list[str] | None = None
    ) -> list[Edit]:
        keep: dict[str, Any] = {
            k: f[k] for k in ("name", "required", "description", "unique") if k in f
        }
        if kind == "enum":
            choices = choices or f.get("choices") or DEFAULT_CHOICES.get(f["name"].split("_")[-1])
            if not choices or len(choices) < 2:
                raise Unapplied(
                    f"a choice field needs its choices: say 'change {f['name']} to a choice "
                    "of a, b or c'"
                )
            keep["choices"] = list(dict.fromkeys(choices))[:50]
        elif kind == "string":
            keep["max_length"] = 200
        elif kind == "text":
            keep["max_length"] = 5000
            keep.pop("unique", None)
        if kind in ("boolean", "enum"):
            keep.pop("unique", None)
        f.clear()
        f.update({"name": keep.pop("name"), "type": kind, **keep})
        return [
            Edit(
                "change_type",
                f"change {entity['name']}.{f['name']} to {kind}",
                entity=entity["name"],
                field=f["name"],
                to=kind,
            )
        ]

    @staticmethod
    def set_required(entity: Entity, f: Field, required: bool) -> list[Edit]:
        f["required"] = required
        word = "required" if required else "optional"
        return [
            Edit(
                "set_required",
                f"make {entity['name']}.{f['name']} {word}",
                entity=entity["name"],
                field=f["name"],
                to=word,
            )
        ]

    # --- relations and summaries ----------------------------------------------------------

    def entity_or_new(self, phrase: str, edits: list[Edit]) -> Entity:
        """The entity a phrase names, made (with a name) when there is none, as the
        extractor makes the things an idea names."""
        found = self.entity(phrase)
        if found is not None:
            return found
        edits += self.add_entity(phrase, [])
        return self.entities[-1]

    def add_relation(self, child_phrase: str, parent_phrase: str) -> list[Edit]:
        edits: list[Edit] = []
        child = self.entity_or_new(child_phrase, edits)
        parent = self.entity_or_new(parent_phrase, edits)
        if child is parent:
            raise Unapplied(f"{child['name']} cannot belong to itself")
        for rel in self.spec["relations"]:
            if rel["from"] == child["name"] and rel["to"] == parent["name"]:
                raise Unapplied(f"{child['name']} already belongs to {parent['name']}")
        self.spec["relations"].append(
            {"from": child["name"], "to": parent["name"], "kind": "many_to_one", "required": False}
        )
        edits.append(
            Edit(
                "add_relation",
                f"each {child['name']} belongs to a {parent['name']}",
                entity=child["name"],
                to=parent["name"],
            )
        )
        return edits

    def add_summaries(self, found: list[dict[str, Any]]) -> list[Edit]:
        edits = []
        for summary in found:
            if any(s["name"] == summary["name"] for s in self.spec["summaries"]):
                raise Unapplied(f"there is already a summary named {summary['name']!r}")
            self.spec["summaries"].append(summary)
            edits.append(
                Edit(
                    "add_summary",
                    f"add summary {summary['name']!r} ({summary['kind']} of {summary['entity']})",
                    entity=summary["entity"],
                    field=summary.get("field"),
                    to=summary["name"],
                )
            )
        return edits

    def _drop_summary(self, summary: dict[str, Any], why: str) -> list[Edit]:
        self.spec["summaries"].remove(summary)
        return [
            Edit(
                "remove_summary",
                f"remove summary {summary['name']!r} ({why})",
                entity=summary["entity"],
                to=summary["name"],
            )
        ]

    def entity_key(self, entity: Entity) -> str:
        return name_key(entity["name"]).replace(" ", "-")


def all_fields_phrase(phrases: list[FieldPhrase]) -> str:
    return ", ".join(" ".join(p.words) for p in phrases)
