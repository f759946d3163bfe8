"""Retries with exponential backoff and full jitter, honouring ``Retry-After``.

Hand-written (about 40 lines) rather than pulling in tenacity, which is not a
dependency of core: the policy needs the HTTP response (status, Retry-After)
and must stay cancellable, which is simplest with a plain loop.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """``max_tries`` attempts in all; delays grow ``base_delay * 2**n`` up to ``max_delay``."""

    max_tries: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    # A server's Retry-After is honoured up to this many seconds (then capped).
    max_retry_after: float = 120.0

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to sleep before try ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling)  # full jitter (AWS architecture blog)


RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (now if now is not None else time.time()), 0.0)
