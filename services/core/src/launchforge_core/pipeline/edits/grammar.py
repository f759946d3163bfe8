"""The commands a change request is read with, one regular expression each.

Each command matches a whole clause and applies itself to the draft, or
returns None when the clause is not its kind (the next one is tried); a clause
it recognises but cannot apply raises :class:`Unapplied` with the reason.
Hand-written rather than a parser library: the phrasings are few and fixed,
and each needs the spec at hand to decide (is "notes" an entity or a field?).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from launchforge_core.pipeline.edits.apply import SpecDraft
from launchforge_core.pipeline.edits.model import Edit, Unapplied
from launchforge_core.pipeline.edits.phrases import (
    TYPE_WORDS,
    FieldPhrase,
    field_phrase,
    name_key,
    split_list,
    strip_kind,
    type_word,
    words_of,
)
from launchforge_core.pipeline.extractor.summaries import EntityInfo, read_summaries
from launchforge_core.pipeline.extractor.tokens import split_sentences, tokenize
from launchforge_core.pipeline.extractor.words import singular

Command = Callable[[SpecDraft, str], list[Edit] | None]

_NOUN = r"[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?"
_IN = r"(?:in|on|of|for|from)"
_TYPES = "|".join(re.escape(t) for t in sorted(TYPE_WORDS, key=len, reverse=True))
_REQ = r"required|mandatory|optional|not required|not mandatory"


def _fields(text: str) -> list[FieldPhrase]:
    phrases = []
    # "a status of open, blocked or done": one field and its choices, not three fields
    items = (
        [text]
        if re.search(r"\s(?:of|one of|with choices|with values)\s.*\sor\s", text, re.I)
        else split_list(text)
    )
    for item in items:
        phrase = field_phrase(item)
        if phrase is None:
            raise Unapplied(f"{item!r} does not read as a field name")
        phrases.append(phrase)
    if not phrases:
        raise Unapplied("no field is named")
    return phrases


def _proper(phrase: str) -> bool:
    """A capitalised name ("Note") means the entity when a field has the same name."""
    return phrase.strip()[:1].isupper()


def _both(phrase: str, entity: str, fields: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    owners = ", ".join(e["name"] for e, _ in fields)
    return (
        f"{phrase!r} is both an entity and a field of {owners}: say "
        f"'the {entity} entity' or 'the {phrase} field'"
    )


def rename(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        rf"^(?:rename|relabel|call)\s+(?P<old>.+?)\s+(?:to|as|into)\s+(?P<new>.+?)"
        rf"(?:\s+{_IN}\s+(?P<ent>{_NOUN}))?$",
        text,
        re.I,
    )
    if m is None:
        return None
    old, kind = strip_kind(m.group("old"))
    new, _ = strip_kind(m.group("new"))
    ent = m.group("ent")
    entity = draft.entity(old) if kind != "field" and not ent else None
    if entity is not None:
        fields = draft.fields_named(old) if kind is None else []
        if not fields or _proper(old):
            return draft.rename_entity(entity, new)
        raise Unapplied(_both(old, entity["name"], fields))
    if kind == "entity":
        draft.need_entity(old)
    found_entity, found = draft.locate(old, ent)
    return draft.rename_field(found_entity, found, new)


def remove(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        rf"^(?:remove|delete|drop|get rid of|take out)\s+(?P<what>.+?)"
        rf"(?:\s+(?:from|in|of|on)\s+(?P<ent>{_NOUN}?)(?:\s+(?:entity|table))?)?$",
        text,
        re.I,
    )
    if m is None:
        return None
    edits: list[Edit] = []
    ent = m.group("ent")
    for item in split_list(m.group("what")):
        phrase, kind = strip_kind(item)
        if kind == "entity":
            edits += draft.remove_entity(draft.need_entity(phrase))
            continue
        entity = draft.entity(phrase) if not ent else None
        fields = draft.fields_named(phrase) if not ent else []
        if entity is not None and kind is None:
            if fields and not _proper(phrase):
                raise Unapplied(_both(phrase, entity["name"], fields))
            edits += draft.remove_entity(entity)
            continue
        owner, found = draft.locate(phrase, ent)
        edits += draft.remove_field(owner, found)
    return edits


def required(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        rf"^(?:make|mark|set)\s+(?P<what>.+?)(?:\s+{_IN}\s+(?P<ent>{_NOUN}))?"
        rf"\s+(?:as\s+|to\s+|to be\s+|be\s+)?(?P<req>{_REQ})$",
        text,
        re.I,
    ) or re.match(
        rf"^(?P<what>.+?)(?:\s+{_IN}\s+(?P<ent>{_NOUN}))?\s+(?:is|are|should be|must be|"
        rf"becomes?|will be)\s+(?P<req>{_REQ})$",
        text,
        re.I,
    )
    if m is None:
        return None
    is_required = not m.group("req").lower().startswith(("optional", "not"))
    edits: list[Edit] = []
    for item in split_list(m.group("what")):
        phrase, _ = strip_kind(item)
        entity, found = draft.locate(phrase, m.group("ent"))
        edits += draft.set_required(entity, found, is_required)
    return edits


def change_type(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        rf"^(?:change|make|turn|set|convert|switch)\s+(?:the\s+type\s+of\s+)?(?P<what>.+?)"
        rf"(?:\s+{_IN}\s+(?P<ent>{_NOUN}))?\s+(?:(?:in)?to\s+(?:be\s+)?|into\s+|be\s+|as\s+)?"
        rf"(?P<type>(?:an?\s+)?(?:{_TYPES}))(?:\s+(?:field|type|value))?"
        rf"(?:\s+(?:of|with choices|with values|one of|from)\s+(?P<choices>.+))?$",
        text,
        re.I,
    )
    if m is None:
        return None
    kind = type_word(m.group("type"))
    if kind is None:
        return None
    choices = None
    if m.group("choices"):
        choices = [c.lower() for c in split_list(m.group("choices").replace(" or ", ", "))]
    phrase, _ = strip_kind(m.group("what"))
    entity, found = draft.locate(phrase, m.group("ent"))
    return draft.change_type(entity, found, kind, choices)


def add_entity(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        r"^(?:add|create|make)\s+(?:an?\s+|the\s+|new\s+)*(?P<name>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
        r"\s+(?:entity|table|model|record type|kind of record)"
        r"(?:\s+(?:with|having|that has|holding|of)\s+(?P<fields>.+))?$",
        text,
        re.I,
    ) or re.match(
        r"^(?:add|create)\s+(?:an?\s+|the\s+|new\s+)*(?:entity|table|model)\s+(?:called\s+|named\s+)?"
        r"(?P<name>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
        r"(?:\s+(?:with|having|that has|holding)\s+(?P<fields>.+))?$",
        text,
        re.I,
    )
    if m is None:
        return None
    fields = _fields(m.group("fields")) if m.group("fields") else []
    return draft.add_entity(m.group("name"), fields)


def relation(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = (
        re.match(
            rf"^(?:each\s+|every\s+|an?\s+|the\s+|all\s+)?(?P<child>{_NOUN}?)\s+"
            rf"(?:belongs?|should belong|must belong)\s+to\s+(?:an?\s+|the\s+|one\s+)?"
            rf"(?P<parent>{_NOUN})$",
            text,
            re.I,
        )
        or re.match(
            rf"^(?:link|relate|connect|attach)\s+(?P<child>{_NOUN}?)\s+(?:to|with)\s+"
            rf"(?:an?\s+|the\s+)?(?P<parent>{_NOUN})$",
            text,
            re.I,
        )
        or re.match(
            rf"^(?:add|create)\s+(?:an?\s+)?(?:relation|relationship|link|reference)\s+"
            rf"from\s+(?P<child>{_NOUN}?)\s+to\s+(?P<parent>{_NOUN})$",
            text,
            re.I,
        )
    )
    if m is not None:
        return draft.add_relation(m.group("child"), m.group("parent"))
    m = re.match(
        rf"^(?:each\s+|every\s+|an?\s+|one\s+|the\s+|all\s+)?(?P<owner>{_NOUN}?)\s+"
        r"(?:has|have|holds|contains|includes|can have|should have|gets?|needs?|keeps?)\s+"
        r"(?P<rest>.+)$",
        text,
        re.I,
    )
    if m is None:
        return None
    owner = draft.entity(m.group("owner"))
    rest = m.group("rest")
    many = re.match(
        r"^(?:many|several|some|multiple|any number of|zero or more|one or more|a list of|"
        r"a few|lots of)\s+(?P<child>.+)$",
        rest,
        re.I,
    )
    words = words_of(many.group("child") if many else rest)
    plural = bool(words) and singular(words[-1]) != words[-1] and len(words) <= 2
    single = re.match(r"^(?:an?|one)\s+(?P<parent>.+)$", rest, re.I)
    if owner is None:
        if draft.entity(m.group("owner")) is None and (plural or many):
            # "each recipe has tags" with no Recipe: made like the extractor would
            return draft.add_relation(" ".join(words), m.group("owner"))
        return None
    if single and draft.entity(single.group("parent")) is not None:
        return draft.add_relation(owner["name"], single.group("parent"))  # has a project
    if (plural or many) and split_list(rest) == [rest]:
        target = " ".join(words)
        if draft.entity(target) is not None or draft.field(owner, target) is None:
            return draft.add_relation(target, owner["name"])  # has tags
    return draft.add_fields(owner, _fields(rest))  # has a due date


def _infos(draft: SpecDraft) -> dict[str, EntityInfo]:
    infos: dict[str, EntityInfo] = {}
    for entity in draft.entities:
        key = draft.entity_key(entity)
        parents = [
            name_key(r["to"]).replace(" ", "-")
            for r in draft.spec["relations"]
            if r["from"] == entity["name"]
        ]
        infos[key] = EntityInfo(key, entity["name"], entity["fields"], parents)
    return infos


_SUMMARY_WORDS = (
    r"count|number|total|totals|sum|average|mean|how many|percent|percentage|share|"
    r"streak|streaks|daily|weekly|monthly|yearly|minimum|maximum"
)


def summary(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        r"^(?:add|show|create|include|compute|give me)\s+(?:an?\s+|the\s+)?"
        r"(?:summary\s+(?:of\s+)?)?"
        rf"(?P<what>(?:{_SUMMARY_WORDS})\b.*)$",
        text,
        re.I,
    )
    if m is None:
        return None
    what = m.group("what")
    found, _ = read_summaries(split_sentences(tokenize(what)), _infos(draft))
    if not found:
        if re.search(r"\s(?:to|on|for)\s", what) and not re.search(r"\b(?:by|per)\b", what):
            return None  # "add a count to tasks": a field called count
        raise Unapplied(
            "it reads as a summary but names no entity and field it can compute "
            "(e.g. 'add a count of tasks by status', 'add the total cost per project')"
        )
    return draft.add_summaries(found)


def add_fields(draft: SpecDraft, text: str) -> list[Edit] | None:
    m = re.match(
        rf"^(?:add|include|track|store|record|keep)\s+(?P<fields>.+?)\s+(?:to|on|for|in)\s+"
        rf"(?:the\s+|each\s+|every\s+|all\s+)?(?P<ent>{_NOUN}?)(?:\s+(?:entity|table|records?))?$",
        text,
        re.I,
    )
    if m is not None and draft.entity(m.group("ent")) is not None:
        return draft.add_fields(draft.need_entity(m.group("ent")), _fields(m.group("fields")))
    g = re.match(
        r"^give\s+(?:each\s+|every\s+|all\s+|the\s+)?(?P<ent>[a-z][\w-]*)\s+(?P<fields>.+)$",
        text,
        re.I,
    )
    if g is not None:
        return draft.add_fields(draft.need_entity(g.group("ent")), _fields(g.group("fields")))
    if m is not None:
        draft.need_entity(m.group("ent"))  # raises: names the entities there are
    a = re.match(r"^(?:add|include|track|store|record)\s+(?P<fields>.+)$", text, re.I)
    if a is None:
        return None
    if len(draft.entities) != 1:
        raise Unapplied(
            "say which entity gets it, e.g. '" + text + " to " + draft.entities[0]["name"] + "'"
        )
    return draft.add_fields(draft.entities[0], _fields(a.group("fields")))


# Order matters: the specific commands first, the broad "add ..." last.
COMMANDS: tuple[Command, ...] = (
    rename,
    remove,
    required,
    change_type,
    add_entity,
    summary,
    relation,
    add_fields,
)

HELP = (
    "not understood; try e.g. 'add a priority to tasks', 'remove the phone field', "
    "'rename Customer to Client', 'make email required', 'change price to an integer', "
    "'add a Tag entity with name and color', 'each recipe has tags', "
    "'add a count of tasks by status'"
)
