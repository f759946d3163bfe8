"""Summary views from the wording: "streaks per habit", "monthly totals", "average
score per player", "how many visits per pet", "progress percent".

Each phrase is matched on a sentence's words, then tied to the entity and the
field it is about; a phrase that names something the model does not hold is
reported as a note, never guessed into being.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import (
    is_event,
    is_person,
    singular,
    views_heading,
)

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


@dataclass
class EntityInfo:
    key: str
    name: str
    fields: list[dict[str, Any]]
    parents: list[str]  # keys


# a reading of a measure: the records, and the field measured (none for a count)
Pick = tuple[EntityInfo, dict[str, Any] | None]


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

    def group(self, word: str | None, info: EntityInfo) -> dict[str, Any]:
        """``per month`` -> a period; ``per pet`` -> the parent; ``by category`` -> a field."""
        if not word:
            return {}
        if word in PERIODS:
            if _dated_for_periods(info):
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
        self._percent(text)

    def _streaks(self, text: str) -> None:
        for m in re.finditer(
            rf"\b(?:({_W})\s+)?streaks?\b(?:\s+{_GROUP}\s+(?:{_W}\s+)?({_W}))?", text
        ):
            before, after = m.group(1), m.group(2)
            grouped = self.entity(after) or self.entity(before)
            # "the longest streak of days in a row we logged wear": the records it names
            # first, then any record of something that happens
            named = None if grouped else self._streak_of(text[m.end() : m.end() + 60].split())
            dated = named or self._dated_child(grouped)
            if dated is None:
                self.notes.append("summary 'streaks': no dated records to count days of")
                continue
            if grouped is None and dated.parents:
                grouped = self.entities[dated.parents[0]]  # check-ins' streaks: per habit
            title = f"Streaks per {grouped.name.lower()}" if grouped else "Streaks"
            group = {"group_by": grouped.name} if grouped and grouped is not dated else {}
            date_field = next(f for f in dated.fields if f["type"] in ("date", "datetime"))
            self.add(title, dated, "streak", field=date_field["name"], **group)

    def _streak_of(self, words: list[str]) -> EntityInfo | None:
        """``streak of consecutive days swimming``: the dated records the words after the
        streak name (swims), or the idea's only dated records."""
        dated = [i for i in self.entities.values() if _dated(i)]
        named = [i for i in dated if any(_same_stem(w, i.key) for w in words)]
        return named[0] if named else dated[0] if len(dated) == 1 else None

    def _dated_child(self, parent: EntityInfo | None) -> EntityInfo | None:
        if parent is not None:
            for info in self.entities.values():
                if parent.key in info.parents and _dated(info):
                    return info
            if _dated(parent):
                return parent
        events = [i for i in self.entities.values() if _dated(i) and is_event(i.key)]
        return events[0] if events else None

    # --- measures: "average score per player", "how many visits each pet had" ------------

    def read_measures(self, tokens: list[Token], *, asked_before: bool = False) -> bool:
        """Every measure the sentence asks for: a kind word ("average", "how many",
        "total", "biggest", "percent"), what it measures, and what it is grouped by.

        Read on the tagged words, so the phrase ends where the grammar says it does
        ("how many chores each kid did per week": chores, by kid, per week)."""
        words = [t.text for t in tokens]
        # "show me: ...", "Need: % of visits ...": views asked for before a colon; "Outputs:
        # average cover per survey; % of quadrats with ...": the next part of that list
        view = any(w in _VIEW_WORDS for w in words) or _asked_before_colon(words, len(words))
        view = view or (asked_before and bool(tokens) and _phrase_at(tokens, words, 0) is not None)
        read_to = 0  # "waterings per plant per month" is one phrase, not a second at "plant"
        for k in range(len(tokens)):
            phrase = _phrase_at(tokens, words, k) if k >= read_to else None
            if phrase is None:
                continue
            kind, what, rest = phrase
            if kind == "percent" and rest < len(words) and words[rest] in _CLAUSE_WORDS:
                # "% of visits where the child was sent home": the yes/no it counts
                said = list(itertools.takewhile(lambda w: w not in _CLAUSE_ENDS, words[rest:]))
                what, rest = [*what, *said], rest + len(said)
            if (
                words[rest : rest + 1] == ["in"]
                and words[rest + 1 : rest + 2] in (["a"], ["an"], ["one"], ["any"])
                and rest + 2 < len(words)
                and self._each_record(what, [words[rest + 2]])
            ):
                rest += 3  # "highest winner points in a match by tournament": any one match
            group, period, end = _grouping(tokens, rest)
            then = _grouping(tokens, end) if group else (None, None, end)
            if group and then[0] and kind != "count" and self._each_record(what, group):
                # "avg passengers per trip for each driver": per trip is what is averaged
                group, end = then[0], then[2]
                period = period or then[1]
            period = period or _period_before(words, k)
            if group is None and period is None and not (view and kind != "count"):
                continue  # "the total they owe", "one sale per tree": no view asked for
            if group is None and period is None and not read_to and _in_field_list(words, k):
                continue  # (after a view read, "..., and the percentage of ...": another)
            if kind == "plain-count" and set(words[end : end + 4]) & {"with", "(", ":"}:
                continue  # "honey harvests per hive with date ...": records described
            read_to = end
            asked = view and not _in_field_list(words, k)
            self._measure(kind, what, group, period, " ".join(words[k:end]), asked=asked)
            if words[end : end + 1] == ["and"] and words[end + 1 : end + 2] in (["by"], ["per"]):
                # "sales total by month and by channel": a second view of the same measure
                by, per, stop = _grouping(tokens, end + 1)
                if by or per:
                    self._measure(kind, what, by, per, " ".join(words[k:stop]), asked=asked)
                    read_to = stop
        return view

    def _each_record(self, what: list[str], group: list[str]) -> bool:
        """Whether ``group`` names the very records whose number ``what`` names, all of
        its words ("passengers per trip" where a trip keeps its passengers)."""
        info = self.entity(group[-1])
        wanted = {singular(w) for w in what if w not in _NOT_NAMES}
        return (
            info is not None
            and bool(wanted)
            and any(
                f["type"] in NUMBERS and wanted <= {singular(p) for p in f["name"].split("_")}
                for f in info.fields
            )
        )

    def _measure(
        self,
        kind: str,
        what: list[str],
        group: list[str] | None,
        period: str | None,
        said: str,
        *,
        asked: bool = False,
    ) -> None:
        plain = kind == "plain-count"  # "visits per pet": a count only of records kept
        counted = self._count_fields(what) if kind == "count" else []
        if counted:
            # "the number of visitors per route" where a tour keeps how many visitors came:
            # the total of that count, not how many tours
            kind, picks = "sum", counted
        else:
            picks = self._picks(kind, plain, what, group, period)
        if plain and not picks and asked:
            # "Would love: invoice $ per account", "Reports: pump-out charges per month": no
            # records so named, but an amount of money so named (not a rate), totalled
            picks = [
                (info, f)
                for info, f in self._numeric("sum", what, group, period)
                if f is not None and f["type"] == "decimal" and "_per_" not in f["name"]
            ]
            kind = "sum" if picks else kind
            plain = not picks
        kind = "count" if plain else kind
        if not picks:
            if not plain:
                self.notes.append(f"summary {said!r}: nothing in the data to measure")
            return
        # The first reading that fits what was asked ("payouts per consignor": not the
        # consignor's own payout percent; "rent collected per month": a dated record).
        # With none for both the grouping and the period: the grouping, else the period
        # ("total collected per building per month" where payments are not tied to
        # buildings: the total per month), and a note of what is out of reach.
        found = None
        for g, p in ((group, period), (group, None), (None, period)):
            if (g, p) != (group, period) and (plain or (g is None and p is None)):
                continue
            fits = [self._fitted(info, f, g, p) for info, f in picks]
            found = next((fit for fit in fits if fit is not None), None)
            if found is not None:
                break
        if found is None or (group is not None and "group_by" not in found[2]):
            missing = f"no {' '.join(group)!r} to group by" if group else "no date"
            self.notes.append(f"summary {said!r}: {missing}")
        elif period is not None and "period" not in found[2]:
            self.notes.append(f"summary {said!r}: no date on {found[0].name} to group by")
        if found is None:
            return
        info, f, extra = found
        title = _title(kind, info, f, extra)
        self.add(title, info, kind, field=f["name"] if f else None, **extra)

    def _picks(
        self, kind: str, plain: bool, what: list[str], group: list[str] | None, period: str | None
    ) -> list[Pick]:
        if kind in ("count", "plain-count"):
            return self._counted(what, group, named_only=plain)
        if kind == "percent":
            return self._flag(what, group)
        return self._numeric(kind, what, group, period)

    def _count_fields(self, what: list[str]) -> list[Pick]:
        """The whole-number (or measured: "how many litres") fields that ``what`` names in
        the plural, of records that are not themselves named ("visitors" of a tour that
        keeps how many came); the first that fits the grouping is taken."""
        if not what or self._named_entities(what):
            return []
        noun = what[-1]
        if singular(noun) == noun:
            return []  # "number of the week": no count of things
        return [
            (info, f)
            for info, f in self.fields_of(("integer", "number"))
            if noun in (f["name"], f["name"].split("_")[-1])
        ]

    def _fitted(
        self,
        info: EntityInfo,
        f: dict[str, Any] | None,
        group: list[str] | None,
        period: str | None,
    ) -> tuple[EntityInfo, dict[str, Any] | None, dict[str, Any]] | None:
        """``info`` measured as asked: grouped by ``group`` and dated by ``period``."""
        extra: dict[str, Any] = {}
        if group is not None:
            info, extra = self._grouped(info, f, group)
            if not extra:
                return None
        if period is not None:
            if not _dated_for_periods(info):
                return None
            extra["period"] = period
        return info, f, extra

    # which records and which field --------------------------------------------------------

    def _named_entities(self, words: list[str]) -> list[EntityInfo]:
        found = []
        for w in words:
            info = self.entity(w)
            if info is not None and info not in found:
                found.append(info)
        return found

    def _group_parent(self, group: list[str] | None) -> EntityInfo | None:
        if not group:
            return None
        for w in reversed(group):
            info = self.entity(w)
            if info is not None:
                return info
        return None

    def _tied(self, info: EntityInfo, group: list[str] | None) -> bool:
        parent = self._group_parent(group)
        if parent is not None:
            return parent.key in info.parents or self._link_to(info, parent) is not None
        return bool(group) and any(_field_named(info, w) for w in group or [])

    def _link_to(self, info: EntityInfo, parent: EntityInfo) -> EntityInfo | None:
        """The record that ties ``info`` to ``parent`` many-to-many (a sign-up, a link)."""
        for other in self.entities.values():
            if {info.key, parent.key} <= set(other.parents) and other is not info:
                return other
        return None

    def _children(self, parent: EntityInfo) -> list[EntityInfo]:
        return [i for i in self.entities.values() if parent.key in i.parents]

    def _counted(
        self, what: list[str], group: list[str] | None, *, named_only: bool = False
    ) -> list[Pick]:
        named = self._named_entities(what)
        if named or named_only:
            return [(named[-1], None)] if named else []
        parent = self._group_parent(group)
        if parent is not None:
            children = self._children(parent)
            dated = [c for c in children if any(f["type"] in DATES for f in c.fields)]
            people = [c for c in children if is_person(c.key)]
            pick = (
                children
                if len(children) == 1
                else people
                if len(people) == 1  # "headcount per department": its employees
                else dated
                if len(dated) == 1
                else []
            )
            if pick:
                return [(pick[0], None)]  # "how many items came in at each event": tickets
        return [
            (info, None)  # "how many of each meal": the guests, by meal
            for w in reversed(group or [])
            for info in self.entities.values()
            if _field_named(info, w)
        ]

    def _flag(self, what: list[str], group: list[str] | None) -> list[Pick]:
        """``win percent per map``, ``% passed``, ``success percentage per printer``."""
        scored: list[tuple[int, EntityInfo, dict[str, Any]]] = []
        named = self._named_entities(what)
        for info in self.entities.values():
            for f in info.fields:
                if f["type"] != "boolean":
                    continue
                score = 2 * sum(_same_stem(w, part) for w in what for part in f["name"].split("_"))
                if score:
                    scored.append((score + self._tied(info, group) + (info in named), info, f))
        if scored:
            scored.sort(key=lambda item: -item[0])
            return [(info, f) for _, info, f in scored]
        if named:
            own = [f for f in named[-1].fields if f["type"] == "boolean"]
            if len(own) == 1:
                return [(named[-1], own[0])]  # "what percentage of sessions get missed"
        parent = self._group_parent(group)
        if parent is not None:
            flags = [
                (c, f) for c in self._children(parent) for f in c.fields if f["type"] == "boolean"
            ]
            if len(flags) == 1:
                return [flags[0]]  # "adherence percent per medication": its one yes/no
        return []

    def _numeric(
        self, kind: str, what: list[str], group: list[str] | None, period: str | None
    ) -> list[Pick]:
        named = self._named_entities(what)
        # "square-feet" (one word to the reader) is the square_feet of "square_feet_cleaned"
        wanted = [singular(p) for w in what if w not in _NOT_NAMES for p in w.split("-") if p]
        # "monthly totals", "what I invoiced": the money of the records
        money = kind == "sum" and (not wanted or any(w in _MONEY_WORDS for w in what))
        scored: list[tuple[float, EntityInfo, dict[str, Any], bool]] = []
        for info in self.entities.values():
            # what speaks for the records, whichever of their numbers is measured:
            # named, tied to the grouping, called so ("rent collected": rent payments;
            # "invoiced totals": the invoices), dated when a period is asked for
            records = 2.0 * (info in named) + 2 * self._tied(info, group)
            records += 2 * any(_same_stem(w, part) for w in what for part in info.key.split("-"))
            records += bool(period) and any(x["type"] in DATES for x in info.fields)
            for f in info.fields:
                if f["type"] not in NUMBERS:
                    continue
                parts = [singular(x) for x in f["name"].partition("_per_")[0].split("_")]
                hits = sum(w in parts for w in wanted)
                if not hits and not (money and f["type"] == "decimal"):
                    continue
                if not hits and f["name"].partition("_per_")[2]:
                    continue  # a rate is not what was earned
                score = records + 3.0 * hits
                score += money and bool(set(parts) & _MONEY_NAMES)
                score -= len(parts) * 0.1  # the plainer name: "score" before "max_score"
                if _LIMITS & set(parts) and not _LIMITS & set(wanted):
                    score -= 2  # "max points" is a limit, not what is scored
                scored.append((score, info, f, hits > 0))
        if any(hit for *_, hit in scored):  # a field named: only fields so named
            scored = [item for item in scored if item[3]]
        if scored:
            scored.sort(key=lambda item: -item[0])
            return [(info, f) for _, info, f, _ in scored]
        if named:  # "average rating per book": a rating's one number
            numbers = [f for f in named[-1].fields if f["type"] in NUMBERS]
            amounts = [f for f in numbers if f["type"] == "decimal"]
            if kind == "sum" and len(amounts) == 1:
                numbers = amounts  # "the total of loans given": their one amount of money
            if len(numbers) == 1:
                return [(named[-1], numbers[0])]
        return []

    def _grouped(
        self, info: EntityInfo, f: dict[str, Any] | None, group: list[str]
    ) -> tuple[EntityInfo, dict[str, Any]]:
        """``group_by`` for ``info``: a parent it has, a field of its own, or (when a
        count's records are tied to the group many-to-many) the records that tie them."""
        parent = self._group_parent(group)
        if parent is not None and parent.key in info.parents:
            return info, {"group_by": parent.name}
        whole = "_".join(singular(w) if k == len(group) - 1 else w for k, w in enumerate(group))
        for field in info.fields:
            if field["name"] == whole and field["type"] != "text":
                return info, {"group_by": field["name"]}  # "per fee earner": not the fee
        for w in group:
            own = _field_named(info, w)
            if own is not None:
                return info, {"group_by": own["name"]}
        if parent is not None and f is None:
            link = self._link_to(info, parent)
            if link is not None:
                return link, {"group_by": parent.name}
        return info, {}

    def _percent(self, text: str) -> None:
        pattern = (
            rf"\b(?:percent(?:age)?\s+(?:of\s+{_W}\s+)?(?:complete|completed|done|finished)"
            rf"|progress(?:\s+percent(?:age)?)?|completion(?:\s+(?:rate|percent(?:age)?))?"
            rf"|percent(?:age)?\s+complete)\b(?:\s+{_GROUP}\s+(?:{_W}\s+)?({_W}))?"
        )
        for m in re.finditer(pattern, text):
            bare = m.group(0) in ("progress", "completion")  # "the target completion date"
            if bare and not m.group(1):
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
            if any(
                v["entity"] == info.name and v["kind"] == "percent" and v.get("field") == f["name"]
                for v in self.found
            ):
                continue  # "what percent of matters completed on time": read as a measure
            by = m.group(1)
            group = self.group(by, info) if by else {}
            if not group and info.parents:
                group = {"group_by": self.entities[info.parents[0]].name}
            title = "Percent done" + (
                f" per {group['group_by'].lower()}" if "group_by" in group else ""
            )
            self.add(title, info, "percent", field=f["name"], **group)


