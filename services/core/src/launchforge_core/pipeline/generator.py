"""The generate stage: render the project backbone from the spec with Jinja2.

Identifiers in the output come only from :mod:`naming` (safe by construction);
every other value from the spec reaches Python source through ``repr``
(filter ``py``), docstrings through ``doc`` (a conservative character set),
HTML through autoescape and Markdown through ``md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from launchforge_core.pipeline.page_model import page_model, page_model_json
from launchforge_core.pipeline.spec import AppModel, EntityModel, FieldModel

TEMPLATE_VERSION = "1"

THEMES: dict[str, dict[str, str]] = {
    "modern": {
        "bg": "#f7f8fc",
        "fg": "#1d2433",
        "muted": "#6b7280",
        "card": "#ffffff",
        "accent": "#4f46e5",
        "radius": "12px",
        "font": "system-ui, -apple-system, 'Segoe UI', sans-serif",
    },
    "minimal": {
        "bg": "#ffffff",
        "fg": "#111111",
        "muted": "#777777",
        "card": "#ffffff",
        "accent": "#111111",
        "radius": "0",
        "font": "Helvetica, Arial, sans-serif",
    },
    "corporate": {
        "bg": "#eef2f7",
        "fg": "#0f1e36",
        "muted": "#5a6b85",
        "card": "#ffffff",
        "accent": "#0b4f9c",
        "radius": "4px",
        "font": "Georgia, 'Times New Roman', serif",
    },
    "creative": {
        "bg": "#fff7ed",
        "fg": "#3b0764",
        "muted": "#9a3412",
        "card": "#ffedd5",
        "accent": "#db2777",
        "radius": "20px",
        "font": "'Trebuchet MS', sans-serif",
    },
    "dark": {
        "bg": "#0f172a",
        "fg": "#e2e8f0",
        "muted": "#94a3b8",
        "card": "#1e293b",
        "accent": "#38bdf8",
        "radius": "10px",
        "font": "system-ui, sans-serif",
    },
    "light": {
        "bg": "#fafafa",
        "fg": "#27272a",
        "muted": "#71717a",
        "card": "#ffffff",
        "accent": "#16a34a",
        "radius": "8px",
        "font": "system-ui, sans-serif",
    },
    "startup": {
        "bg": "#f0fdfa",
        "fg": "#042f2e",
        "muted": "#0f766e",
        "card": "#ffffff",
        "accent": "#f97316",
        "radius": "16px",
        "font": "'Inter', system-ui, sans-serif",
    },
}

_PYTYPE = {
    "string": "str",
    "text": "str",
    "email": "str",
    "url": "str",
    "enum": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
}


# --- filters --------------------------------------------------------------------------------


def _py(value: Any) -> str:
    """A Python literal for ``value`` (Markup is turned into a plain string first)."""
    if isinstance(value, Markup):
        value = str(value)
    return repr(value)


def _doc(value: Any) -> str:
    """Text safe inside a triple-quoted docstring or a comment: a small character set."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 .,:;()_/-]+", " ", text).strip()[:100] or "-"


def _md(value: Any) -> str:
    text = re.sub(r"[\r\n]+", " ", str(value))
    return re.sub(r"([|`<>*_\[\]\\])", r"\\\1", text)


def _satype(f: FieldModel) -> str:
    if f.type in ("string",):
        return f"String({f.max_length})"
    return {
        "text": "Text()",
        "email": "String(254)",
        "url": "String(2000)",
        "enum": "String(64)",
        "integer": "Integer()",
        "number": "Float()",
        "boolean": "Boolean()",
        "date": "Date()",
        "datetime": "DateTime(timezone=True)",
    }[f.type]


