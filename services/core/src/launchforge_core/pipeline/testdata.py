"""Data for a generated app's own tests: valid samples, invalid values, and summary
cases whose answers are worked out here, from the contract, not by the app.

Everything is a plain value rendered into the tests with ``repr``; records that
depend on the day the tests run (streaks) or on ids the database hands out
(parents) carry markers that the generated tests resolve: ``{"$days_ago": n}``,
``{"$parent": i}`` and ``{"$label": i}``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from launchforge_core.pipeline.spec import (
    INT32_MAX,
    INT32_MIN,
    SEARCHED_TYPES,
    AppModel,
    EntityModel,
    FieldModel,
    SummaryModel,
)

# A datetime's sample is written as the API writes it back, so reads compare equal.
SAMPLES = {
    "email": "sample@example.com",
    "url": "https://example.com/sample",
    "phone": "+1 555 0100",
    "boolean": True,
    "date": "2024-01-15",
    "datetime": "2024-01-15T10:30:00Z",
    "time": "10:30:00",
}


def _fit(text: str, f: FieldModel) -> str:
    text = text[: f.max_length]
    return text + "x" * max(0, (f.min_length or 0) - len(text))


def _bounds(f: FieldModel) -> tuple[float | None, float | None]:
    if f.type == "integer":
        lo = INT32_MIN if f.minimum is None else max(int(f.minimum), INT32_MIN)
        hi = INT32_MAX if f.maximum is None else min(int(f.maximum), INT32_MAX)
        return lo, hi
    return f.minimum, f.maximum


def _cents(value: float, f: FieldModel) -> str:
    """``value`` as money text, moved inside the field's bounds by at most a cent."""
    lo, hi = _bounds(f)
    cents = round(value * 100)
    if lo is not None and cents < lo * 100:
        cents = math.ceil(lo * 100)
    if hi is not None and cents > hi * 100:
        cents = math.floor(hi * 100)
    return f"{Decimal(cents) / 100:.2f}"


def _numeric_sample(f: FieldModel) -> int | float | str:
    lo, hi = _bounds(f)
    whole = f.type == "integer"
    value: float
    if f.unique:
        if lo is not None and lo > INT32_MIN:
            value = lo
        else:
            value = hi - 100 if hi is not None and hi < INT32_MAX else 0
    elif f.minimum is not None and f.maximum is not None and lo is not None and hi is not None:
        value = lo if whole else (lo + hi) / 2
    elif f.minimum is not None and lo is not None:
        value = lo + (1 if whole else 1.5)
    elif f.maximum is not None and hi is not None:
        value = hi - (1 if whole else 0.5)
    else:
        value = 1 if whole else 1.5
    if f.type == "decimal":
        return _cents(value, f)
    return int(value) if whole else float(value)


def sample_value(f: FieldModel) -> Any:
    """A valid value of ``f``, in the form the API returns it."""
    if f.type in ("string", "text"):
        return _fit("sample " + f.key.replace("_", " "), f)
    if f.type in ("integer", "number", "decimal"):
        return _numeric_sample(f)
    if f.type == "enum":
        return f.choices[0]
    return SAMPLES[f.type]


def _update_value(f: FieldModel) -> tuple[bool, Any]:
    """(usable, a valid value different from the sample)."""
    if f.type in ("string", "text"):
        return True, _fit("updated value", f)
    if f.type == "boolean":
        return True, False
    if f.type == "enum" and len(f.choices) > 1:
        return True, f.choices[1]
    return {
        "date": (True, "2025-02-03"),
        "email": (True, "updated@example.com"),
        "time": (True, "18:45:00"),
        "phone": (True, "+44 20 7946 0000"),
    }.get(f.type, (False, None))