def read_summaries(
    sentences: list[list[Token]], entities: dict[str, EntityInfo]
) -> tuple[list[dict[str, Any]], list[str]]:
    reader = Summaries(entities)
    asked = False
    for sentence in sentences:
        asked = reader.read_measures(sentence, asked_before=asked)
        reader.read(" ".join(t.text for t in sentence))  # (after: not a view read twice)
    return reader.found, reader.notes


NUMBERS = ("integer", "number", "decimal")
DATES = ("date", "datetime")
_VIEW_WORDS = frozenset(
    """show see know display chart report reports view dashboard stats statistics totals
    breakdown""".split()
)
# Words before a colon over the views asked for ("Report:", "want:")
_ASKING = _VIEW_WORDS | {"want", "wants", "need", "needs", "love", "like", "output", "outputs"}
_MONEY_WORDS = frozenset(
    """spent spend spending revenue income earnings winnings earned takings sales invoiced
    billed charged owed paid collected payouts payout money cash made quoted raised received
    turnover""".split()
)
_BEFORE = {
    "average": "average",
    "avg": "average",
    "mean": "average",
    "averages": "average",
    "total": "sum",
    "sum": "sum",
    "highest": "maximum",
    "best": "maximum",
    "top": "maximum",
    "biggest": "maximum",
    "largest": "maximum",
    "longest": "maximum",
    "max": "maximum",
    "maximum": "maximum",
    "hardest": "maximum",
    "heaviest": "maximum",
    "tallest": "maximum",
    "lightest": "minimum",
    "lowest": "minimum",
    "smallest": "minimum",
    "shortest": "minimum",
    "min": "minimum",
    "minimum": "minimum",
    "cheapest": "minimum",
    "percent": "percent",
    "percentage": "percent",
    "how-many": "count",
    "how-much": "sum",
    "number": "count",
    "count": "count",
    "headcount": "count",
}
# what a superlative measures of the records it names: "the heaviest fish" (a weight)
_MEASURED_BY = {
    "heaviest": "weight",
    "lightest": "weight",
    "longest": "length",
    "tallest": "height",
}
# a kind word after what it measures: "distance totals", "attendance count per class"
_AFTER = {
    "totals": "sum",
    "total": "sum",  # "sales total by month"
    "count": "count",
    "counts": "count",
    "averages": "average",
    "percent": "percent",
    "percentage": "percent",
}
_MONEY_NAMES = frozenset({"total", "amount", "price", "cost", "fee", "paid", "value", "charge"})
_NOT_NAMES = frozenset({"the", "my", "our", "their", "a", "an", "of"})
_LIMITS = frozenset({"max", "min", "maximum", "minimum"})
# "% of visits where the child was sent home": a clause that says which records count
_CLAUSE_WORDS = frozenset({"where", "that", "which", "when", "with"})
_CLAUSE_ENDS = frozenset({",", ".", ";", ":", "and", "per", "by", "each", "for", "in", ")"})
_GROUP_WORDS = frozenset({"per", "by", "each", "every", "across"})
_PASSIVE_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_GROUP_PAIRS = frozenset({"for", "of", "in", "on", "at", "from", "to"})  # "for each", "to each"
_SKIPPABLE = frozenset({"PRON", "VERB", "AUX", "ADV", "PART"})
_NAME_TAGS = frozenset({"NOUN", "ADJ"})
_STEMS_AS_NOUNS = frozenset({"win", "wins", "loss", "pass", "fail"})
_STEM_PAIRS = {("win", "won"), ("wins", "won"), ("lose", "lost"), ("pass", "passed")}


