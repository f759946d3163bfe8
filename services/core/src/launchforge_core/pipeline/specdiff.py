"""What changed between two specs: entities, fields, relations and summaries.

A pure function of two specs. Without help, a renamed entity or field looks
like one removed and one added; ``renames`` (what a change's edits renamed,
``EditResult.renames()``) makes them show as renames, with any other change
to them shown too.
"""

from __future__ import annotations

from typing import Any

Renames = dict[str, dict[str, str]]


def _by_name(items: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {i["name"]: i for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)}


def _brief(f: dict[str, Any]) -> dict[str, Any]:
    return {"name": f["name"], "type": f.get("type")}


def _fields_diff(
    old: dict[str, Any], new: dict[str, Any], field_renames: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    before, after = _by_name(old.get("fields")), _by_name(new.get("fields"))
    out: dict[str, list[dict[str, Any]]] = {
        "added": [],
        "removed": [],
        "renamed": [],
        "changed": [],
    }
    matched: set[str] = set()
    for name, f in before.items():
        target = field_renames.get(name, name)
        if target in after and (target == name or name not in after):
            matched.add(target)
            if target != name:
                out["renamed"].append({"from": name, "to": target})
            a = {k: v for k, v in f.items() if k != "name"}
            b = {k: v for k, v in after[target].items() if k != "name"}
            if a != b:
                out["changed"].append({"name": target, "before": a, "after": b})
        else:
            out["removed"].append(_brief(f))
    out["added"] = [_brief(f) for name, f in after.items() if name not in matched]
    return out


def diff_specs(
    old: dict[str, Any], new: dict[str, Any], renames: Renames | None = None
) -> dict[str, Any]:
    """``{"entities": {added, removed, renamed, changed}, "relations": {added, removed},
    "summaries": {added, removed, changed}, "empty": bool}``."""
    renames = renames or {"entities": {}, "fields": {}}
    entity_renames = renames.get("entities", {})
    before, after = _by_name(old.get("entities")), _by_name(new.get("entities"))

    def renamed(name: str) -> str:
        return entity_renames.get(name, name)

    entities: dict[str, list[dict[str, Any]]] = {
        "added": [],
        "removed": [],
        "renamed": [],
        "changed": [],
    }
    matched: set[str] = set()
    for name, entity in before.items():
        target = renamed(name)
        if target not in after or (target != name and name in after):
            entities["removed"].append({"name": name})
            continue
        matched.add(target)
        if target != name:
            entities["renamed"].append({"from": name, "to": target})
        field_renames = {
            key.partition(".")[2]: value
            for key, value in renames.get("fields", {}).items()
            if key.partition(".")[0] in (name, target)
        }
        fields = _fields_diff(entity, after[target], field_renames)
        other = {k: v for k, v in entity.items() if k not in ("name", "fields")}
        now = {k: v for k, v in after[target].items() if k not in ("name", "fields")}
        if any(fields.values()) or other != now:
            change: dict[str, Any] = {"name": target, "fields": fields}
            if other != now:
                change["before"], change["after"] = other, now
            entities["changed"].append(change)
    entities["added"] = [
        {"name": name, "fields": [_brief(f) for f in _by_name(e.get("fields")).values()]}
        for name, e in after.items()
        if name not in matched
    ]

    def rel_key(rel: dict[str, Any], mapped: bool) -> tuple[str, str, str]:
        ends = (renamed(rel["from"]), renamed(rel["to"])) if mapped else (rel["from"], rel["to"])
        return (*ends, str(rel.get("field") or ""))

    old_rels = {rel_key(r, True): r for r in old.get("relations") or []}
    new_rels = {rel_key(r, False): r for r in new.get("relations") or []}
    relations = {
        "added": [{"from": k[0], "to": k[1]} for k in new_rels if k not in old_rels],
        "removed": [
            {"from": r["from"], "to": r["to"]} for k, r in old_rels.items() if k not in new_rels
        ],
    }

    def mapped_summary(s: dict[str, Any]) -> dict[str, Any]:
        out = dict(s)
        out["entity"] = renamed(s["entity"])
        if "group_by" in s:
            out["group_by"] = renamed(s["group_by"])
        return out

    old_sums = {n: mapped_summary(s) for n, s in _by_name(old.get("summaries")).items()}
    new_sums = _by_name(new.get("summaries"))

    def brief_summary(s: dict[str, Any]) -> dict[str, Any]:
        return {"name": s["name"], "entity": s["entity"], "kind": s["kind"]}

    summaries = {
        "added": [brief_summary(s) for n, s in new_sums.items() if n not in old_sums],
        "removed": [brief_summary(s) for n, s in old_sums.items() if n not in new_sums],
        "changed": [
            {"name": n, "before": s, "after": new_sums[n]}
            for n, s in old_sums.items()
            if n in new_sums and new_sums[n] != s
        ],
    }
    empty = not any(
        v for part in (entities, relations, summaries) for v in part.values()
    ) and old.get("name") == new.get("name")
    return {"entities": entities, "relations": relations, "summaries": summaries, "empty": empty}
