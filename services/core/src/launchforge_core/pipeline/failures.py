"""A validation failure's signature: what stays the same when the same failure repeats.

The fix loop compares signatures so it stops once a model's fix leaves the
very failure it was asked to fix (another round would pay for the same answer).
Timings, temporary paths, memory addresses and counters change from run to
run; they are blanked before hashing, so only the failure itself counts.
"""

from __future__ import annotations

import hashlib
import re

from launchforge_core.pipeline.sandbox import ValidationOutcome

_NOISE = (
    (re.compile(r"0x[0-9a-fA-F]+"), "0x"),  # object addresses
    (re.compile(r"(?:/tmp|/var/folders|/private)[^\s:'\"]*"), "<tmp>"),  # sandbox dirs
    (re.compile(r"\bin \d+(?:\.\d+)?s\b"), "in <t>s"),  # "1 failed in 0.53s"
    (re.compile(r"\d+(?:\.\d+)?\s*(?:ms|s|seconds)\b"), "<t>"),
    (re.compile(r"\[\s*\d+%\]"), ""),  # pytest progress
    (re.compile(r"[ \t]+"), " "),
)


def failure_signature(outcome: ValidationOutcome) -> str:
    """A short hash of the failure: its reason and its normalised output lines."""
    text = outcome.output or "\n".join(outcome.summary)
    for pattern, replacement in _NOISE:
        text = pattern.sub(replacement, text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    digest = hashlib.sha256("\n".join([outcome.reason, *lines]).encode()).hexdigest()
    return digest[:16]
