"""A grammar-friendly copy of a JSON Schema, for servers that constrain decoding with it.

llama.cpp (and Ollama, which builds its ``format`` grammar the same way) turns
the schema sent as the response format into a GBNF grammar. Bounds expand:
``maxItems: 200`` becomes 200 nested optionals, ``maxLength: 2000`` as many
optional characters, and a full spec schema gave a grammar too large to parse
(the server process died). Keywords the converters do not know (``if``/``then``,
``not``) are refused or ignored, and ``$ref`` support varies.

So the model is sent a looser schema: ``$ref`` inlined, length bounds and
patterns dropped, array bounds lowered to a few items, conditional keywords and
annotations removed. It constrains the shape (objects, required keys, types,
enums, short arrays) and nothing finer;
the answer is still validated against the full schema afterwards, and what the
looser schema let through goes back to the model in the repair round.
"""

from __future__ import annotations

from typing import Any

# Keys the derived schema keeps; every other keyword is dropped.
_KEPT = frozenset(
    {"type", "properties", "required", "items", "enum", "const", "additionalProperties"}
)
# ``minItems`` up to this is kept (``entities`` needs at least one); larger ones expand.
_MAX_KEPT_MIN_ITEMS = 1
# ``maxItems`` is lowered to this: a few nested optionals are cheap, and a bound stops a
# small model that repeats one array item until it runs out of tokens.
ITEMS_BOUND = 12
_MAX_DEPTH = 32


class SchemaTooDeepError(ValueError):
    """The schema's ``$ref``s nest deeper than a grammar should (or form a cycle)."""


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs can be inlined, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise ValueError(f"$ref {ref!r} does not point at a schema")
    return node


def _small_min_items(key: str, value: Any) -> bool:
    return key == "minItems" and isinstance(value, int) and value <= _MAX_KEPT_MIN_ITEMS


def _derive(node: Any, root: dict[str, Any], depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise SchemaTooDeepError("the schema nests too deep to send as a grammar")
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _derive(_resolve(node["$ref"], root), root, depth + 1)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _derive(sub, root, depth + 1) for name, sub in value.items()}
        elif key == "items":
            out[key] = _derive(value, root, depth + 1)
        elif key == "additionalProperties":
            # ``false`` keeps the model to the listed keys; a schema here is loosened too.
            out[key] = value if isinstance(value, bool) else _derive(value, root, depth + 1)
        elif key in _KEPT or _small_min_items(key, value):
            out[key] = value
        elif key == "maxItems" and isinstance(value, int):
            out[key] = min(value, ITEMS_BOUND)
    return out


def grammar_friendly(schema: dict[str, Any]) -> dict[str, Any]:
    """The looser copy of ``schema`` described in the module docstring (``schema`` is untouched)."""
    derived = _derive(schema, schema, 0)
    assert isinstance(derived, dict)
    return derived
