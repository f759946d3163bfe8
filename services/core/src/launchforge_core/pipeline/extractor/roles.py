"""What a noun phrase can stand for (an entity, an attribute, the app itself ...) and
the words that name the entity it stands for."""

from __future__ import annotations

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.chunks import NP
from launchforge_core.pipeline.extractor.grammar_words import ENTITY_WHEN_PLURAL, UNITS

# Meta words that name a record once something modifies them: "a damage report",
# "a log entry", "an expense report" (but "a report" alone is the app's feature).
RECORD_HEADS = frozenset({"report", "entry", "request"})


# Words that name the app when alone ("a work log") but make a compound of their own
# before a record's noun: "work days" are WorkDays, "log entries" LogEntries.
COMPOUND_META_MODIFIERS = frozenset({"work", "log", "journal", "diary"})


# One person close to the writer: "my partner and I", "my wife keeps asking"
WRITERS_PEOPLE = frozenset(
    """partner wife husband dad mum mom father mother son daughter boss brother sister
    girlfriend boyfriend colleague""".split()
)


def np_role(np: NP) -> str:
    """What a noun phrase can stand for: entity, attribute, meta, self or abstract."""
    head, one = np.head, np.singular
    if head in lx.SELF_NOUNS or one in lx.SELF_NOUNS:
        return "self"
    if np.det in ("my", "our") and not np.plural and not np.mods and head in WRITERS_PEOPLE:
        return "self"  # "my partner and I make soap": who writes, not a record
    if head in lx.PERIOD_NOUNS and all(m in lx.PERIOD_NOUNS for m in np.mods):
        return "period"  # "a week", "wednesday evenings"
    if head in UNITS and not np.mods:
        return "attribute"  # "litres", "kg": a measure
    records_in_plural = (np.plural or np.each) and one in lx.META_BUT_ENTITY_IN_PLURAL
    if (
        (one in lx.META_NOUNS or head in lx.META_NOUNS)
        and not records_in_plural
        and not (np.mods and one in RECORD_HEADS)
        # "a task manager" is the app; "for each manager I need their name", people
        and not (np.each and one == "manager" and not np.mods)
    ):
        return "meta"
    if (
        head in lx.BUSINESS_NOUNS
        and np.det in (None, "my", "our", "a", "an", "the", "this")
        and not np.numbers
    ):
        return "meta"  # "my tattoo studio", "our community garden": who owns the app
    if (one in lx.ABSTRACT_NOUNS or head in lx.ABSTRACT_NOUNS) and not (
        np.mods or records_in_plural  # "a lot of work" says much; "Lots: lot no., grade"
    ):
        return "abstract"
    if np.det == "other" and np.plural:
        return "abstract"  # "against other clubs", "with other dogs": the world outside
    first = (np.adjs + np.mods + [head])[0]
    running_number = first == "running" and head not in ("total", "totals", "tally", "count")
    if first in lx.AGGREGATE_WORDS and len(np.adjs + np.mods) >= 1 and not running_number:
        return "abstract"  # "total sales", "average score": a summary, not records
    if first == "overall" and (head in lx.AGGREGATE_WORDS or head in lx.SUMMARY_NOUNS):
        return "abstract"  # "the overall total"; "their overall position" is a field
    if head == "money" and np.mods:
        return "attribute"  # "prize money", "sponsorship money": an amount
    if head in lx.PLURAL_ATTRIBUTES and one not in ENTITY_WHEN_PLURAL:
        return "attribute"
    if (head in lx.ATTRIBUTE_NOUNS or one in lx.ATTRIBUTE_NOUNS) and not (
        np.plural and one in ENTITY_WHEN_PLURAL
    ):
        return "attribute"
    return "entity"


def meta_owner(np: NP) -> NP | None:
    """``a habit tracker``, ``my recipe app``: the thing the app is for, named by the
    modifier of a word that names the app itself (None when there is no such modifier)."""
    if np_role(np) != "meta" or not np.mods or np.head in lx.BUSINESS_NOUNS:
        return None
    head = np.mods[-1]
    if head in lx.META_NOUNS or head in lx.SELF_NOUNS or head in lx.ADJECTIVES:
        return None
    owner = NP(head=head, mods=np.mods[:-1], det=np.det, index=np.index)
    return owner if np_role(owner) == "entity" else None


def entity_words(np: NP) -> list[str]:
    """The words that name the entity: noun modifiers and the singular head."""
    mods = [
        m
        for m in np.mods
        if (m not in lx.META_NOUNS or m in COMPOUND_META_MODIFIERS) and m not in lx.SELF_NOUNS
    ]
    return [*mods[-1:], np.singular] if mods else [np.singular]