def _phrase_at(tokens: list[Token], words: list[str], k: int) -> tuple[str, list[str], int] | None:
    """(kind, what is measured, where the phrase's grouping may start) at ``k``."""
    t = tokens[k]
    nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
    after_next = tokens[k + 2].text if k + 2 < len(tokens) else ""
    prev = tokens[k - 1].text if k else ""
    # "sales total by month" (but "total points per team", "the rand total of purchases",
    # "show total milling fees": what follows is totalled)
    total_of_next = t.text == "total" and nxt not in (*_GROUP_WORDS, "for", "in", ",", "and", "")
    if t.text in _AFTER and k and _names(tokens[k - 1]) and not total_of_next:
        j = k
        while j > 0 and k - j < 3 and _names(tokens[j - 1]):
            j -= 1
        what = [x.text for x in tokens[j:k] if x.text not in PERIODS]
        if what or t.text == "totals":
            return _AFTER[t.text], what, k + 1
    if t.text in _BEFORE:
        kind = _BEFORE[t.text]
        if t.text in ("number", "headcount") or (t.text == "count" and nxt == "of"):
            if t.text == "number" and nxt != "of":
                return None
            if prev in _BEFORE and prev not in ("how-many", "number", "total"):
                return None  # "average number of" is read at "average"
        if t.text in ("total", "sum") and nxt in ("number", "count") and after_next == "of":
            return None
        j = k + 1
        if j < len(tokens) and tokens[j].text == "of":
            j += 1
        while j < len(tokens) and tokens[j].tag == "DET" and tokens[j].text not in _GROUP_WORDS:
            j += 1
        start = j
        tags = (*_NAME_TAGS, "VERB") if kind == "percent" else _NAME_TAGS
        while (
            j < len(tokens)
            and j - start < 4
            and (
                tokens[j].tag in tags
                or tokens[j].text in _MONEY_WORDS  # "total spent"
                or _ing_before_a_name(tokens, j)  # "total milling fees"
            )
        ):
            if tokens[j].text in PERIODS and j > start:
                break
            j += 1
        what = [x.text for x in tokens[start:j]]
        if (
            kind != "count"
            and what[-1:] in (["number"], ["count"])
            and j + 1 < len(tokens)
            and tokens[j].text == "of"
            and tokens[j + 1].tag in _NAME_TAGS
        ):
            # "the average number of ants per bait type": the number of them, measured
            j += 2
            what = [*what, "of", tokens[j - 1].text]
            if (
                j + 2 < len(tokens)
                and tokens[j].text in ("at", "after")
                and tokens[j + 1].tag == "NUM"
                and tokens[j + 2].tag == "NOUN"
            ):
                j += 3  # "... of ants at 30 minutes for each bait type": when they were counted
        if (
            kind in ("sum", "average", "maximum", "minimum")
            and what
            and what[-1] not in ("number", "count")
            and j + 1 < len(tokens)
            and tokens[j].text == "of"
            and tokens[j + 1].tag in _NAME_TAGS
            and tokens[j + 1].text not in PERIODS
        ):
            # "total amount of fines per month", "total £ of orders": the records measured,
            # then what they are grouped by
            j += 1
            while j < len(tokens) and tokens[j].tag in _NAME_TAGS and tokens[j].text not in PERIODS:
                what = [*what, tokens[j].text]
                j += 1
        if kind == "percent" and what:
            # "what percentage of assessments are passes", "% of players are juniors":
            # the records, then the yes/no they have
            k2 = j
            grouped = (
                k2 + 2 < len(tokens)
                and tokens[k2].tag == "PREP"
                and tokens[k2 + 1].text in ("each", "every")
                and tokens[k2 + 2].tag == "NOUN"
            )
            if grouped:
                k2 += 3  # "what percentage of cores from each building have been dated"
            at = k2
            while k2 < len(tokens) and (tokens[k2].tag == "AUX" or tokens[k2].text == "been"):
                k2 += 1
            if k2 > at and k2 < len(tokens) and tokens[k2].tag in tags:
                # the grouping, when it came first, is read from where it starts
                what, j = [*what, tokens[k2].text], j if grouped else k2 + 1
        if t.text == "how-much" and not what:
            # "how much I've taken per month", "how much we made": the money of the records
            k2 = k + 1
            while k2 < len(tokens) and k2 - k <= 3 and tokens[k2].tag in ("PRON", "AUX", "ADV"):
                k2 += 1
            if k2 < len(tokens) and tokens[k2].text in (*_MONEY_WORDS, "taken"):
                said = tokens[k2].text
                what, j = ["takings" if said == "taken" else said], k2 + 1
        if t.text == "headcount":
            what = []  # the people of the group: read from the grouping
        measure = _MEASURED_BY.get(t.text)
        if (
            measure
            and what
            and measure not in what
            and not {"streak", "streaks", "run"} & set(what)
        ):
            what = [*what, measure]  # "the heaviest fish": the most a catch weighs
        if not what and kind != "count":
            return None
        return kind, what, j
    if t.text in _MONEY_WORDS and prev not in _BEFORE and prev not in _PASSIVE_BE:
        # "rent collected per month", "what I'm owed per owner", "farrier spend per horse",
        # "yearly repair spending" ("a booking is made by a devotee" says who makes one)
        rest = tokens[k + 1 : k + 3]
        if (
            any(x.text in _GROUP_WORDS for x in rest[:1])
            or (rest and rest[0].text in _GROUP_PAIRS and len(rest) > 1 and rest[1].text == "each")
            or (_period_before(words, k) and not (rest and rest[0].tag in _NAME_TAGS))
        ):
            before = [tokens[k - 1].text] if k and tokens[k - 1].tag == "NOUN" else []
            return "sum", [*before, t.text], k + 1
        return None
    if t.tag == "NOUN" and nxt == "per" and prev not in ("one", "a", "an", "each", "every"):
        # "visits per pet", "attendance per class per week": records kept, counted
        return "plain-count", [t.text], k + 1
    return None


