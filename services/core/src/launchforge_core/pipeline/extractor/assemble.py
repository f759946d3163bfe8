"""From what the reader found to a spec: names, field types, implicit relations.

Also where the judgement calls live: a compound whose first word is another
entity ("pet visits" when pets are kept) becomes a relation; a field named like
another entity ("visits with a pet and a date") becomes a relation; an entity
listed without any tie gets the parent a reader would assume (a visit of the
pet listed before it, a loan of the tool and the member listed before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.fields import (
    DEFAULT_CHOICES,
    FieldDraft,
    field_name,
    infer_type,
)
from launchforge_core.pipeline.extractor.reader import EntityDraft, Reading
from launchforge_core.pipeline.extractor.tokens import verb_forms
from launchforge_core.pipeline.extractor.words import (
    is_event,
    is_person,
    pascal_name,
    singular,
    snake_name,
)

MAX_ENTITIES = 12
# Events that are money a person pays or gives.
MONEY_EVENTS = frozenset(
    """payment donation contribution pledge subscription membership fee deposit refund
    invoice bill dues""".split()
)
MAX_FIELDS = 20


@dataclass
class Model:
    """The entities, relations and links, keyed by the reader's entity keys."""

    entities: dict[str, EntityDraft]
    relations: list[tuple[str, str]]
    links: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    # ties told outright ("one member leads it") that a link of the same pair keeps
    roles: list[tuple[str, str]] = field(default_factory=list)
    # the details told of one pair of a link ("for each pupil on a trip ...")
    link_fields: dict[frozenset[str], dict[str, FieldDraft]] = field(default_factory=dict)
    # "everything else hangs off a cell line": the kept record every untied one is of
    hub: str | None = None


# Heads of a compound that stays one record of the thing it names ("player stats").
# Heads that name nothing without the record before them: "player stats", "order lines",
# "invoice items" stay PlayerStat, OrderLine, InvoiceItem (tied to the player, the order).
_ONE_RECORD_HEADS = ("stat", "statistics", "line", "item")


# Words for "a record of": "a bloom record", "a feeding entry"
_RECORD_WORDS = frozenset({"record", "entry", "log"})


