"""The ``offline`` spec extractor: deterministic rules from the free-text idea.

No randomness, no clock, no model: the same idea (and features, theme) always
gives the same spec. Known nouns ("habits", "check-ins", "recipes"...) map to
entities with sensible fields; phrases such as "track X" or "X and their Y"
add unknown nouns as generic entities and many-to-one relations; feature
phrases ("due dates", "priorities", "ratings") add fields to the main entity.
There is always at least one entity.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

from launchforge_core.pipeline.naming import singular, slugify

F = dict[str, Any]


def _s(name: str, *, required: bool = False, max_length: int = 200, unique: bool = False) -> F:
    out: F = {"name": name, "type": "string", "required": required, "max_length": max_length}
    if required:
        out["min_length"] = 1
    if unique:
        out["unique"] = True
    return out


def _t(name: str) -> F:
    return {"name": name, "type": "text", "required": False, "max_length": 5000}


def _n(
    name: str,
    kind: str = "integer",
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    required: bool = False,
) -> F:
    out: F = {"name": name, "type": kind, "required": required}
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return out


def _f(name: str, kind: str, *, required: bool = False, unique: bool = False) -> F:
    out: F = {"name": name, "type": kind, "required": required}
    if unique:
        out["unique"] = True
    return out


def _e(name: str, choices: list[str], *, required: bool = False) -> F:
    return {"name": name, "type": "enum", "choices": choices, "required": required}


# keyword (singular, lowercase) -> (entity name, fields, default parent keyword)
CATALOG: dict[str, tuple[str, list[F], str | None]] = {
    "habit": (
        "Habit",
        [
            _s("name", required=True, max_length=120),
            _t("description"),
            _e("frequency", ["daily", "weekly", "monthly"], required=True),
            _f("active", "boolean"),
            _f("started_on", "date"),
        ],
        None,
    ),
    "check-in": (
        "CheckIn",
        [_f("checked_on", "date", required=True), _t("note"), _n("rating", minimum=1, maximum=5)],
        "habit",
    ),
    "task": (
        "Task",
        [
            _s("title", required=True),
            _t("description"),
            _f("due_date", "date"),
            _f("done", "boolean"),
            _e("priority", ["low", "medium", "high"]),
        ],
        "project",
    ),
    "project": (
        "Project",
        [_s("name", required=True), _t("description"), _f("deadline", "date")],
        None,
    ),
    "recipe": (
        "Recipe",
        [
            _s("title", required=True),
            _t("instructions"),
            _n("servings", minimum=1, maximum=100),
            _n("prep_minutes", minimum=0, maximum=1440),
        ],
        None,
    ),
    "ingredient": (
        "Ingredient",
        [
            _s("name", required=True, max_length=120),
            _n("quantity", "number", minimum=0),
            _s("unit", max_length=30),
        ],
        "recipe",
    ),
    "book": (
        "Book",
        [
            _s("title", required=True),
            _s("author", max_length=120),
            _s("isbn", max_length=20),
            _f("published_on", "date"),
        ],
        None,
    ),
    "customer": (
        "Customer",
        [
            _s("name", required=True, max_length=120),
            _f("email", "email", required=True, unique=True),
            _s("phone", max_length=40),
        ],
        None,
    ),
    "order": (
        "Order",
        [
            _f("ordered_at", "datetime", required=True),
            _n("total", "number", minimum=0),
            _e("status", ["pending", "paid", "shipped", "cancelled"]),
        ],
        "customer",
    ),
    "product": (
        "Product",
        [
            _s("name", required=True),
            _n("price", "number", minimum=0),
            _s("sku", max_length=64, unique=True),
            _f("in_stock", "boolean"),
        ],
        None,
    ),
    "event": (
        "Event",
        [
            _s("title", required=True),
            _f("starts_at", "datetime", required=True),
            _s("location", max_length=200),
            _t("description"),
        ],
        None,
    ),
    "attendee": (
        "Attendee",
        [_s("name", required=True, max_length=120), _f("email", "email", required=True)],
        "event",
    ),
    "expense": (
        "Expense",
        [
            _s("description", required=True),
            _n("amount", "number", minimum=0, required=True),
            _f("spent_on", "date", required=True),
        ],
        "category",
    ),
    "category": ("Category", [_s("name", required=True, max_length=80, unique=True)], None),
    "note": ("Note", [_s("title", required=True), _t("body")], None),
    "workout": (
        "Workout",
        [
            _f("performed_on", "date", required=True),
            _n("duration_minutes", minimum=1, maximum=1440),
            _t("notes"),
        ],
        None,
    ),
    "exercise": (
        "Exercise",
        [
            _s("name", required=True, max_length=120),
            _n("sets", minimum=1, maximum=100),
            _n("reps", minimum=1, maximum=1000),
            _n("weight_kg", "number", minimum=0),
        ],
        "workout",
    ),
    "student": (
        "Student",
        [
            _s("name", required=True, max_length=120),
            _f("email", "email", unique=True),
            _f("enrolled_on", "date"),
        ],
        None,
    ),
    "course": (
        "Course",
        [_s("title", required=True), _t("description"), _n("credits", minimum=0, maximum=60)],
        None,
    ),
    "employee": (
        "Employee",
        [
            _s("name", required=True, max_length=120),
            _f("email", "email", required=True, unique=True),
            _s("role", max_length=80),
            _f("hired_on", "date"),
        ],
        None,
    ),
    "patient": (
        "Patient",
        [
            _s("name", required=True, max_length=120),
            _f("born_on", "date"),
            _s("phone", max_length=40),
        ],
        None,
    ),
    "appointment": (
        "Appointment",
        [
            _f("scheduled_at", "datetime", required=True),
            _s("reason", max_length=200),
            _e("status", ["booked", "done", "cancelled"]),
        ],
        "patient",
    ),
    "invoice": (
        "Invoice",
        [
            _s("number", required=True, max_length=40, unique=True),
            _n("amount", "number", minimum=0, required=True),
            _f("due_on", "date"),
            _f("paid", "boolean"),
        ],
        "customer",
    ),
    "contact": (
        "Contact",
        [
            _s("name", required=True, max_length=120),
            _f("email", "email"),
            _s("phone", max_length=40),
            _s("company", max_length=120),
        ],
        None,
    ),
    "post": ("Post", [_s("title", required=True), _t("body"), _f("published", "boolean")], None),
    "comment": ("Comment", [_s("author", required=True, max_length=80), _t("body")], "post"),
    "review": (
        "Review",
        [_n("rating", minimum=1, maximum=5, required=True), _t("comment")],
        "product",
    ),
    "member": (
        "Member",
        [_s("name", required=True, max_length=120), _f("email", "email"), _f("joined_on", "date")],
        "team",
    ),
    "team": ("Team", [_s("name", required=True, max_length=120, unique=True)], None),
    "ticket": (
        "Ticket",
        [
            _s("title", required=True),
            _t("description"),
            _e("status", ["open", "in_progress", "closed"], required=True),
            _e("priority", ["low", "medium", "high"]),
        ],
        None,
    ),
    "bookmark": (
        "Bookmark",
        [_s("title", required=True), _f("url", "url", required=True), _t("notes")],
        None,
    ),
    "movie": (
        "Movie",
        [
            _s("title", required=True),
            _n("year", minimum=1888, maximum=2100),
            _n("rating", minimum=1, maximum=10),
            _f("watched", "boolean"),
        ],
        None,
    ),
    "plant": (
        "Plant",
        [
            _s("name", required=True, max_length=120),
            _s("species", max_length=120),
            _f("last_watered_on", "date"),
            _n("water_every_days", minimum=1, maximum=365),
        ],
        None,
    ),
    "pet": (
        "Pet",
        [
            _s("name", required=True, max_length=80),
            _s("species", max_length=80),
            _f("born_on", "date"),
        ],
        None,
    ),
}

# Spelling variants and plurals that the naive singular() misses.
ALIASES: dict[str, str] = {
    "checkin": "check-in",
    "check in": "check-in",
    "check-ins": "check-in",
    "checkins": "check-in",
    "todo": "task",
    "to-do": "task",
    "todos": "task",
    "categories": "category",
    "people": "contact",
    "children": "student",
    "meetings": "event",
    "meeting": "event",
    "guest": "attendee",
    "client": "customer",
    "article": "post",
    "articles": "post",
    "entries": "note",
    "workouts": "workout",
}

# Feature phrase -> field added to the main entity.
FEATURE_FIELDS: list[tuple[str, F]] = [
    (r"due date|deadline", _f("due_date", "date")),
    (r"priorit", _e("priority", ["low", "medium", "high"])),
    (r"status", _e("status", ["todo", "in_progress", "done"])),
    (r"\bnotes?\b", _t("notes")),
    (r"rating|stars", _n("rating", minimum=1, maximum=5)),
    (r"price|cost", _n("price", "number", minimum=0)),
    (r"image|photo|picture", _f("image_url", "url")),
    (r"location|address", _s("location", max_length=200)),
    (r"remind", _f("remind_at", "datetime")),
    (r"\btags?\b", _s("tags", max_length=200)),
    (r"email", _f("email", "email")),
    (r"archiv", _f("archived", "boolean")),
]

_NOUN = r"([a-z][a-z-]*(?: [a-z][a-z-]*)?)"
_STOP = {
    "my",
    "our",
    "the",
    "all",
    "their",
    "its",
    "a",
    "an",
    "of",
    "and",
    "with",
    "for",
    "app",
    "apps",
    "application",
    "system",
    "platform",
    "tool",
    "website",
    "simple",
    "daily",
    "weekly",
    "personal",
    "small",
    "team",
    "things",
    "stuff",
    "data",
    "it",
    "them",
    "how",
    "what",
    "people",
    "users",
    "user",
    "where",
    "when",
    "progress",
    "track",
    "manage",
    "collect",
    "keep",
    "sell",
    "monitor",
    "organise",
    "organize",
    "to",
    "each",
    "every",
    "send",
    "i",
    "we",
    "you",
    "due",
    "date",
    "dates",
}
_VERBS = (
    r"(?:track|manage|organi[sz]e|log|record|catalog(?:ue)?|list|store|plan|collect|"
    r"keep track of|schedule|sell|share|monitor)"
)


def _canonical(word: str) -> str | None:
    """A catalog key for ``word`` (plural, variant) or None."""
    word = word.strip().lower()
    if word in ALIASES:
        return ALIASES[word]
    one = singular(word)
    if one in CATALOG:
        return one
    if one in ALIASES:
        return ALIASES[one]
    return word if word in CATALOG else None


def _mentions(text: str) -> list[tuple[int, str]]:
    """(position, catalog key) of every known noun, in order of appearance."""
    found: dict[str, int] = {}
    for match in re.finditer(r"[a-z]+(?:-[a-z]+)*", text):
        key = _canonical(match.group(0))
        if key and key not in found:
            found[key] = match.start()
    return sorted((pos, key) for key, pos in found.items())


def _unknown_nouns(text: str) -> list[tuple[int, str]]:
    """Nouns after verbs like "track"/"manage" or before "and their", not in the catalog."""
    out: list[tuple[int, str]] = []
    patterns = [
        rf"\b{_VERBS}\s+(?:(?:my|our|the|all|their|your)\s+)?{_NOUN}",
        rf"\b{_NOUN}\s+and\s+their\s+{_NOUN}",
        rf"\b{_NOUN}\s+(?:for|of|per)\s+(?:each|every)\b",
        rf"\band\s+(?:the|their|its)\s+{_NOUN}",
    ]
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            for group in range(1, (match.lastindex or 0) + 1):
                phrase = match.group(group)
                if not phrase:
                    continue
                words = [w for w in phrase.split() if w not in _STOP]
                if not words:
                    continue
                noun = singular(words[-1])
                if len(noun) < 3 or noun in _STOP or _canonical(noun):
                    continue
                out.append((match.start(group), noun))
    return out


def _generic_entity(noun: str) -> tuple[str, list[F]]:
    name = "".join(part.capitalize() for part in re.split(r"[- ]", noun))
    return name, [
        _s("name", required=True, max_length=120),
        _t("description"),
        _f("created_on", "date"),
    ]


def _relations_from_phrases(text: str, keys: Container[str]) -> list[tuple[str, str]]:
    """(child, parent) pairs from "X and their Y", "Y for each X", "Y of X" phrasings."""
    pairs: list[tuple[str, str]] = []
    for pattern, child_group, parent_group in [
        (rf"{_NOUN}\s+and\s+their\s+{_NOUN}", 2, 1),
        (rf"{_NOUN}\s+(?:for|of|per)\s+(?:each|every|a|an|the)?\s*{_NOUN}", 1, 2),
    ]:
        for match in re.finditer(pattern, text):
            child = _phrase_key(match.group(child_group), keys)
            parent = _phrase_key(match.group(parent_group), keys)
            if child and parent and child != parent:
                pairs.append((child, parent))
    return pairs


def _phrase_key(phrase: str, keys: Container[str]) -> str | None:
    for word in reversed(phrase.split()):
        if word in _STOP:
            continue
        key = _canonical(word) or singular(word)
        if key in keys:
            return key
    whole = _canonical(phrase)
    return whole if whole in keys else None


def _app_name(text: str, idea: str, main_entity: str) -> str:
    called = re.search(
        r"\b(?:called|named)\s+[\"']?([A-Za-z0-9][\w -]{1,40}?)[\"']?(?:[.,;!]|$)", idea
    )
    if called:
        return called.group(1).strip()
    words = re.sub(r"(?<!^)([A-Z])", r" \1", main_entity)
    if re.search(r"\bplan", text):
        return f"{words} Planner"
    if re.search(r"\b(?:track|log|monitor)", text):
        return f"{words} Tracker"
    return f"{words} Manager"


def extract_spec(
    idea: str,
    *,
    features: tuple[str, ...] | list[str] = (),
    target_users: str | None = None,
    theme: str = "modern",
) -> dict[str, Any]:
    """A schema-valid spec derived from the idea by fixed rules (same input, same spec)."""
    text = " ".join([idea, *features]).lower()
    text = re.sub(r"[^a-z0-9\- ]+", " ", text.replace("\n", " "))
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\bcheck[- ]?ins?\b", "check-in", text)

    ordered: list[tuple[int, str]] = list(_mentions(text))
    known = {key for _, key in ordered}
    idea_text = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9\- ]+", " ", idea.lower()))
    for pos, noun in _unknown_nouns(idea_text):
        if noun not in known:
            ordered.append((pos, noun))
            known.add(noun)
    ordered.sort()
    keys = [key for _, key in ordered][:8]
    if not keys:
        keys = ["item"]

    entities: dict[str, tuple[str, list[F]]] = {}
    for key in keys:
        if key in CATALOG:
            name, fields, _ = CATALOG[key]
            entities[key] = (name, [dict(f) for f in fields])
        else:
            entities[key] = _generic_entity(key)

    main_key = keys[0]
    main_fields = entities[main_key][1]
    feature_text = " ".join(features).lower() + " " + idea.lower()
    for pattern, extra in FEATURE_FIELDS:
        names = {f["name"] for f in main_fields}
        if re.search(pattern, feature_text) and extra["name"] not in names:
            main_fields.append(dict(extra))

    relations: list[dict[str, Any]] = []
    parents: dict[str, str] = {}

    def ancestors(key: str) -> set[str]:
        out: set[str] = set()
        while key in parents and key not in out:
            out.add(key)
            key = parents[key]
        return out | {key}

    pairs = _relations_from_phrases(text, entities)
    pairs += [(k, CATALOG[k][2] or "") for k in keys if k in CATALOG and CATALOG[k][2]]
    for child, parent in pairs:
        if parent not in entities or child in parents or child in ancestors(parent):
            continue
        parents[child] = parent
        relations.append(
            {
                "from": entities[child][0],
                "to": entities[parent][0],
                "kind": "many_to_one",
                "required": True,
            }
        )

    main_name = entities[main_key][0]
    name = _app_name(text, idea, main_name)
    description = idea.strip()[:1500]
    if target_users:
        description += f" (for {target_users.strip()[:200]})"
    return {
        "name": name[:80],
        "slug": slugify(name),
        "description": description,
        "theme": theme,
        "entities": [
            {"name": ent_name, "fields": fields} for ent_name, fields in entities.values()
        ],
        "relations": relations,
    }