def _annotation(f: FieldModel) -> str:
    """A pydantic annotation with the field's rules (types are strict where JSON is exact)."""
    if f.type == "enum":
        return f"Literal[{', '.join(repr(c) for c in f.choices)}]"
    if f.type in ("string", "text"):
        args = [f"min_length={f.min_length}"] if f.min_length is not None else []
        args.append(f"max_length={f.max_length}")
        return f"Annotated[str, Field({', '.join(args)})]"
    if f.type == "email":
        return "Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN)]"
    if f.type == "url":
        return "Annotated[str, Field(max_length=2000, pattern=URL_PATTERN)]"
    if f.type in ("integer", "number"):
        args = ["strict=True"]
        if f.type == "number":
            args.append("allow_inf_nan=False")
        if f.minimum is not None:
            args.append(f"ge={f.minimum!r}")
        if f.maximum is not None:
            args.append(f"le={f.maximum!r}")
        return f"Annotated[{_PYTYPE[f.type]}, Field({', '.join(args)})]"
    if f.type == "boolean":
        return "Annotated[bool, Field(strict=True)]"
    return _PYTYPE[f.type]


def _required_names(e: EntityModel) -> set[str]:
    return {f.ident for f in e.fields if f.required} | {r.ident for r in e.relations if r.required}


def _model_imports(e: EntityModel) -> str:
    names = {e.class_name} | {r.parent.class_name for r in e.relations}
    names |= {child.class_name for child, _ in e.children}
    return ", ".join(sorted(names))


def _rules(f: FieldModel) -> str:
    parts = ["required" if f.required else "optional"]
    if f.unique:
        parts.append("unique")
    if f.max_length is not None:
        parts.append(f"{f.min_length or 0}-{f.max_length} chars")
    if f.minimum is not None:
        parts.append(f">= {f.minimum}")
    if f.maximum is not None:
        parts.append(f"<= {f.maximum}")
    if f.choices:
        parts.append("one of " + ", ".join(f.choices))
    return ", ".join(parts)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("launchforge_core.pipeline", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        py=_py,
        doc=_doc,
        md=_md,
        satype=_satype,
        annotation=_annotation,
        pytype=lambda f: _PYTYPE[f.type],
        required_names=_required_names,
        model_imports=_model_imports,
        rules=_rules,
    )
    return env


# --- sample data for the generated tests ---------------------------------------------------


def _fit(text: str, f: FieldModel) -> str:
    text = text[: f.max_length]
    return text + "x" * max(0, (f.min_length or 0) - len(text))


def _numeric_sample(f: FieldModel) -> int | float:
    lo, hi = f.minimum, f.maximum
    if f.unique:
        value: float = lo if lo is not None else (hi - 100 if hi is not None else 0)
    elif lo is not None and hi is not None:
        value = lo if f.type == "integer" else (lo + hi) / 2
    elif lo is not None:
        value = lo + (1 if f.type == "integer" else 1.5)
    elif hi is not None:
        value = hi - (1 if f.type == "integer" else 0.5)
    else:
        value = 1 if f.type == "integer" else 1.5
    return int(value) if f.type == "integer" else float(value)


def sample_value(f: FieldModel) -> Any:
    if f.type in ("string", "text"):
        return _fit("sample " + f.ident.replace("_", " "), f)
    if f.type in ("integer", "number"):
        return _numeric_sample(f)
    return {
        "email": "sample@example.com",
        "url": "https://example.com/sample",
        "boolean": True,
        "date": "2024-01-15",
        "datetime": "2024-01-15T10:30:00",
        "enum": f.choices[0] if f.choices else "",
    }[f.type]


def _update_value(f: FieldModel) -> tuple[bool, Any]:
    """(usable, a valid value different from the sample)."""
    if f.type in ("string", "text"):
        return True, _fit("updated value", f)
    if f.type == "boolean":
        return True, False
    if f.type == "enum" and len(f.choices) > 1:
        return True, f.choices[1]
    if f.type == "date":
        return True, "2025-02-03"
    if f.type == "email":
        return True, "updated@example.com"
    return False, None