def resolve(reading: Reading) -> Model:
    """Merge compounds and bare heads, turn entity-named fields into relations."""
    relations = list(reading.relations)
    relations += [(c, p) for c, p in reading.pending if p in reading.entities]
    links = list(reading.links)
    relations, links = _many_sides(reading.many, relations, links)
    rename: dict[str, str] = {}
    tied = {k for pair in [*relations, *links] for k in pair}
    entities = {}
    notes: list[str] = []
    for key, draft in reading.entities.items():
        if draft.evidence <= 0:
            continue
        if draft.listed or draft.evidence >= 2 or draft.fields or key in tied:
            entities[key] = draft
        else:  # named once in passing, with nothing about it: not kept
            notes.append(f"not kept: {' '.join(draft.words)!r} (named once, with no details)")

    # "callouts (we call them shouts)": one kind of record, by the writer's own word
    for first, own in reading.aliases:
        if first not in entities or first == own:
            continue
        draft = entities.pop(first)
        if own in entities:
            _merge(entities[own], draft)
        else:
            draft.key, draft.words = own, own.split("-")
            entities[own] = draft
        rename[first] = own
    # "six public access defibrillators ... for each defib": the clipped word is the
    # whole one the idea also uses
    forms = verb_forms()
    whole_words = sorted(
        {d.words[-1] for d in reading.entities.values() if d.words[-1] not in forms}
    )
    for key, draft in list(entities.items()):
        if len(draft.words) != 1 or len(key) < 4:
            continue
        whole = next(
            (
                w
                for w in whole_words
                if w.startswith(key)
                and len(w) >= len(key) + 5  # not "advert" / "advertiser": a word of its own
                # not "game" / "gamesheet": a word and another, a thing of its own
                and w[len(key) :] not in _COMPOUND_TAILS
                and is_person(w) == is_person(key)  # not "photo" / "photographer"
            ),
            None,
        )
        if whole is None or whole in entities:
            continue
        del entities[key]
        draft.key, draft.words = whole, [whole]
        entities[whole] = draft
        rename[key] = whole
    # "concert programme" when concerts are kept: the concert itself
    for key, draft in list(entities.items()):
        first = draft.words[0]
        if len(draft.words) > 1 and first in entities and draft.words[-1] in lx.CONTAINERS:
            _merge(entities[first], draft)
            del entities[key]
            rename[key] = first
    # "player stats" when players are kept: one record of the player's (not a Stats)
    for key, draft in entities.items():
        first = draft.words[0]
        if draft.words[-1] in _ONE_RECORD_HEADS and first in entities and first != key:
            relations.append((key, first))
    split: set[str] = set()  # heads a "pet visits" compound became
    # "pet visits" when pets are an entity: a Visit of a Pet ("game night", "work day":
    # a span of time named by what fills it is a thing of its own). Only when the pets
    # have details of their own: "I test the water ... water tests" keeps WaterTest, the
    # water is no record.
    for key, draft in list(entities.items()):
        if (
            len(draft.words) > 1
            and draft.words[0] in entities
            and draft.words[0] != key
            and draft.words[-1] not in lx.PERIOD_NOUNS
            and draft.words[-1] not in _ONE_RECORD_HEADS
            and _stands_alone(entities[draft.words[0]])
            # "Quadrat species: quadrat, species, %": a record tying a quadrat to a species
            and (key, draft.words[-1]) not in relations
        ):
            if _agent_of(draft.words[-1]):
                # "puppy walkers" when puppies are kept: people who each look after some
                # puppies (a puppy's walker), not a walker of one puppy
                relations.append((draft.words[0], key))
                continue
            target = draft.words[-1]
            relations.append((target, draft.words[0]))
            if target in entities:
                _merge(entities[target], draft)
            else:
                draft.key, draft.words = target, [target]
                entities[target] = draft
            del entities[key]
            rename[key] = target
            split.add(target)
    # "each time a plant blooms I log a bloom record with ...": the record is the bloom
    for key, draft in list(entities.items()):
        first = draft.words[0]
        if len(draft.words) == 2 and first in entities and draft.words[-1] in _RECORD_WORDS:
            _merge(entities[first], draft)
            del entities[key]
            rename[key] = first
    # "records" after "service records": the same entity (but "desk bookings" made a
    # Booking of a Desk: "room bookings" are other records)
    for key, draft in list(entities.items()):
        if len(draft.words) != 1 or key not in entities or key in split:
            continue
        longer = [e for e in entities.values() if len(e.words) > 1 and e.words[-1] == key]
        if len(longer) == 1 and (key in longer[0].fields or (longer[0].key, key) in relations):
            continue  # "Quadrat species: quadrat, species, ...": a species is its own record
        if len(longer) == 1:
            _merge(longer[0], draft)
            del entities[key]
            rename[key] = longer[0].key

    def fix(key: str) -> str:
        while key in rename:
            key = rename[key]
        return key

    relations = [(fix(c), fix(p)) for c, p in relations]
    links = [(fix(a), fix(b)) for a, b in links]
    link_fields: dict[frozenset[str], dict[str, FieldDraft]] = {}
    for pair, told in reading.link_fields.items():
        link_fields.setdefault(frozenset(fix(k) for k in pair), {}).update(told)

    # a field named after another entity is a reference to it
    for key, draft in entities.items():
        for name, fdraft in list(draft.fields.items()):
            # "Tickets: date, time slot": a time slot the idea keeps (a one-word name
            # only, or a longer one the idea keeps word for word)
            last = singular(fdraft.words[-1])
            named: str | None = "-".join([*fdraft.words[:-1], last])
            if len(fdraft.words) > 1 and (fdraft.type or named not in entities):
                named = None
            many = last != fdraft.words[-1]
            if many and fdraft.type == "integer":
                continue  # "how many places they took": a count, not the places
            if named and named not in entities and not many and fdraft.type is None:
                # "Inspections: the order, the line, ...": the production line kept, by the
                # last word of its name (only one kept thing so named, no attribute word)
                ends = [k for k in entities if k.endswith(f"-{named}")]
                if len(ends) == 1 and named not in lx.ATTRIBUTE_NOUNS:
                    named = ends[0]
            if named and named in entities and named != key:
                # "Teams: name, players": the players are the team's (one of many)
                relations.append((named, key) if many else (key, named))
                del draft.fields[name]
            elif many and len(fdraft.words) == 1 and fdraft.type is None and is_person(last):
                fdraft.type = "integer"  # "Trips | date | passengers | fare": how many came

    for key, kinds in reading.kinds.items():
        owner = entities.get(fix(key))
        if owner is None:
            continue
        for fdraft in owner.fields.values():
            if fdraft.words[-1] in ("role", "type", "kind", "category") and not fdraft.choices:
                fdraft.choices, fdraft.type = kinds, "enum"
                break

    # A thing named once, only as what something else is "for" or "at", with nothing
    # about it ("sessions at the community centre", "checks for insurance"): the
    # scene, not a record
    children: dict[str, set[str]] = {}
    for c, p in relations:
        children.setdefault(p, set()).add(c)
    for key, draft in list(entities.items()):
        is_child = any(c == key for c, _ in relations)
        if (
            not draft.fields
            and not draft.listed
            and draft.evidence <= 1
            and not is_child
            and len(children.get(key, ())) == 1
            and not any(key in link for link in links)
            and not is_person(key)  # "each visit is one observer": people are records
        ):
            notes.append(f"not kept: {' '.join(draft.words)!r} (named once, with no details)")
            del entities[key]

    # "I track my blood pressure: for every reading ...", "I play competitive overwatch":
    # a thing only ever named as one, with no details, is the subject of the app, not a
    # kind of record (its records are the readings, the matches)
    for key, draft in list(entities.items()):
        if (
            not draft.counted
            and not draft.fields
            and not any(c == key for c, _ in relations)
            and not any(key in link for link in links)
            and not is_person(key)
            and len(entities) > 1
        ):
            notes.append(f"not kept: {' '.join(draft.words)!r} (named as one thing, no details)")
            del entities[key]

    # "I started walking dogs for neighbours. ...": a thing named once in a prose idea's
    # opening sentence, with nothing about it, is the scene the writer sets
    if len(reading.sentences) >= 3:
        for key, draft in list(entities.items()):
            if (
                draft.first[0] == 0
                and not draft.fields
                and (
                    (not draft.listed and draft.evidence <= 1)
                    # "I paint murals: shop fronts, school playgrounds, ...": examples
                    or (draft.listed and draft.evidence <= 2 and key not in tied)
                )
                and not any(key in link for link in links)
            ):
                notes.append(f"not kept: {' '.join(draft.words)!r} (the scene, named once)")
                del entities[key]

    # "I teach piano to kids and a few adults. I keep my students with name and phone":
    # the kids and adults are the students, named in passing; a person word with no
    # details and no ties is not a second kind of person when another one has details
    described = [k for k, d in entities.items() if is_person(k) and d.fields]
    tied = {k for pair in [*relations, *links] if set(pair) <= set(entities) for k in pair}
    for key, draft in list(entities.items()):
        if described and is_person(key) and not draft.fields and key not in tied:
            notes.append(f"not kept: {' '.join(draft.words)!r} (the people the idea describes)")
            del entities[key]

    ordered = sorted(entities.values(), key=lambda e: e.first)
    if len(ordered) > MAX_ENTITIES:
        for dropped in ordered[MAX_ENTITIES:]:
            notes.append(f"left out {dropped.key!r}: at most {MAX_ENTITIES} entities")
        ordered = ordered[:MAX_ENTITIES]
    entities = {e.key: e for e in ordered}
    relations = _acyclic(
        [(c, p) for c, p in relations if c in entities and p in entities and c != p]
    )
    links = [(a, b) for a, b in links if a in entities and b in entities]
    roles = [(fix(c), fix(p)) for c, p in reading.roles]
    roles = [r for r in roles if r[0] in entities and r[1] in entities]
    relations += [r for r in roles if r not in relations]
    hub_keys = [fix("-".join(reading.hub)), *(fix(w) for w in reading.hub[-1:])]
    hub = next((k for k in hub_keys if k in entities), None)
    return Model(entities, relations, links, notes, roles, link_fields, hub)


