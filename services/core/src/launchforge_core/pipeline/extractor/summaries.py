"""Summary views from the wording: "streaks per habit", "monthly totals", "average
score per player", "how many visits per pet", "progress percent".

Each phrase is matched on a sentence's words, then tied to the entity and the
field it is about; a phrase that names something the model does not hold is
reported as a note, never guessed into being.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from launchforge_core.pipeline.extractor.words import is_event, singular

PERIODS = {
    "day": "day",
    "days": "day",
    "daily": "day",
    "week": "week",
    "weeks": "week",
    "weekly": "week",
    "month": "month",
    "months": "month",
    "monthly": "month",
    "year": "year",
    "years": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
}
_GROUP = r"(?:per|by|for each|for every|of each|for|each|every|in each|across|on each|a)"
_W = r"[a-z][a-z0-9-]*"
# a word that is not a grouping word ("average rating per book": rating, not "rating per")
_NW = r"(?!(?:per|by|for|each|every|of|in|across|on|a|and|or|the)\b)[a-z][a-z0-9-]*"
_PERIOD_AFTER = r"(?:\s+(?:per|by|each|every|a)\s+(day|week|month|year))?"


@dataclass
class EntityInfo:
    key: str
    name: str
    fields: list[dict[str, Any]]
    parents: list[str]  # keys


class Summaries:
    def __init__(self, entities: dict[str, EntityInfo]) -> None:
        self.entities = entities
        self.found: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # --- lookup -----------------------------------------------------------------------

    def entity(self, word: str | None) -> EntityInfo | None:
        if not word:
            return None
        one = singular(word)
        for info in self.entities.values():
            if one in (info.key, info.key.rpartition("-")[2]):
                return info
        return None

    def fields_of(
        self, kinds: tuple[str, ...], prefer: list[EntityInfo] | None = None
    ) -> Iterator[tuple[EntityInfo, dict[str, Any]]]:
        pool = [*(prefer or []), *self.entities.values()]
        for info in pool:
            for f in info.fields:
                if f["type"] in kinds:
                    yield info, f

    def named_field(
        self, words: str, kinds: tuple[str, ...]
    ) -> tuple[EntityInfo, dict[str, Any]] | None:
        wanted = [singular(w) for w in words.split()]
        for info in self.entities.values():
            for f in info.fields:
                # "miles_driven" (not what a rate is per: "rate_per_word" is no word count)
                parts = [singular(part) for part in f["name"].partition("_per_")[0].split("_")]
                if f["type"] in kinds and any(w in parts or w == f["name"] for w in wanted):
                    return info, f
        return None

    def group(self, word: str | None, info: EntityInfo) -> dict[str, Any]:
        """``per month`` -> a period; ``per pet`` -> the parent; ``by category`` -> a field."""
        if not word:
            return {}
        if word in PERIODS:
            if any(f["type"] in ("date", "datetime") for f in info.fields):
                return {"period": PERIODS[word]}
            return {"_missing": f"a date on {info.name} to group by {word}"}
        parent = self.entity(word)
        if parent is not None and parent.key in info.parents:
            return {"group_by": parent.name}
        if parent is not None and parent.key == info.key:
            return {}
        for f in info.fields:
            if f["name"] in (word, singular(word)) and f["type"] != "text":
                return {"group_by": f["name"]}
        return {"_missing": f"{word!r} to group {info.name} by"}

    def add(self, title: str, info: EntityInfo, kind: str, **extra: Any) -> None:
        missing = extra.pop("_missing", None)
        if missing:
            self.notes.append(f"summary {title!r}: no {missing}")
            return
        item = {"name": title[:80], "entity": info.name, "kind": kind}
        item.update({k: v for k, v in extra.items() if v is not None})
        if item not in self.found and len(self.found) < 10:
            self.found.append(item)

    # --- phrases ---------------------------------------------------------------------------

    def read(self, text: str) -> None:
        self._streaks(text)
        self._period_totals(text)
        self._averages(text)
        self._counts(text)
        self._sums(text)
        self._percent_of(text)
        self._percent(text)

    def _streaks(self, text: str) -> None:
        for m in re.finditer(
            rf"\b(?:({_W})\s+)?streaks?\b(?:\s+{_GROUP}\s+(?:{_W}\s+)?({_W}))?", text
        ):
            before, after = m.group(1), m.group(2)
            grouped = self.entity(after) or self.entity(before)
            dated = self._dated_child(grouped)
            if dated is None:
                self.notes.append("summary 'streaks': no dated records to count days of")
                continue
            if grouped is None and dated.parents:
                grouped = self.entities[dated.parents[0]]  # check-ins' streaks: per habit
            title = f"Streaks per {grouped.name.lower()}" if grouped else "Streaks"
            group = {"group_by": grouped.name} if grouped and grouped is not dated else {}
            date_field = next(f for f in dated.fields if f["type"] in ("date", "datetime"))
            self.add(title, dated, "streak", field=date_field["name"], **group)

    def _dated_child(self, parent: EntityInfo | None) -> EntityInfo | None:
        def dated(info: EntityInfo) -> bool:
            return any(f["type"] in ("date", "datetime") for f in info.fields)

        if parent is not None:
            for info in self.entities.values():
                if parent.key in info.parents and dated(info):
                    return info
            if dated(parent):
                return parent
        events = [i for i in self.entities.values() if dated(i) and is_event(i.key)]
        return events[0] if events else None

    def _period_totals(self, text: str) -> None:
        money = ("decimal", "number", "integer")
        amounts = (
            r"totals?|spend(?:ing|t)?|sums?|revenue|income|earnings|costs?|expenses?|sales"
            r"|earn(?:ed)?|made|collected|raised|received|invoiced|billed|paid"
        )
        patterns = [
            rf"\b(daily|weekly|monthly|yearly|annual)\s+(?:{_W}\s+)?(totals?|spend(?:ing)?"
            rf"|sums?|revenue|income|earnings|costs?|expenses?|sales|amounts?)\b",
            rf"\b({amounts})\b(?:\s+{_W}){{0,4}}?\s+"
            rf"(?:per|by|each|every|a|for each|in each)\s+(day|week|month|year)\b",
        ]
        for number, pattern in enumerate(patterns):
            for m in re.finditer(pattern, text):
                period_word, what = (
                    (m.group(1), m.group(2)) if number == 0 else (m.group(2), m.group(1))
                )
                # "total miles per month": the words after "total" name what is totalled
                between = " ".join(m.group(0).split()[1:-2]) if number == 1 else ""
                found = self.named_field(between, money) if between else None
                if found is None:
                    found = self.named_field(what, ("decimal",))
                if found is None:
                    found = next(self.fields_of(("decimal",)), None)
                if found is None:
                    found = self.named_field(what, money)
                if found is None:
                    self.notes.append(f"summary '{m.group(0)}': no amount to total")
                    continue
                info, f = found
                period = PERIODS[period_word]
                title = f"Total {f['name'].replace('_', ' ')} per {period}"
                self.add(title, info, "sum", field=f["name"], **self.group(period_word, info))

    def _averages(self, text: str) -> None:
        pattern = (
            r"\b(average|mean|highest|best|top|lowest|max(?:imum)?|min(?:imum)?)"
            rf"\s+((?:{_NW}\s+)?{_NW})(?:\s+{_GROUP}\s+(?:{_NW}\s+)?({_W}))?{_PERIOD_AFTER}"
        )
        for m in re.finditer(pattern, text):
            word, what, by = m.group(1), m.group(2), m.group(3)
            kind = (
                "average"
                if word in ("average", "mean")
                else "maximum"
                if word in ("highest", "best", "top", "max", "maximum")
                else "minimum"
            )
            found = self.named_field(what, ("integer", "number", "decimal"))
            if found is None:
                if kind == "average":
                    self.notes.append(f"summary '{m.group(0)}': no number named {what!r}")
                continue
            info, f = found
            title = f"{kind.capitalize()} {f['name'].replace('_', ' ')}"
            if by:
                title += f" per {by}"
            extra = self.group(by, info)
            if m.group(4) and "period" not in extra:
                extra.update(self.group(m.group(4), info))
            self.add(title, info, kind, field=f["name"], **extra)

    def _counts(self, text: str) -> None:
        patterns = [
            rf"\bhow-many\s+({_W})(?:\s+{_W}){{0,5}}?\s+{_GROUP}"
            rf"\s+(?:{_NW}\s+)??({_W}){_PERIOD_AFTER}",
            rf"\b(?:number|count|total)\s+of\s+({_W})\s+{_GROUP}"
            rf"\s+(?:{_NW}\s+)??({_W}){_PERIOD_AFTER}",
            # "visits per pet" asks for a count; "one sale per tree" tells a rule
            rf"(?<!\bone )\b({_W})\s+per\s+({_W}){_PERIOD_AFTER}\b",
        ]
        for pattern in patterns:
            for m in re.finditer(pattern, text):
                counted, by = self.entity(m.group(1)), m.group(2)
                if counted is None or by in ("person", "hour"):
                    continue
                group = self.group(by, counted)
                if not group or ("_missing" in group and pattern == patterns[2]):
                    continue
                if m.group(3) and "period" not in group and "_missing" not in group:
                    group.update(self.group(m.group(3), counted))
                title = f"{counted.name} count per {by}"
                if m.group(3):
                    title += f" per {m.group(3)}"
                self.add(title, counted, "count", **group)

    def _sums(self, text: str) -> None:
        """``total quantity per product``, ``total hours by volunteer``."""
        pattern = (
            rf"\b(?:total|sum of|sum)\s+((?:{_NW}\s+)?{_NW})\s+{_GROUP}"
            rf"\s+(?:{_NW}\s+)??({_W}){_PERIOD_AFTER}"
        )
        for m in re.finditer(pattern, text):
            what, by = m.group(1), m.group(2)
            if by in PERIODS:
                continue  # a period total: see _period_totals
            found = self.named_field(what, ("integer", "number", "decimal"))
            if found is None:
                continue
            info, f = found
            group = self.group(by, info)
            if m.group(3) and "_missing" not in group:
                group.update(self.group(m.group(3), info))
            title = f"Total {f['name'].replace('_', ' ')} per {by}"
            self.add(title, info, "sum", field=f["name"], **group)

    def _percent_of(self, text: str) -> None:
        """``percent of cuttings rooted per mother plant``: share of a yes/no field."""
        pattern = (
            rf"\bpercent(?:age)?\s+of\s+({_W})\s+({_W})"
            rf"(?:\s+{_GROUP}\s+(?:{_NW}\s+)??({_W}))?"
        )
        for m in re.finditer(pattern, text):
            counted = self.entity(m.group(1))
            if counted is None:
                continue
            flag = next(
                (
                    f
                    for f in counted.fields
                    if f["type"] == "boolean" and m.group(2) in f["name"].split("_")
                ),
                None,
            )
            if flag is None:
                continue
            group = self.group(m.group(3), counted) if m.group(3) else {}
            title = f"Percent {flag['name'].replace('_', ' ')}"
            if m.group(3):
                title += f" per {m.group(3)}"
            self.add(title, counted, "percent", field=flag["name"], **group)

    def _percent(self, text: str) -> None:
        pattern = (
            rf"\b(?:percent(?:age)?\s+(?:of\s+{_W}\s+)?(?:complete|completed|done|finished)"
            rf"|progress(?:\s+percent(?:age)?)?|completion(?:\s+(?:rate|percent(?:age)?))?"
            rf"|percent(?:age)?\s+complete)\b(?:\s+{_GROUP}\s+(?:{_W}\s+)?({_W}))?"
        )
        for m in re.finditer(pattern, text):
            if "progress" in m.group(0) and "percent" not in m.group(0) and not m.group(1):
                continue
            found = None
            for info, f in self.fields_of(("boolean",)):
                if f["name"] in ("done", "completed", "complete", "finished"):
                    found = (info, f)
                    break
            if found is None:
                self.notes.append(f"summary '{m.group(0)}': no done flag to count")
                continue
            info, f = found
            by = m.group(1)
            group = self.group(by, info) if by else {}
            if not group and info.parents:
                group = {"group_by": self.entities[info.parents[0]].name}
            title = "Percent done" + (
                f" per {group['group_by'].lower()}" if "group_by" in group else ""
            )
            self.add(title, info, "percent", field=f["name"], **group)


def read_summaries(
    sentences: list[str], entities: dict[str, EntityInfo]
) -> tuple[list[dict[str, Any]], list[str]]:
    reader = Summaries(entities)
    for sentence in sentences:
        reader.read(sentence)
    return reader.found, reader.notes
