"""Singular forms and classes of the nouns an idea names.

Singular forms come from ``inflect`` (a maintained library that knows
English plurals: boxes -> box, people -> person, categories -> category),
with a short list of overrides for words it gets wrong for our purpose
(``data`` stays data, ``species`` stays species).
"""

from __future__ import annotations

import re
from functools import cache

import inflect

from launchforge_core.pipeline.extractor import lexicon as lx


@cache
def _engine() -> inflect.engine:
    return inflect.engine()


# Nouns in -ics that are singular (a "topics" is two topics; "physics" is one subject).
_ICS = frozenset(
    """physics mathematics maths analytics statistics economics athletics gymnastics logistics
    politics ethics electronics graphics genetics linguistics robotics aerobics acoustics
    optics mechanics-field""".split()
)


@cache
def singular(word: str) -> str:
    """``"boxes"`` -> ``"box"``; a hyphenated compound by its last part (``check-ins``)."""
    if "-" in word:
        head, _, last = word.rpartition("-")
        if last in ("ins", "outs", "ups", "offs", "ons", "downs", "overs", "bys", "ats"):
            return f"{head}-{last[:-1]}"  # "check-ins", "sign-ups", "drop-offs"
        return f"{head}-{singular(last)}"
    if word in lx.SINGULAR_OVERRIDES:
        return lx.SINGULAR_OVERRIDES[word]
    if len(word) <= 3 or word.endswith(("ss", "us", "is")) or not word.isalpha():
        return word
    if word in _ICS:
        return word
    one = _engine().singular_noun(word)
    if not one or not isinstance(one, str):
        return word
    return one


# Endings that make a noun someone (guardian, florist, auctioneer), and the nouns that
# end so and are not (median, checklist, career)
_PERSON_ENDINGS = ("ian", "ist", "eer")
_NOT_PERSONS = frozenset(
    """median list twist wrist mist fist gist exist assist insist resist persist consist
    career beer deer steer cheer sheer veneer""".split()
)


def is_person(word: str) -> bool:
    last = singular(word).rpartition("-")[2]
    if last in lx.PERSON_NOUNS:
        return True
    return (
        len(last) > 5
        and last.endswith(_PERSON_ENDINGS)
        and not last.endswith("list")
        and last not in _NOT_PERSONS
    )


def is_event(word: str) -> bool:
    one = singular(word)
    return one in lx.EVENT_NOUNS or one.rpartition("-")[2] in lx.EVENT_NOUNS


def is_attribute(word: str) -> bool:
    """Whether the noun usually names an attribute of a record (a date, a price, notes)."""
    return word in lx.ATTRIBUTE_NOUNS or singular(word) in lx.ATTRIBUTE_NOUNS


# Headings over the views asked for: "Reports wanted:", "Monthly report to the council:"
VIEW_HEADINGS = frozenset(
    {"report", "dashboard", "stat", "statistic", "view", "chart", "figure", "need", "want"}
)
_HEADING_LEAD = frozenset({"for", "in", "on", "the", "a", "an", "our", "my"})
_POLITE = frozenset({"kindly", "please", "pls", "plz", "also"})
_GIVING = frozenset({"provide", "give", "send", "generate", "produce", "prepare", "show"})
_EVERY_SO_OFTEN = frozenset({"daily", "weekly", "monthly", "quarterly", "yearly", "annual"})


def views_heading(words: list[str]) -> bool:
    """Whether the words before a colon head the views asked for, not a record's details:
    "Reports wanted", "Monthly report to the municipality", "For the report to the
    mayor" (the reader leaves the list after it to the summaries, which read it so)."""
    k = 0
    while k < len(words) and words[k] in _POLITE:
        k += 1
    # "Kindly provide reports:", "please send me a report:": views asked to be given
    given = k < len(words) and words[k] in _GIVING
    k += given
    while k < len(words) and words[k] in _HEADING_LEAD | {"me", "us", "some", "these"}:
        k += 1
    while k < len(words) and words[k] in _EVERY_SO_OFTEN:
        k += 1
    if k >= len(words) or singular(words[k]) not in VIEW_HEADINGS:
        return False
    rest = words[k + 1 :]
    if given and not rest:
        return True
    # who the views are for ("need to track players" is a want, said so)
    to_whom = 2 <= len(rest) <= 4 and rest[0] in ("to", "for") and words[k] not in ("need", "want")
    return rest in (["wanted"], ["needed"], ["please"], ["pls"], ["plz"], ["required"]) or to_whom


def pascal_name(words: list[str]) -> str:
    """``["service", "records"]`` -> ``"ServiceRecord"`` (the last word made singular)."""
    parts = [*words[:-1], singular(words[-1])]
    out = []
    for part in parts:
        out += [p.capitalize() for p in part.replace("'", "").split("-") if p]
    return "".join(out)


def snake_name(words: list[str]) -> str:
    return "_".join(p for w in words for p in w.replace("'", "").split("-") if p)


def name_words(name: str) -> list[str]:
    """``"ServiceRecord"`` / ``"service_records"`` -> ``["service", "record"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [singular(w) for w in re.split(r"[\s_\-]+", spaced.lower()) if w]


def same_thing(a: str, b: str) -> bool:
    """Loosely the same entity: equal words, or one name's words all in the other's."""
    wa, wb = set(name_words(a)), set(name_words(b))
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)