# "a song can be in several setlists", "a student can take several courses": both sides many.
M2M_VERBS = frozenset(
    """be go belong appear sit end join attend take use share sign-up-for sign-up register
    enrol enroll follow subscribe support watch visit speak like turn feature""".split()
)  # "a customer can follow several series": the series are others' too, not theirs
# The subject of these is the member of the link ("a song can be in several setlists",
# "a chemical turns up in many requests").
MEMBER_VERBS = frozenset({"be", "go", "belong", "appear", "sit", "end", "turn", "feature"})


def _many_sides(
    many: list[tuple[str, str, str]],
    relations: list[tuple[str, str]],
    links: list[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Pairs of "A ... several Bs" become a link (both ways, or a joining verb) or B's parent A."""
    pairs = {(a, b) for a, b, _ in many}
    for a, b, verb in many:
        if any({a, b} == set(link) for link in links):
            continue
        if (b, a) in pairs:
            owner, member = (a, b) if many.index((a, b, verb)) < len(many) else (b, a)
            links.append((owner, member))
        elif verb in M2M_VERBS:
            links.append((b, a) if verb in MEMBER_VERBS else (a, b))
        else:
            relations.append((b, a))  # "a customer can have several orders"
    relations = [r for r in relations if not any(set(r) == set(link) for link in links)]
    return relations, links


# Second words of a closed compound ("gamesheet", "scorecard", "logbook"): a word so made
# from a kept thing's name is another thing, not that name written out in full.
_COMPOUND_TAILS = frozenset(
    "sheet sheets card cards book books board boards list lists room rooms house houses "
    "ware work yard yards side line lines time times day days night nights man men".split()
)


@cache
def _verb_bases() -> frozenset[str]:
    return frozenset(verb_forms().values())


def _agent_of(word: str) -> bool:
    """``walker``, ``owner``, ``sitter``: a person named by what they do to things (a
    "player" plays for a team, no team is played)."""
    bases = _verb_bases()
    return (
        is_person(word)
        and word.endswith("er")
        and word != "player"
        and any(base in bases for base in (word[:-2], word[:-1], word[:-3]))
    )


def _stands_alone(draft: EntityDraft) -> bool:
    """Has details of its own, so it is a record and not just a word in a compound."""
    return bool(draft.fields)


def _merge(into: EntityDraft, other: EntityDraft) -> None:
    into.evidence += other.evidence
    into.first = min(into.first, other.first)
    into.listed = into.listed or other.listed
    for name, fdraft in other.fields.items():
        into.fields.setdefault(name, fdraft)


def _acyclic(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Relations in order, dropping duplicates and any that would close a cycle."""
    parents: dict[str, list[str]] = {}
    out: list[tuple[str, str]] = []

    def reaches(start: str, target: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node == target:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(parents.get(node, []))
        return False

    for child, parent in pairs:
        if (child, parent) in out or reaches(parent, child):
            continue
        out.append((child, parent))
        parents.setdefault(child, []).append(parent)
    return out


def add_implicit_relations(model: Model) -> None:
    """Ties a reader assumes for things listed without any: visits of the pet before them."""
    hub = model.hub
    if hub is not None:
        # "Everything else hangs off a cell line": each record not told to be of another
        for key in model.entities:
            if (
                key != hub
                and not any(c == key for c, _ in model.relations)
                and not any(key in link for link in model.links)
                and not _is_ancestor(model.relations, hub, key)
            ):
                model.relations.append((key, hub))
    related = {c for c, _ in model.relations} | {p for _, p in model.relations}
    related |= {k for pair in model.links for k in pair}
    order = sorted(model.entities.values(), key=lambda e: e.first)
    seen: list[EntityDraft] = []
    for entity in order:
        key = entity.key
        parents = [p for c, p in model.relations if c == key]
        if (
            key in related
            and is_event(key)
            and len(parents) == 1
            and not (key.rpartition("-")[2] in MONEY_EVENTS and is_person(parents[0]))
        ):
            # "children borrow books; for each loan ...": a loan of a child is of a book too
            # (a payment a person makes is only theirs)
            _second_parent(model, key, parents[0], seen)
            seen.append(entity)
            continue
        if key in related:
            seen.append(entity)
            continue
        if is_event(key):
            things = [e for e in seen if not is_event(e.key) and not is_person(e.key)]
            people = [e for e in seen if is_person(e.key)]
            if key.rpartition("-")[2] in MONEY_EVENTS and people:
                things = []  # a payment, a donation: made by a person
            added = []
            if things:
                added.append((key, things[-1].key))
            if people:
                person = people[-1].key
                if not things or not _is_ancestor(model.relations, things[-1].key, person):
                    added.append((key, person))
            for pair in added:
                model.relations.append(pair)
                related |= set(pair)
        elif (
            seen
            and is_person(seen[-1].key)
            and entity.listed
            and key.rpartition("-")[2] in lx.OWNED_NOUNS
        ):
            # "owners, pets ...": only a thing that people own (a pet, a car, a house)
            pair = (key, seen[-1].key)
            model.relations.append(pair)
            related |= set(pair)
        seen.append(entity)
    model.relations = _acyclic(model.relations)


def _second_parent(model: Model, key: str, parent: str, seen: list[EntityDraft]) -> None:
    """An event tied to a person is of a thing too (and the other way round)."""
    if is_person(parent):
        pool = [e.key for e in seen if not is_event(e.key) and not is_person(e.key)]
    elif not is_event(parent):
        pool = [e.key for e in seen if is_person(e.key)]
    else:
        return
    pool = [
        k
        for k in pool
        if k != parent
        and not _is_ancestor(model.relations, parent, k)
        and not _is_ancestor(model.relations, k, parent)
        and not any(c == k for c, _ in model.relations if _ == key)
        and not any({k, parent} == set(link) for link in model.links)  # already tied, many
        and not _joined(model.relations, key, k)  # order lines tie each order to its timber
        # members hold shares in horses: a horse's race is no one member's
        and not _joined(model.relations, parent, k)
    ]
    if pool:
        model.relations.append((key, pool[-1]))


def _joined(relations: list[tuple[str, str]], one: str, other: str) -> bool:
    """Whether a record of its own is the child of both (a link between them)."""
    children = {c for c, p in relations if p == one}
    return any(c in children for c, p in relations if p == other)


def _is_ancestor(relations: list[tuple[str, str]], child: str, ancestor: str) -> bool:
    stack, seen = [child], set()
    while stack:
        node = stack.pop()
        if node == ancestor:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(p for c, p in relations if c == node)
    return False


# --- the spec ---------------------------------------------------------------------------------


def spec_field(draft: FieldDraft) -> dict[str, Any]:
    words = field_name(draft)
    kind = draft.type or infer_type(words, unit=draft.unit)
    if draft.type is None and draft.words[-1] in ("flag", "yes-no"):
        kind = "boolean"  # "a late flag"
    name = snake_name(words)[:40].strip("_")
    out: dict[str, Any] = {"name": name, "type": kind, "required": False}
    if kind == "enum":
        choices = draft.choices or DEFAULT_CHOICES.get(words[-1], [])
        if len(choices) < 2:
            out["type"] = "string"
            out["max_length"] = 200
        else:
            out["choices"] = choices[:50]
    elif kind in ("integer", "number", "decimal"):
        low, high = draft.minimum, draft.maximum
        if low is None and high is None and words[-1] in ("rating", "stars"):
            low, high = 1, 5
        if low is None and kind != "number" and words[-1] not in ("score", "balance"):
            low = 0
        if low is not None and high is not None and low > high:
            low, high = high, low
        if low is not None:
            out["minimum"] = int(low) if kind == "integer" else low
        if high is not None:
            out["maximum"] = int(high) if kind == "integer" else high
        if kind == "integer":
            for bound in ("minimum", "maximum"):
                if bound in out and not float(out[bound]).is_integer():
                    out["type"] = "number"
    elif kind == "string":
        out["max_length"] = 200
    elif kind == "text":
        out["max_length"] = 5000
    return out


def entity_fields(drafts: Iterable[FieldDraft]) -> list[dict[str, Any]]:
    """The spec fields of a record's (or a link's) field drafts, in the order told."""
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for fdraft in sorted(drafts, key=lambda f: f.position):
        spec = spec_field(fdraft)
        if spec["name"] in seen or not spec["name"]:
            continue
        seen.add(spec["name"])
        fields.append(spec)
    return fields[:MAX_FIELDS]


def with_display_field(name: str, key: str, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records a person picks from a list need a name: add one where the idea gave none."""
    texty = [f for f in fields if f["type"] in ("string", "email", "phone")]
    for f in fields:
        if f["name"] in ("name", "title", "full_name"):
            f["required"] = True
            if f["type"] in ("string", "text"):  # "name (main hall or kitchen)" is an enum
                f["min_length"] = 1
            return fields
    if texty:
        return fields
    if (
        fields
        and not is_person(key)  # a pupil with a start date is still known by name
        and (is_event(key) or any(f["type"] in ("date", "datetime") for f in fields))
    ):
        return fields  # a visit, a watering: known by its date
    if is_event(key) and not fields:
        # a check-in, a visit: something that happens is known by when
        return [
            {
                "name": "date",
                "type": "date",
                "required": True,
                "description": "added: a record of something that happens needs its date",
            }
        ]
    title = "title" if key.rpartition("-")[2] in lx.EVENT_NOUNS else "name"
    return [
        {
            "name": title,
            "type": "string",
            "required": True,
            "min_length": 1,
            "max_length": 200,
            "description": "added: a record needs a name to be picked from a list",
        },
        *fields,
    ]


def names(model: Model) -> dict[str, str]:
    """Entity key -> PascalCase name, unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key, draft in model.entities.items():
        name = pascal_name(draft.words)[:40] or "Item"
        base, n = name, 2
        while name in taken:
            name = f"{base}{n}"
            n += 1
        taken.add(name)
        out[key] = name
    return out


# How often a thing with no details and no ties must be named to be kept anyway.
_BARE_BUT_KEPT = 3
# Sentences from which an idea has room to give its records details.
_LONG_IDEA = 3


def drop_bare_entities(model: Model, sentences: int) -> None:
    """A thing named with nothing about it, tied to nothing, is no record to keep.

    "a better way of keeping on top of ...", "cash", "the snow": named (or named twice)
    but never given a detail or a tie to another record. Over the idea sets read while
    tuning, 30 of 33 such entities were not in the idea's data model; what is named
    three times or more ("crates", "bread") mostly was, and stays. Kept when nothing
    else would be, so an idea always keeps something, and in a short idea ("todo app
    with projects and tasks, due dates and priorities"), where what is named is all
    there is.
    """
    _drop_headcounts(model)
    if sentences < _LONG_IDEA:
        return
    tied = {k for pair in [*model.relations, *model.links] for k in pair}
    bare = [
        k
        for k, d in model.entities.items()
        if not d.fields and k not in tied and d.evidence < _BARE_BUT_KEPT
    ]
    if len(bare) == len(model.entities):
        return
    for key in bare:
        draft = model.entities.pop(key)
        model.notes.append(f"not kept: {' '.join(draft.words)!r} (no details and no ties)")


# People named by what they are, not by a part they play: "120 women in 6 groups", "about
# 60 blokes and a handful of women on swings"
# (entity keys are singular: "people" is "person")
_GENERIC_PEOPLE = frozenset("woman man bloke guy lady gent fella chap lad lass folk person".split())


def _drop_headcounts(model: Model) -> None:
    """People counted in passing ("120 women in 6 groups") with nothing kept about them and
    no record of theirs are a headcount, not a record: the members or workers the idea
    keeps are those people already, by their part ("Each member belongs to one group").
    Their ties as a child go with them."""
    parents = {p for _, p in model.relations}
    linked = {k for pair in model.links for k in pair}
    counted = [
        k
        for k, d in model.entities.items()
        if not d.fields and k in _GENERIC_PEOPLE and k not in parents and k not in linked
    ]
    if len(counted) == len(model.entities):
        return
    for key in counted:
        draft = model.entities.pop(key)
        model.relations = [(c, p) for c, p in model.relations if c != key]
        model.notes.append(f"not kept: {' '.join(draft.words)!r} (people counted, no details)")
