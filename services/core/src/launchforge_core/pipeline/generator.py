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

from launchforge_core.pipeline import testdata
from launchforge_core.pipeline.page_model import page_model, page_model_json
from launchforge_core.pipeline.spec import (
    INT32_MAX,
    INT32_MIN,
    SEARCHED_TYPES,
    TEXT_TYPES,
    AppModel,
    EntityModel,
    FieldModel,
    RelationModel,
)

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
    "phone": "str",
    "enum": "str",
    "integer": "int",
    "number": "float",
    "decimal": "decimal.Decimal",
    "boolean": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "time": "dt.time",
}
# Read side (app/schemas.py): what a read holds, in the contract's JSON form.
_READTYPE = _PYTYPE | {"decimal": "fields.Money", "datetime": "fields.UtcDateTime"}


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
    if f.type == "string":
        return f"sa.String({f.max_length})"
    return {
        "text": "sa.Text()",
        "email": "sa.String(254)",
        "url": "sa.String(2000)",
        "phone": "sa.String(32)",
        "enum": "sa.String(64)",
        "integer": "sa.Integer()",
        "number": "sa.Float()",
        "decimal": "sa.Numeric(12, 2)",
        "boolean": "sa.Boolean()",
        "date": "sa.Date()",
        "datetime": "sa.DateTime(timezone=True)",
        "time": "sa.Time()",
    }[f.type]


def int_bounds(f: FieldModel) -> tuple[int, int]:
    """An integer field's bounds: the spec's, always within int32 (int4 on PostgreSQL)."""
    lo = INT32_MIN if f.minimum is None else int(f.minimum)
    hi = INT32_MAX if f.maximum is None else int(f.maximum)
    return min(max(lo, INT32_MIN), INT32_MAX), max(min(hi, INT32_MAX), INT32_MIN)


def _annotation(f: FieldModel) -> str:
    """A pydantic annotation with the field's rules (types are strict where JSON is exact).

    Every value it accepts is storable on SQLite and PostgreSQL (see app/fields.py)."""
    if f.type == "enum":
        return f"Literal[{', '.join(repr(c) for c in f.choices)}]"
    if f.type in TEXT_TYPES:
        args = [f"min_length={f.min_length}"] if f.min_length is not None else []
        args += [f"max_length={f.max_length}", "pattern=fields.NO_NUL"]
        return f"Annotated[str, Field({', '.join(args)})]"
    if f.type == "integer":
        lo, hi = int_bounds(f)
        return f"Annotated[int, Field(strict=True, ge={lo!r}, le={hi!r})]"
    if f.type in ("number", "decimal"):
        if f.type == "number":
            args = ["strict=True", "allow_inf_nan=False"]
        else:
            args = ["max_digits=12", "decimal_places=2", "allow_inf_nan=False"]
        if f.minimum is not None:
            args.append(f"ge={f.minimum!r}")
        if f.maximum is not None:
            args.append(f"le={f.maximum!r}")
        pytype = "float" if f.type == "number" else "decimal.Decimal"
        return f"Annotated[{pytype}, Field({', '.join(args)})]"
    if f.type == "boolean":
        return "Annotated[bool, Field(strict=True)]"
    return {
        "email": "fields.Email",
        "url": "fields.Url",
        "phone": "fields.Phone",
        "date": "fields.IsoDate",
        "datetime": "fields.IsoDateTime",
        "time": "fields.IsoTime",
    }[f.type]


def _keyed(ident: str, key: str, *, optional: bool) -> str:
    """What follows a schema attribute's annotation: ``| None = None`` when it may be left
    out, and ``Field(alias=...)`` when clients name it otherwise (``date_value`` is
    ``date`` on the wire). Only the alias is accepted, so one key means one field."""
    if key == ident:
        return " | None = None" if optional else ""
    if optional:
        return f" | None = Field(None, alias={key!r})"
    return f" = Field(alias={key!r})"


