"""Each rewrite of a wording reads its own example as it says, and leaves alone the
wordings that look like it but mean something else."""

from __future__ import annotations

import pytest
from launchforge_core.pipeline.extractor.phrasings import REWRITES, Rewrite, rewrite_phrasings


@pytest.mark.parametrize("rule", REWRITES, ids=lambda rule: rule.says[:40])
def test_each_rewrite_reads_its_example(rule: Rewrite) -> None:
    assert rule.says != rule.reads
    assert rule(rule.says) == rule.reads


@pytest.mark.parametrize(
    "text",
    [
        'Each class has a name like "Hizb 1" or "Adult Women B".',  # choices, listed
        'name (like "Autumn 24"), start date',  # a remark in brackets
        "the cost in \u00a3 and whether it was fixed",  # "in" says the currency already
        "We have raised money to date, and the date from the form.",
        "Items: every item we tag at a sale gets a tag number",  # the items' own heading
        "We keep records of the cows: name, tag.",
        "We keep records: date, weight.",
        "diesel used in litres",  # a stuff, not things counted
        "Members register with the council each year.",
        "Seasons: name, year. Each season has a start date.",
        "Customers: name, phone, email",
    ],
)
def test_wordings_that_mean_something_else_stay_as_written(text: str) -> None:
    assert rewrite_phrasings(text) == text
