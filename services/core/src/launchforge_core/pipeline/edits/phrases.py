"""The words of a change request: clauses, names, field phrases and type words.

A request is split into clauses (lines, sentences, and ``and``/``then``/commas
that start a new command), so "add a priority to tasks and remove the phone
field" is two edits while "add a due date and an estimate to tasks" stays one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.words import singular

# Words that start a command: a clause boundary when they follow "and", "then" or a comma.
VERBS = (
    "add|remove|delete|drop|rename|make|mark|change|turn|convert|set|create|include|track|"
    "store|record|give|link|relate|each|every|get rid of|call|show|also"
)
_SPLIT = re.compile(
    rf"\s*(?:[;\n]+|(?<=[a-z0-9)\]\"'])\.\s+|,?\s+(?:and|then|and then|also)\s+(?=(?:{VERBS})\b)"
    rf"|,\s*(?=(?:{VERBS})\b))\s*",
    re.IGNORECASE,
)
ARTICLES = frozenset({"a", "an", "the", "some", "new", "one", "each", "every", "all", "its"})
# What a person may call a type, and the spec type it means.
TYPE_WORDS: dict[str, str] = {
    "string": "string",
    "short text": "string",
    "text": "text",
    "long text": "text",
    "paragraph": "text",
    "integer": "integer",
    "int": "integer",
    "whole number": "integer",
    "count": "integer",
    "number": "number",
    "float": "number",
    "real number": "number",
    "decimal": "decimal",
    "money": "decimal",
    "amount": "decimal",
    "currency": "decimal",
    "price": "decimal",
    "boolean": "boolean",
    "bool": "boolean",
    "yes/no": "boolean",
    "yes-no": "boolean",
    "checkbox": "boolean",
    "flag": "boolean",
    "date": "date",
    "datetime": "datetime",
    "date and time": "datetime",
    "date-time": "datetime",
    "timestamp": "datetime",
    "time": "time",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "url": "url",
    "link": "url",
    "web address": "url",
    "phone": "phone",
    "phone number": "phone",
    "enum": "enum",
    "choice": "enum",
    "choice list": "enum",
    "list of choices": "enum",
}
UNITS = frozenset(
    [
        "hours",
        "minutes",
        "seconds",
        "days",
        "weeks",
        "months",
        "years",
        "km",
        "miles",
        "kg",
        "kgs",
        "lbs",
        "litres",
        "liters",
        "cm",
        "mm",
        "ml",
        "g",
        "grams",
        "m",
        "metres",
        "meters",
        "inches",
        "feet",
        "degrees",
        "watts",
        "volts",
        "amps",
        "percent",
        "euros",
        "dollars",
        "pounds",
        "gbp",
        "usd",
        "eur",
    ]
)
# Type words that may lead a field's name ("a boolean done", "an integer score").
_LEADING_TYPES = frozenset(
    {"boolean", "bool", "integer", "int", "decimal", "float", "string", "datetime", "timestamp"}
)
KIND_WORDS = frozenset({"entity", "entities", "table", "tables", "model", "models", "record"})
FIELD_WORDS = frozenset({"field", "fields", "column", "columns", "attribute", "property"})


def clauses(request: str) -> list[str]:
    """The request's commands, each stripped of punctuation at its ends."""
    parts = _SPLIT.split(request.strip())
    out = []
    for part in parts:
        text = part.strip().strip(".!,;:").strip()
        text = re.sub(r"^(?:please|also|and|then|now|could you|can you)\s+", "", text, flags=re.I)
        text = re.sub(r"\s+please$", "", text, flags=re.I)
        if text:
            out.append(text)
    return out


def words_of(phrase: str) -> list[str]:
    """Lower-case words of a phrase, articles and possessives dropped ("the tasks'" -> tasks)."""
    cleaned = re.sub("['\u2019]s?\\b", "", phrase.lower())
    words = re.findall(r"[a-z0-9][a-z0-9/-]*", cleaned)
    return [w for w in words if w not in ARTICLES]


def strip_kind(phrase: str) -> tuple[str, str | None]:
    """``"the Note entity"`` -> (``"Note"``, ``"entity"``); ``"phone field"`` -> field."""
    parts = phrase.strip().split()
    kind: str | None = None
    while parts and parts[-1].lower() in KIND_WORDS | FIELD_WORDS:
        kind = "entity" if parts[-1].lower() in KIND_WORDS else "field"
        parts = parts[:-1]
    while parts and parts[0].lower() in KIND_WORDS | FIELD_WORDS:
        kind = "entity" if parts[0].lower() in KIND_WORDS else "field"
        parts = parts[1:]
    while parts and parts[0].lower() in ARTICLES:
        parts = parts[1:]
    return " ".join(parts), kind