def bad_values(e: EntityModel) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for f in e.fields:
        if f.required:
            out.append((f.ident, None))
        if f.type in ("string", "text"):
            out.append((f.ident, 12345))
            if f.max_length is not None and f.max_length < 10000:
                out.append((f.ident, "x" * (f.max_length + 1)))
            if f.min_length:
                out.append((f.ident, ""))
        elif f.type in ("integer", "number"):
            out.append((f.ident, "abc"))
            if f.type == "integer":
                out.append((f.ident, 1.5))
            if f.minimum is not None:
                out.append((f.ident, f.minimum - 1))
            if f.maximum is not None:
                out.append((f.ident, f.maximum + 1))
        elif f.type == "boolean":
            out.append((f.ident, "maybe"))
        elif f.type in ("date", "datetime"):
            out.append((f.ident, f"not-a-{f.type}"))
        elif f.type == "email":
            out.append((f.ident, "not-an-email"))
        elif f.type == "url":
            out.append((f.ident, "not a url"))
        elif f.type == "enum":
            out.append((f.ident, "__not_a_choice__"))
    for r in e.relations:
        out += [(r.ident, "abc"), (r.ident, 0)]
    return out


def _test_context(app: AppModel, e: EntityModel) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for f in e.fields:
        usable, value = _update_value(f)
        if usable and not f.unique:
            update = {f.ident: value}
            break
    if not update:
        first = e.fields[0]
        update = {first.ident: sample_value(first)} if not first.unique else {}
    comparable = [f.ident for f in e.fields if f.type != "datetime"]
    comparable += [r.ident for r in e.relations]
    return {
        "e": e,
        "comparable": comparable,
        "bad_values": bad_values(e),
        "required": sorted(f.ident for f in e.fields if f.required)
        + sorted(r.ident for r in e.relations if r.required),
        "update": update,
    }


def _conftest_context(app: AppModel) -> dict[str, Any]:
    return {
        "paths": {e.snake: e.path for e in app.entities},
        "samples": {e.snake: {f.ident: sample_value(f) for f in e.fields} for e in app.entities},
        "unique": {
            e.snake: {f.ident: (f.type, f.max_length) for f in e.fields if f.unique}
            for e in app.entities
        },
        "parents": {
            e.snake: [(r.ident, r.parent.snake) for r in e.relations if r.required]
            for e in app.entities
        },
    }


# --- rendering ------------------------------------------------------------------------------


def render_project(app: AppModel, spec: dict[str, Any], *, generator: str) -> dict[str, bytes]:
    """Every file of the backbone, keyed by relative POSIX path."""
    env = environment()
    common = {
        "app": app,
        "entities": app.entities,
        "generator": generator,
        "theme": THEMES.get(app.theme, THEMES["modern"]),
        "ui": page_model(app),
    }
    plain = {
        "app/__init__.py": "app/__init__.py.j2",
        "app/database.py": "app/database.py.j2",
        "app/models.py": "app/models.py.j2",
        "app/schemas.py": "app/schemas.py.j2",
        "app/main.py": "app/main.py.j2",
        "app/routers/__init__.py": "app/routers/__init__.py.j2",
        "app/extra/__init__.py": "app/extra/__init__.py.j2",
        "app/static/index.html": "app/static/index.html.j2",
        "app/static/style.css": "app/static/style.css.j2",
        "app/static/app.js": "app/static/app.js.j2",
        "tests/test_app.py": "tests/test_app.py.j2",
        "tests/test_page.py": "tests/test_page.py.j2",
        "pytest.ini": "pytest.ini.j2",
        "requirements.txt": "requirements.txt.j2",
        "Dockerfile": "Dockerfile.j2",
        ".dockerignore": "dockerignore.j2",
        "README.md": "README.md.j2",
    }
    files: dict[str, bytes] = {}
    for path, template in plain.items():
        files[path] = env.get_template(template).render(common).encode()
    files["tests/conftest.py"] = (
        env.get_template("tests/conftest.py.j2").render(common | _conftest_context(app)).encode()
    )
    for e in app.entities:
        files[f"app/routers/{e.snake}.py"] = (
            env.get_template("app/routers/entity.py.j2").render(common | {"e": e}).encode()
        )
        files[f"tests/test_{e.snake}.py"] = (
            env.get_template("tests/test_entity.py.j2")
            .render(common | _test_context(app, e))
            .encode()
        )
    files["app/static/model.json"] = page_model_json(app)
    files["spec.json"] = (json.dumps(spec, indent=2, sort_keys=True) + "\n").encode()
    return files