def bad_values(e: EntityModel) -> list[tuple[str, Any]]:
    """(field, value) pairs that must each make a create answer 422 (and store nothing)."""
    out: list[tuple[str, Any]] = []
    for f in e.fields:
        if f.required:
            out.append((f.key, None))
        if f.type in SEARCHED_TYPES:
            out += [(f.key, 12345), (f.key, "nul\x00byte")]
        if f.type in ("string", "text"):
            if f.max_length is not None and f.max_length < 10000:
                out.append((f.key, "x" * (f.max_length + 1)))
            if f.min_length:
                out.append((f.key, ""))
        elif f.type in ("integer", "number", "decimal"):
            out += [(f.key, "abc"), (f.key, True)]
            lo, hi = _bounds(f)
            if f.type == "integer":
                out += [(f.key, 1.5), (f.key, 2**31), (f.key, -(2**31) - 1), (f.key, 2**63)]
            if f.type == "decimal":
                out += [(f.key, "1.005"), (f.key, 10**11), (f.key, "NaN")]
            if f.minimum is not None and lo is not None and lo > INT32_MIN:
                out.append((f.key, lo - 1))
            if f.maximum is not None and hi is not None and hi < INT32_MAX:
                out.append((f.key, hi + 1))
        elif f.type == "boolean":
            out += [(f.key, "maybe"), (f.key, 1)]
        elif f.type == "date":
            out += [(f.key, "not-a-date"), (f.key, "2024-13-01"), (f.key, 20240115)]
        elif f.type == "datetime":
            # the last one is year 10000 in UTC
            out += [
                (f.key, "not-a-datetime"),
                (f.key, 1700000000),
                (f.key, "9999-12-31T23:00:00-05:00"),
            ]
        elif f.type == "time":
            out += [(f.key, "25:00"), (f.key, "10:30+02:00"), (f.key, 3600)]
        elif f.type == "email":
            out.append((f.key, "not-an-email"))
        elif f.type == "url":
            out.append((f.key, "not a url"))
        elif f.type == "phone":
            out.append((f.key, "call me"))
        elif f.type == "enum":
            out.append((f.key, "__not_a_choice__"))
    for r in e.relations:
        out += [(r.ident, "abc"), (r.ident, 0), (r.ident, 2**31), (r.ident, 2**63), (r.ident, True)]
    return out


def _search_case(e: EntityModel) -> tuple[str, list[str], str] | None:
    """(field, [a value holding the needle, one that does not], the needle) for ``q``."""
    for f in e.fields:
        if f.type in ("string", "text") and (f.max_length or 0) >= 20:
            # the second value differs only where the needle has % and _: matched literally
            values = [_fit("has NeedLe %_ in it", f), _fit("has needle xy in it", f)]
            return f.key, values, "needle %_"
        if f.type == "email":
            return f.key, ["needle@example.com", "other@example.com"], "NEEDLE@"
        if f.type == "url":
            return f.key, ["https://example.com/needle", "https://example.com/other"], "/NEEDLE"
    for f in e.fields:
        if f.type == "phone":
            return f.key, ["+1 999 4242", "+1 555 0100"], "999 42"
    return None


def _sort_case(e: EntityModel) -> tuple[str, list[Any]] | None:
    """(field, three valid values in ascending order) for the ``sort`` test."""
    for f in e.fields:
        if f.type in ("string", "text"):
            return f.key, [_fit(word, f) for word in ("alpha", "bravo", "charlie")]
    for f in e.fields:
        if f.type == "integer":
            lo, hi = _bounds(f)
            if lo is not None and hi is not None and hi - lo >= 2:
                start = max(lo, min(0, hi - 2))
                return f.key, [start, start + 1, start + 2]
        if f.type == "date":
            return f.key, ["2023-05-01", "2024-01-15", "2025-12-31"]
    return None


def _datetime_case(e: EntityModel) -> tuple[str, str, str] | None:
    """(field, a datetime with an offset, the same instant as the API returns it)."""
    for f in e.fields:
        if f.type == "datetime":
            return f.key, "2024-03-10T23:30:00-02:00", "2024-03-11T01:30:00Z"
    return None


def entity_context(app: AppModel, e: EntityModel, nested: list[tuple[Any, str]]) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for f in e.fields:
        usable, value = _update_value(f)
        if usable and not f.unique:
            update = {f.key: value}
            break
    if not update and e.fields and not e.fields[0].unique:
        update = {e.fields[0].key: sample_value(e.fields[0])}
    money = [f.key for f in e.fields if f.type == "decimal"]
    return {
        "e": e,
        "comparable": [f.key for f in e.fields] + [r.ident for r in e.relations],
        "bad_values": bad_values(e),
        "required": sorted(f.key for f in e.fields if f.required)
        + sorted(r.ident for r in e.relations if r.required),
        "update": update,
        "search_case": _search_case(e),
        "sort_case": _sort_case(e),
        "datetime_case": _datetime_case(e),
        "text_field": next((f.key for f in e.fields if f.type in SEARCHED_TYPES), None),
        # every field that holds text: each has a max length (spec's, at most 10,000)
        "text_fields": [f.key for f in e.fields if f.type in SEARCHED_TYPES],
        "finite_fields": [f.key for f in e.fields if f.type in ("number", "decimal")],
        "money_case": (money[0], "12.5", "12.50") if money else None,
        "relations": [
            {
                "ident": r.ident,
                "name": r.name_key,
                "parent": r.parent.snake,
                "parent_path": r.parent.path,
                "on_delete": r.on_delete,
                "nested": path.replace("{id}", "{pk}"),
                "child_text": e.label,
            }
            for r, path in nested
        ],
        # a link's parents, every one of them (optional ones too: a null is never a duplicate)
        "link": [(r.ident, r.parent.snake) for r in e.relations] if e.is_link else [],
    }