def _ing_before_a_name(tokens: list[Token], j: int) -> bool:
    """``milling`` in "total milling fees": a word in -ing that names a kind of the noun."""
    return (
        tokens[j].tag == "VERB"
        and tokens[j].text.endswith("ing")
        and j + 1 < len(tokens)
        and tokens[j + 1].tag == "NOUN"
    )


def _names(t: Token) -> bool:
    """A word that can name what a measure is of ("win" is tagged a verb)."""
    return t.tag in _NAME_TAGS or t.text in _STEMS_AS_NOUNS


def _grouping(tokens: list[Token], i: int) -> tuple[list[str] | None, str | None, int]:
    """What follows a measure: ``per pet``, ``each kid did per week``, ``by type``."""
    group: list[str] | None = None
    period: str | None = None
    for _ in range(2):
        j = i
        while (
            j < len(tokens)
            and j - i < 3
            and (tokens[j].tag in _SKIPPABLE or _to_do(tokens, j))  # "hours to make per ..."
        ):
            if tokens[j].text in _GROUP_WORDS:
                break
            j += 1
        if j >= len(tokens):
            break
        word = tokens[j].text
        if word in _GROUP_PAIRS and j + 1 < len(tokens) and tokens[j + 1].text in ("each", "every"):
            j += 1
            word = tokens[j].text
        elif word == "a" and j + 1 < len(tokens) and tokens[j + 1].text in PERIODS:
            pass  # "twice a week"
        elif word not in _GROUP_WORDS:
            break
        j += 1
        while j < len(tokens) and tokens[j].tag == "DET":
            j += 1
        if j < len(tokens) and tokens[j].text in PERIODS:
            period = period or PERIODS[tokens[j].text]
            i = j + 1
            continue
        start = j
        while j < len(tokens) and j - start < 3 and tokens[j].tag in _NAME_TAGS:
            j += 1
        if j + 1 < len(tokens) and j > start and tokens[j].text == "of":
            k = j + 1  # "each type of furniture", "per pair of shoes"
            while k < len(tokens) and tokens[k].tag in _NAME_TAGS:
                k += 1
            if k > j + 1:
                j = k
        if j == start or group is not None:
            break
        group = [x.text for x in tokens[start:j] if x.text != "of"]
        i = j
    return group, period, i


