"""Turn any name from an idea or a user's spec into safe Python/SQL identifiers.

Names reach generated source code, so only ``[a-z0-9_]`` (snake) or
``[A-Za-z0-9]`` (Pascal) survive; keywords, builtins the generated code uses
and attributes reserved by SQLAlchemy or pydantic get a suffix. Display text
is never put into code as identifiers; templates emit it with ``repr``.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata

import inflect

MAX_IDENT = 40

# Names that would shadow something the generated modules import or that the
# ORM / pydantic reserve on models.
_RESERVED_SNAKE = frozenset(
    {
        "id",
        "metadata",
        "registry",
        "query",
        "session",
        "model_config",
        "model_fields",
        "json",
        "dict",
        "copy",
        "schema",
        "validate",
        "construct",
        "fields",
        "parse_obj",
        "parse_raw",
        "from_orm",
        "self",
        "cls",
        "date",
        "datetime",
        "dt",
        "time",
        # module-level names the generated modules use inside class bodies
        "decimal",
        "sa",
        "mapped_column",
        "field_validator",
    }
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | set(dir(builtins))
)
_RESERVED_CLASS = frozenset(
    {
        "Base",
        "Session",
        "Field",
        "BaseModel",
        "ConfigDict",
        "Literal",
        "Optional",
        "Any",
        "APIRouter",
        "Depends",
        "HTTPException",
        "Query",
        "Annotated",
        "FastAPI",
        "Page",
        "IntegrityError",
        "Mapped",
        "DeclarativeBase",
        "Response",
        "StaticFiles",
        "HTMLResponse",
        "Date",
        "DateTime",
        "String",
        "Text",
        "Integer",
        "Float",
        "Boolean",
        "ForeignKey",
        "select",
        "func",
        "Enum",
    }
    | {name for name in dir(builtins) if name[:1].isupper()}
)


def _words(text: str) -> list[str]:
    """ASCII words of ``text`` (accents folded, camelCase split, everything else a break)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", ascii_text)
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", ascii_text)]


def plain_words(text: str) -> str:
    """``"Check-In"`` -> ``"check_in"``: the words only, reserved or not (for names that
    get a suffix of their own, such as a foreign key's ``_id``)."""
    return "_".join(_words(text))[:MAX_IDENT].strip("_")


def snake(text: str, *, fallback: str = "field") -> str:
    """``"Check-In Date!"`` -> ``"check_in_date"``; always a safe, non-reserved identifier."""
    ident = "_".join(_words(text))[:MAX_IDENT].strip("_") or fallback
    if ident[0].isdigit():
        ident = f"f_{ident}"[:MAX_IDENT]
    if ident in _RESERVED_SNAKE or ident.startswith(("model_", "_")):
        ident = f"{ident}_value"
    return ident


def api_key(text: str, ident: str, taken: set[str]) -> str:
    """The name a client uses for a field: ``"Date"`` -> ``date``, though its Python
    attribute is ``date_value`` (``date`` would shadow the generated code's own names).

    The name's own words when they make a key not in ``taken`` (the other names of the
    record: its fields' keys and attributes, its parents' keys, ``id``); otherwise
    ``ident``. A key reaches the generated app only as a string (a pydantic alias, a
    JSON key, a form control's name), never as Python code."""
    plain = plain_words(text)
    return plain if plain and not plain[0].isdigit() and plain not in taken else ident


def pascal(text: str, *, fallback: str = "Item") -> str:
    """``"check-in"`` -> ``"CheckIn"``; always a safe, non-reserved class name."""
    ident = schema_pascal(text, fallback=fallback)
    if ident in _RESERVED_CLASS or keyword.iskeyword(ident):
        ident = f"{ident}Item"
    return ident


def schema_pascal(text: str, *, fallback: str = "Item") -> str:
    """``"session"`` -> ``"Session"``: the entity's own name for its API schemas
    (``SessionRead``), where ``pascal`` would make the class ``SessionItem``. A schema
    name always ends in Create, Read or Update, so it can shadow nothing."""
    ident = "".join(w.capitalize() for w in _words(text))[:MAX_IDENT] or fallback
    return f"E{ident}"[:MAX_IDENT] if ident[0].isdigit() else ident


@functools.cache
def _inflect() -> inflect.engine:
    return inflect.engine()


def plural_name(text: str, *, fallback: str) -> str:
    """The plural of a name, for tables, URLs and list labels: ``"Mouse"`` -> ``mice``,
    ``"Session"`` -> ``sessions``, ``"service record"`` -> ``service_records``.

    Made from the name's own words, not from its reserved-safe identifier (a
    ``Session`` entity is ``session_value`` in Python, but its people see
    ``/api/sessions``). The last word's plural is ``inflect``'s (the maintained
    library the extractor takes singulars from: mice, theses, people);
    ``fallback`` (a safe identifier) when the name has no words."""
    words = _words(text)
    if not words:
        return plural(fallback)
    # Names are singular by the spec's rule; inflect has no reliable test for one that is
    # not (it takes "bus" and "thesis" for plurals), so the last word is pluralised as is.
    last = _inflect().plural_noun(words[-1]) or plural(words[-1])
    ident = "_".join([*words[:-1], last.lower()])[:MAX_IDENT].strip("_")
    if not re.fullmatch(r"[a-z0-9_]+", ident):
        return plural(fallback)
    if ident[0].isdigit():
        ident = f"f_{ident}"[:MAX_IDENT]
    if ident in _RESERVED_SNAKE or ident.startswith(("model_", "_")):
        ident = f"{ident}_items"
    return ident


def plural(word: str) -> str:
    """Naive English plural for table and URL names (``category`` -> ``categories``)."""
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    """Naive English singular (``categories`` -> ``category``, ``check-ins`` -> ``check-in``)."""
    lower = word.lower()
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
        return word[:-1]
    return word


def slugify(text: str, *, fallback: str = "app") -> str:
    """``"My Habit Tracker!"`` -> ``"my-habit-tracker"`` (at most 60 characters)."""
    return "-".join(_words(text))[:60].strip("-") or fallback


def dedupe(ident: str, taken: set[str]) -> str:
    """``ident`` or ``ident_2``, ``ident_3``... whichever is not in ``taken`` (then taken)."""
    candidate, n = ident, 2
    while candidate in taken:
        candidate = f"{ident}_{n}"
        n += 1
    taken.add(candidate)
    return candidate