def _unique_kind(f: FieldModel) -> tuple[str, Any]:
    return f.type, f.max_length


def conftest_context(app: AppModel) -> dict[str, Any]:
    return {
        "paths": {e.snake: e.path for e in app.entities},
        "samples": {e.snake: {f.key: sample_value(f) for f in e.fields} for e in app.entities},
        "unique": {
            e.snake: {f.key: _unique_kind(f) for f in e.fields if f.unique} for e in app.entities
        },
        "parents": {
            e.snake: [(r.ident, r.parent.snake) for r in e.relations if r.required]
            for e in app.entities
        },
        "displays": {
            e.snake: e.display.key if e.display is not None else None for e in app.entities
        },
    }


# --- summaries with known answers ----------------------------------------------------------

# Three records: the first two share a group, the third is alone.
PERIOD_DATES = ("2024-01-15", "2024-01-20", "2025-03-02")
STREAK_DAYS_AGO = (1, 2, 0)  # a run ending yesterday, one ending today


def _when(f: FieldModel, day: str) -> str:
    return f"{day}T12:00:00Z" if f.type == "datetime" else day


def _measured(f: FieldModel, kind: str) -> list[Any]:
    """Three values of the measured field that fit its rules."""
    if kind == "percent":
        return [True, False, True]
    if kind == "streak":
        as_type = "datetime" if f.type == "datetime" else "date"
        return [{"$days_ago": n, "as": as_type} for n in STREAK_DAYS_AGO]
    lo, hi = _bounds(f)
    start = 0.0 if lo is None or lo == INT32_MIN else float(lo)
    if hi is not None and hi != INT32_MAX and start + 5 > hi:
        start = max(float(lo) if lo is not None else hi - 5, hi - 5)
    steps = {"integer": (1, 2, 4), "number": (1.5, 2.5, 4.5), "decimal": (1.25, 2.5, 4.75)}
    values = [start + step for step in steps[f.type]]
    if lo is not None and hi is not None:
        values = [min(max(v, lo), hi) for v in values]
    if f.type == "integer":
        return [int(v) for v in values]
    if f.type == "decimal":
        return [_cents(v, f) for v in values]
    return values


def _group_values(f: FieldModel) -> list[Any]:
    """Values of a group-by field: two equal then a different one (all different if unique)."""
    if f.type == "enum":
        choices = f.choices
        pair = [choices[0], choices[0], choices[min(1, len(choices) - 1)]]
        return choices[:3] if f.unique and len(choices) >= 3 else pair
    distinct: list[Any]
    if f.type == "string":
        distinct = [_fit(w, f) for w in ("alpha", "bravo", "charlie")]
    elif f.type == "email":
        distinct = [f"{w}@example.com" for w in ("alpha", "bravo", "charlie")]
    elif f.type == "url":
        distinct = [f"https://example.com/{w}" for w in ("alpha", "bravo", "charlie")]
    elif f.type == "phone":
        distinct = ["+1 555 0001", "+1 555 0002", "+1 555 0003"]
    elif f.type in ("integer", "number", "decimal"):
        distinct = _measured(f, "sum")
    elif f.type == "boolean":
        return [True, True, False]
    elif f.type in ("date", "datetime"):
        distinct = [_when(f, d) for d in ("2024-01-01", "2024-02-01", "2024-03-01")]
    else:  # time
        distinct = ["08:00:00", "09:30:00", "17:15:00"]
    return distinct if f.unique else [distinct[0], distinct[0], distinct[1]]


def _period(value: str, period: str) -> str:
    day = dt.date.fromisoformat(value[:10])
    if period == "day":
        return day.isoformat()
    if period == "week":
        iso = day.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    if period == "month":
        return value[:7]
    return value[:4]