def type_word(phrase: str) -> str | None:
    """``"an integer"`` / ``"a whole number"`` -> the spec type, or None."""
    text = " ".join(w for w in re.findall(r"[a-z/-]+", phrase.lower()) if w not in ARTICLES)
    text = re.sub(r"\s+(?:field|type|value)$", "", text)
    return TYPE_WORDS.get(text)


def split_list(text: str) -> list[str]:
    """``"a, b and c"`` -> [a, b, c], keeping what is inside parentheses together."""
    items: list[str] = []
    depth, current = 0, ""
    tokens = re.split(r"(\(|\)|,|\s+and\s+|\s+or\s+|\s*&\s*)", text)
    for token in tokens:
        if token == "(":  # noqa: S105 - a parenthesis, not a secret
            depth += 1
        elif token == ")":  # noqa: S105
            depth -= 1
        if depth == 0 and token is not None and re.fullmatch(r",|\s+and\s+|\s*&\s*", token):
            items.append(current)
            current = ""
        else:
            current += token or ""
    items.append(current)
    return [i.strip() for i in items if i.strip()]


@dataclass
class FieldPhrase:
    """A field as the request names it: its words and the cues around it."""

    words: list[str]
    type: str | None = None
    choices: list[str] = field(default_factory=list)
    unit: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    def draft(self) -> FieldDraft:
        return FieldDraft(
            list(self.words),
            type=self.type,
            choices=self.choices,
            unit=self.unit,
            minimum=self.minimum,
            maximum=self.maximum,
        )


def field_phrase(text: str) -> FieldPhrase | None:
    """``"a required estimate (hours)"``, ``"a status of open, closed or done"``,
    ``"price as a decimal"``, ``"a due date"`` -> its words and cues."""
    text = re.sub(
        r"^(?:(?:an?|the|new)\s+)*(?:field|column|attribute|property)\s+(?:called|named)\s+",
        "",
        text.strip(),
        flags=re.I,
    )
    phrase = FieldPhrase(words=[])
    span = re.search(
        r"\s*\(?\s*(?:from\s+|between\s+)?(-?\d+(?:\.\d+)?)\s*(?:-|to|and|\u2013)\s*"
        r"(-?\d+(?:\.\d+)?)\s*\)?$",
        text,
    )
    if span:
        phrase.minimum, phrase.maximum = float(span.group(1)), float(span.group(2))
        text = text[: span.start()]
    paren = re.search(r"\(([^)]*)\)", text)
    if paren:
        inside = paren.group(1).strip()
        text = (text[: paren.start()] + text[paren.end() :]).strip()
        _cue(inside, phrase)
    typed = re.search(r"\s+(?:as|of type|typed as|type)\s+(?:an?\s+)?([a-z /-]+)$", text, re.I)
    if typed and type_word(typed.group(1)):
        phrase.type = type_word(typed.group(1))
        text = text[: typed.start()]
    choices = re.search(r"\s+(?:of|with choices|with values|one of|from)\s+(.+)$", text, re.I)
    if choices and len(split_list(choices.group(1).replace(" or ", ", "))) >= 2:
        phrase.choices = [
            c.strip().lower() for c in split_list(choices.group(1).replace(" or ", ", "))
        ]
        phrase.type = "enum"
        text = text[: choices.start()]
    unit = re.search(r"\s+in\s+([a-z]+)$", text, re.I)
    if unit and unit.group(1).lower() in UNITS:
        phrase.unit = unit.group(1).lower()
        text = text[: unit.start()]
    words = words_of(text)
    while len(words) > 1 and words[-1] in FIELD_WORDS:
        words = words[:-1]  # "a count field"
    if words and words[0] in ("required", "mandatory"):
        phrase.required, words = True, words[1:]
    elif words and words[0] == "optional":
        words = words[1:]
    if len(words) > 1 and words[0] in _LEADING_TYPES and phrase.type is None:
        phrase.type, words = TYPE_WORDS[words[0]], words[1:]  # "a boolean done"
    if len(words) > 1 and type_word(words[-1]) is not None and words[-1] in ("flag", "checkbox"):
        phrase.type = "boolean"
        words = words[:-1]
    if not words or len(words) > 5:
        return None
    phrase.words = words
    return phrase


def _cue(inside: str, phrase: FieldPhrase) -> None:
    """What parentheses after a field say: a type, a unit, required, or its choices."""
    lowered = inside.lower()
    if type_word(lowered):
        phrase.type = type_word(lowered)
    elif lowered in UNITS:
        phrase.unit = lowered
    elif lowered in ("required", "mandatory"):
        phrase.required = True
    else:
        items = split_list(lowered.replace(" or ", ", "))
        if len(items) >= 2:
            phrase.choices, phrase.type = items, "enum"


def name_key(name: str) -> str:
    """A comparison key for names: lower-case singular words (``Customers`` ~ ``customer``)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return " ".join(singular(w) for w in re.split(r"[\s_\-]+", spaced.lower()) if w)