def _required_names(e: EntityModel) -> list[str]:
    """Sorted, so the same spec always renders the same bytes."""
    return sorted(
        {f.ident for f in e.fields if f.required} | {r.ident for r in e.relations if r.required}
    )


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


def nested_paths(e: EntityModel) -> list[tuple[RelationModel, str]]:
    """Each relation of ``e`` with the path of its parent's list of ``e``:
    ``/api/owners/{id}/pets``, and ``.../pets-by-<fk>`` for a second relation to one parent."""
    out: list[tuple[RelationModel, str]] = []
    seen: set[str] = set()
    segment = e.table.replace("_", "-")
    for r in e.relations:
        tail = segment if r.parent.path not in seen else f"{segment}-by-{r.ident.replace('_', '-')}"
        seen.add(r.parent.path)
        out.append((r, f"{r.parent.path}/{{id}}/{tail}"))
    return out


def _columns(e: EntityModel) -> dict[str, str]:
    """A read's keys, in order, each with the attribute it is read from."""
    fields = {f.key: f.ident for f in e.fields}
    return {"id": "id"} | fields | {r.ident: r.ident for r in e.relations}


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
        read_annotation=lambda f: _READTYPE[f.type],
        pytype=lambda f: _PYTYPE[f.type],
        required_names=_required_names,
        keyed=lambda f, optional=False: _keyed(f.ident, f.key, optional=optional),
        rules=_rules,
        nested_paths=nested_paths,
    )
    return env


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
        "app/fields.py": "app/fields.py.j2",
        "app/models.py": "app/models.py.j2",
        "app/schemas.py": "app/schemas.py.j2",
        "app/api.py": "app/api.py.j2",
        "app/listing.py": "app/listing.py.j2",
        "app/main.py": "app/main.py.j2",
        "app/routers/__init__.py": "app/routers/__init__.py.j2",
        "app/extra/__init__.py": "app/extra/__init__.py.j2",
        "app/static/index.html": "app/static/index.html.j2",
        "app/static/style.css": "app/static/style.css.j2",
        "app/static/app.js": "app/static/app.js.j2",
        "tests/test_app.py": "tests/test_app.py.j2",
        "tests/test_api.py": "tests/test_api.py.j2",
        "tests/test_page.py": "tests/test_page.py.j2",
        "pytest.ini": "pytest.ini.j2",
        "requirements.txt": "requirements.txt.j2",
        "Dockerfile": "Dockerfile.j2",
        ".dockerignore": "dockerignore.j2",
        "README.md": "README.md.j2",
    }
    if app.summaries:
        plain |= {
            "app/aggregate.py": "app/aggregate.py.j2",
            "app/summaries.py": "app/summaries.py.j2",
        }
    files: dict[str, bytes] = {}
    for path, template in plain.items():
        files[path] = env.get_template(template).render(common).encode()
    files["tests/conftest.py"] = (
        env.get_template("tests/conftest.py.j2")
        .render(common | testdata.conftest_context(app))
        .encode()
    )
    if app.summaries:
        cases = [testdata.summary_case(s) for s in app.summaries]
        summaries = env.get_template("tests/test_summaries.py.j2")
        files["tests/test_summaries.py"] = summaries.render(common | {"cases": cases}).encode()
    for e in app.entities:
        nested = nested_paths(e)
        router = {
            "e": e,
            "columns": _columns(e),
            "searchable": [f.ident for f in e.fields if f.type in SEARCHED_TYPES],
            "nested": nested,
        }
        files[f"app/routers/{e.snake}.py"] = (
            env.get_template("app/routers/entity.py.j2").render(common | router).encode()
        )
        files[f"tests/test_{e.snake}.py"] = (
            env.get_template("tests/test_entity.py.j2")
            .render(common | testdata.entity_context(app, e, nested))
            .encode()
        )
    files["app/static/model.json"] = page_model_json(app)
    files["spec.json"] = (json.dumps(spec, indent=2, sort_keys=True) + "\n").encode()
    return files