def _to_do(tokens: list[Token], j: int) -> bool:
    """``to`` before a verb: "hours to make", "time to fix"."""
    return tokens[j].text == "to" and j + 1 < len(tokens) and tokens[j + 1].tag == "VERB"


def _period_before(words: list[str], k: int) -> str | None:
    """``monthly totals``, ``weekly distance totals``."""
    for w in words[max(0, k - 3) : k + 1]:
        if w in PERIODS and w.endswith(("ly", "annual")):
            return PERIODS[w]
    return None


def _in_field_list(words: list[str], k: int) -> bool:
    """``..., the total price, ...``: a field named among others, not a view asked for."""
    before = words[k - 1] if k else ""
    before = words[k - 2] if before in ("the", "a", "an") and k > 1 else before
    if _asked_before_colon(words, k):
        # "Report: % of quotes accepted, total labour per month", "show me: avg fee": views
        return False
    return before in (",", ":", "and", "with")


def _asked_before_colon(words: list[str], end: int) -> bool:
    """Whether the words before the first colon (ahead of ``end``) ask for something:
    "Report:", "show me:", "Need:", "Monthly report to the council:" (two words, or all
    of a heading of five at most)."""
    colon = words.index(":") if ":" in words[:end] else -1
    asking = words[:colon] if colon <= 5 else words[max(colon - 2, 0) : colon]
    if words[:1] == ["what"] and colon <= 10:
        asking = words[:colon]  # "What I'd like out of it: ...", "what we need to see:"
    return colon > 0 and (bool(set(asking) & _ASKING) or views_heading(words[:colon]))