def _half_up(value: Decimal, places: str) -> float:
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _answer(s: SummaryModel, values: list[Any], today_offsets: list[int]) -> dict[str, Any]:
    """What the contract says a group of records gives."""
    kind = s.kind
    if kind == "count":
        return {"value": len(values)}
    if kind == "percent":
        hits = sum(1 for v in values if v is True)
        return {"value": _half_up(Decimal(100 * hits) / len(values), "0.1")}
    if kind == "streak":
        days = set(today_offsets)
        current = 0
        start = 0 if 0 in days else 1
        while start + current in days:
            current += 1
        longest = run = 0
        for n in sorted(days, reverse=True):  # oldest first
            run = run + 1 if n + 1 in days and run else 1
            longest = max(longest, run)
        return {"value": current, "longest": longest}
    assert s.field is not None
    if s.field.type == "decimal":
        numbers: list[Any] = [Decimal(v) for v in values]
    else:
        numbers = list(values)
    if kind == "sum":
        if s.field.type == "number":  # added exactly, then given as a float
            return {"value": float(sum(Decimal(repr(v)) for v in numbers))}
        total = sum(numbers)
        return {"value": _half_up(total, "0.01") if s.field.type == "decimal" else total}
    if kind == "average":
        return {"value": _half_up(Decimal(str(sum(numbers))) / len(numbers), "0.01")}
    chosen = min(numbers) if kind == "minimum" else max(numbers)
    return {"value": _half_up(chosen, "0.01") if s.field.type == "decimal" else chosen}


def _order(value: Any) -> Any:
    if isinstance(value, dict):
        return value["$parent"]
    if isinstance(value, str):
        try:
            return Decimal(value) if value.replace(".", "", 1).lstrip("-").isdigit() else value
        except ArithmeticError:
            return value
    return value


def _label(s: SummaryModel, group: Any) -> Any:
    if s.group_relation is not None:
        return {"$label": group["$parent"]}
    if isinstance(group, bool):
        return "Yes" if group else "No"
    return str(group)


# The kinds of summary that measure a field's values, and a float near the largest there is
_MEASURES = frozenset({"sum", "average", "minimum", "maximum"})
HUGE = 1.7e308


def summary_case(s: SummaryModel) -> dict[str, Any]:
    """Three records for ``s`` and the exact answer the app must give for them."""
    records: list[dict[str, Any]] = [{}, {}, {}]

    def assign(f: FieldModel, values: list[Any]) -> None:
        if f.key in records[0]:
            return  # the same field already carries values (e.g. grouped by what it measures)
        for record, value in zip(records, values, strict=True):
            record[f.key] = value

    if s.field is not None:
        assign(s.field, _measured(s.field, s.kind))
    if s.period is not None and s.date_field is not None:
        assign(s.date_field, [_when(s.date_field, d) for d in PERIOD_DATES])
    if s.group_field is not None:
        assign(s.group_field, _group_values(s.group_field))
    if s.group_relation is not None:
        for record, index in zip(records, (0, 0, 1), strict=True):
            record[s.group_relation.ident] = {"$parent": index}

    def key(record: dict[str, Any]) -> tuple[Any, Any]:
        group = None
        if s.group_field is not None:
            group = record[s.group_field.key]
        elif s.group_relation is not None:
            group = record[s.group_relation.ident]
        period = None
        if s.period is not None and s.date_field is not None:
            period = _period(record[s.date_field.key], s.period)
        return group, period

    buckets: dict[str, tuple[Any, Any, list[int]]] = {}
    for i, record in enumerate(records):
        group, period = key(record)
        buckets.setdefault(repr((group, period)), (group, period, []))[2].append(i)
    grouped = s.group_field is not None or s.group_relation is not None
    rows = []
    for group, period, members in sorted(
        buckets.values(), key=lambda b: (_order(b[0]), b[1] or "")
    ):
        values = [records[i][s.field.key] for i in members] if s.field is not None else members
        offsets = [STREAK_DAYS_AGO[i] for i in members]
        if grouped:
            row: dict[str, Any] = {"group": group, "label": _label(s, group)}
            if s.period is not None:
                row["period"] = period
        elif s.period is not None:
            row = {"group": period, "label": period}
        else:
            row = {"group": None, "label": "All"}
        rows.append(row | _answer(s, values, offsets))
    empty: list[dict[str, Any]] = []
    if not grouped and s.period is None:
        nothing = {"count": 0, "sum": 0, "streak": 0}.get(s.kind)
        empty = [{"group": None, "label": "All", "value": nothing}]
        if s.kind == "streak":
            empty[0]["longest"] = 0
    huge: list[dict[str, Any]] = []
    if (
        s.field is not None
        and s.field.type == "number"
        and s.field.maximum is None  # a bounded measurement cannot add up past a float
        and s.kind in _MEASURES
    ):
        # as large as a float holds (each above any minimum): a sum goes past a float
        huge = [{s.field.key: HUGE * share} for share in (1.0, 0.9, 0.8)]
    return {
        "path": s.path,
        "name": s.title,
        "kind": s.kind,
        "huge": huge,
        "entity": s.entity.snake,
        "parent": s.group_relation.parent.snake if s.group_relation is not None else None,
        "records": records,
        "rows": rows,
        "empty_rows": empty,
    }
