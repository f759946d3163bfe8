"""Rate-limit decisions: GCRA in Redis, with an in-process fallback.

Algorithm: GCRA (the generic cell rate algorithm, a continuous leaky bucket).
For a limit of ``L`` requests per window ``W`` it stores one number per
bucket, the theoretical arrival time (TAT) of the next request; a request is
admitted when ``TAT + W/L - W <= now``. Chosen over a sliding-window log
(memory grows with the limit: one sorted-set member per request) and over the
two-bucket sliding-window counter (an estimate that can admit more or fewer
than ``L`` when traffic is uneven): GCRA is exact, O(1) in memory and time,
and yields the exact time until the next admission for ``Retry-After``. Its
burst semantics are a token bucket's: at most ``L`` requests at any one
instant, then one every ``W/L``, so a client idle for ``W`` gets at most
``2L - 1`` over the next ``W`` and never more than ``L/W`` sustained. A fixed
window instead admits ``2L`` within moments across its edge (the seed's bug).

Rejected requests are NOT counted (the TAT only moves on admission). Kong's
sliding window counts them, so a client that keeps retrying is never let back
in; that also locks out everyone sharing a NAT address with one noisy client
for as long as it hammers. Here a hammering client still gets at most ``L``
requests per ``W`` admitted, each rejection costs one EVALSHA, and a client
that backs off as told by ``Retry-After`` is admitted exactly then.

One atomic round trip per request: a Lua script (run by EVALSHA, sent once
more with EVAL after a NOSCRIPT) reads the clock with ``TIME`` (Redis's
clock, so skew between gateway replicas cannot change a decision), decides,
and writes the new TAT with a TTL equal to the time until the bucket is full
again (bounded memory). Keys carry a Redis
Cluster hash tag around the bucket identity. The script goes over the
gateway's auto-pipelined connection
(:class:`~launchforge_common.redis_pipeline.PipelinedRedis`): the decisions
of concurrent requests share its writes and reads, each still one atomic
script run.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from launchforge_common.redis import REDIS_ERRORS, RedisHealth
from launchforge_common.redis_pipeline import PipelinedRedis, PipelinedScript

logger = logging.getLogger("launchforge.gateway.ratelimit")

# KEYS[1]: the bucket. ARGV[1]: emission interval T (us). ARGV[2]: burst
# capacity B = L*T (us). Returns {admitted, remaining, retry_after_us, reset_us}.
GCRA_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - capacity
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((capacity - (new_tat - now)) / interval), 0, new_tat - now}
"""


@dataclass(frozen=True, slots=True)
class Policy:
    """A named quota: ``limit`` requests per ``window`` seconds."""

    name: str
    limit: int
    window: int

    @property
    def interval_us(self) -> int:
        return max(1, self.window * 1_000_000 // self.limit)

    @property
    def capacity_us(self) -> int:
        return self.interval_us * self.limit

    @property
    def header(self) -> str:
        """This policy as an IETF ``RateLimit-Policy`` item."""
        return f'"{self.name}";q={self.limit};w={self.window}'


@dataclass(frozen=True, slots=True)
class Decision:
    admitted: bool
    remaining: int
    retry_after: float  # seconds until a request would be admitted (0 when admitted)
    reset: float  # seconds until the bucket is full again
    backend: str  # "redis" or "local"


def bucket_key(prefix: str, policy: Policy, identity: str) -> str:
    """``prefix:{policy:identity}``: the braces are the Cluster hash tag."""
    safe = identity.replace("{", "").replace("}", "")
    return f"{prefix}:{{{policy.name}:{safe}}}"


def _decision(raw: list[Any], backend: str) -> Decision:
    admitted, remaining, retry_us, reset_us = (int(v) for v in raw)
    return Decision(
        admitted=bool(admitted),
        remaining=max(0, remaining),
        retry_after=retry_us / 1_000_000,
        reset=max(0, reset_us) / 1_000_000,
        backend=backend,
    )


class LocalLimiter:
    """The same GCRA in process memory: the per-replica fallback while Redis is down.

    Each replica then admits up to ``L`` per window on its own (so ``N``
    replicas admit up to ``N*L``): looser, never a 5xx. Buckets are kept in an
    LRU of bounded size.
    """

    def __init__(self, max_buckets: int = 100_000) -> None:
        self.max_buckets = max_buckets
        self._tats: OrderedDict[str, int] = OrderedDict()

    def decide(self, key: str, policy: Policy) -> Decision:
        now = time.monotonic_ns() // 1000
        tat = max(self._tats.get(key, 0), now)
        new_tat = tat + policy.interval_us
        allow_at = new_tat - policy.capacity_us
        if now < allow_at:
            return Decision(False, 0, (allow_at - now) / 1e6, (tat - now) / 1e6, "local")
        self._tats[key] = new_tat
        self._tats.move_to_end(key)
        if len(self._tats) > self.max_buckets:
            self._tats.popitem(last=False)
        remaining = (policy.capacity_us - (new_tat - now)) // policy.interval_us
        return Decision(True, max(0, remaining), 0.0, (new_tat - now) / 1e6, "local")


class RedisUnavailableError(Exception):
    """Redis could not decide and the configuration says fail closed."""


class RateLimiter:
    """Decides in Redis while it answers, in process memory while it does not."""

    def __init__(
        self,
        redis: PipelinedRedis | None,
        health: RedisHealth,
        *,
        key_prefix: str,
        fail_closed: bool = False,
    ) -> None:
        self.redis = redis
        self.health = health
        self.key_prefix = key_prefix
        self.fail_closed = fail_closed
        self.local = LocalLimiter()
        self._script = PipelinedScript(redis, GCRA_LUA) if redis is not None else None

    @property
    def using_redis(self) -> bool:
        return self.redis is not None and not self.health.is_down

    async def decide(self, policy: Policy, identity: str) -> Decision:
        key = bucket_key(self.key_prefix, policy, identity)
        # Not RedisHealth.run: this is per request and already minimal (no closure).
        if self._script is not None and self.health.should_try():
            try:
                raw = await self._script(keys=[key], args=[policy.interval_us, policy.capacity_us])
            except REDIS_ERRORS as exc:
                self.health.record_failure(exc)
            else:
                self.health.record_success()
                return _decision(raw, "redis")
        if self.fail_closed:
            raise RedisUnavailableError
        return self.local.decide(key, policy)


def seconds_header(value: float) -> int:
    """Seconds for a header, rounded up (never tell a client to come back early)."""
    return max(0, math.ceil(value - 1e-9))