def _dated(info: EntityInfo) -> bool:
    """Whether the records have a date (or a date and time) to count days by."""
    return any(f["type"] in DATES for f in info.fields)


def _dated_for_periods(info: EntityInfo) -> bool:
    """Whether the records can be grouped by day, week or month: they have a date, or a
    time of their own ("time of call") that, with no date beside it, is when each
    happened, so it becomes a date and time (a time of day alone has no week)."""
    if _dated(info):
        return True
    times = [f for f in info.fields if f["type"] == "time"]
    if len(times) == 1 and (times[0]["name"] == "time" or times[0]["name"].startswith("time_of")):
        times[0]["type"] = "datetime"
        return True
    return False


def _field_named(info: EntityInfo, word: str) -> dict[str, Any] | None:
    one = singular(word)
    for f in info.fields:
        if f["type"] == "text":
            continue
        if f["name"] in (word, one) or one in f["name"].split("_"):
            return f
    return None


def _same_stem(a: str, b: str) -> bool:
    return a == b or (a, b) in _STEM_PAIRS or (len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4])


def _title(kind: str, info: EntityInfo, f: dict[str, Any] | None, extra: dict[str, Any]) -> str:
    what = f["name"].replace("_", " ") if f else info.name
    head = {
        "count": f"{info.name} count",
        "sum": f"Total {what}",
        "average": f"Average {what}",
        "maximum": f"Highest {what}",
        "minimum": f"Lowest {what}",
        "percent": f"Percent {what}",
    }[kind]
    if "group_by" in extra:
        head += f" per {extra['group_by'].replace('_', ' ')}"
    if "period" in extra:
        head += f" per {extra['period']}"
    return head
