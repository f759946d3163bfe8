"""Brute-force protection: failed logins counted in Redis, temporary lockouts.

Two counters, each over a ``login_failure_window_seconds`` window: one per
account (keyed by a hash of the normalised email, so unknown emails are
throttled exactly like real ones and no address is written to Redis) and one
per client IP (IPv6 by its /64). Every attempt is counted before its password
is checked, in one Lua script with the lock check, so parallel guesses
cannot all be verified; a right password takes its count back. From the
limit on, each further attempt locks for
``base * 2^(excess)`` seconds, capped at ``login_lockout_max_seconds``: the
delay grows. Locks live in Redis with a TTL, so they survive an auth restart
and are shared by every replica; a success clears the account counter.

Redis down: we fail open (log once via RedisHealth and allow the attempt).
Refusing every login during a cache outage would turn a Redis blip into a
total outage; argon2's cost and the gateway's rate limits still bound
guessing meanwhile.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from launchforge_common.ip_bucket import ip_bucket
from launchforge_common.redis import RedisHealth
from redis.asyncio import Redis

from launchforge_auth.config import AuthSettings

# The same for every locked account and IP, known email or not.
LOCKED = "Too many failed sign-in attempts; try again later."


@dataclass(frozen=True)
class Lockout:
    retry_after: int


@dataclass(frozen=True)
class Attempt:
    """One admitted attempt: which locks its own count armed (undone if it succeeds)."""

    armed_account: bool = False
    armed_ip: bool = False
    # Counted in Redis (not admitted uncounted while Redis was down): a success gives it back.
    counted: bool = False


def _account_id(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


# Check both locks, then count the attempt on both counters, atomically: a
# burst of parallel guesses is admitted only up to the limit, never verified
# all at once. KEYS: fail_acct lock_acct fail_ip lock_ip. ARGV: limit_acct
# limit_ip window_s base_ms max_ms. Returns {refused_ms, armed_acct, armed_ip}.
_BEGIN = """
local longest = 0
for i = 2, 4, 2 do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > longest then longest = ttl end
end
if longest > 0 then return {longest, 0, 0} end
local armed = {0, 0}
for j = 1, 2 do
  local count = redis.call('INCR', KEYS[2 * j - 1])
  if count == 1 then redis.call('EXPIRE', KEYS[2 * j - 1], ARGV[3]) end
  local limit = tonumber(ARGV[j])
  if count >= limit then
    local ms = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ (count - limit))
    redis.call('SET', KEYS[2 * j], '1', 'PX', math.max(1, math.floor(ms)))
    armed[j] = 1
  end
end
return {0, armed[1], armed[2]}
"""


# A right password: clear the account count, refund the IP's (never below zero
# or past its expiry), drop the locks this attempt armed. KEYS as above;
# ARGV: armed_acct armed_ip (0/1).
_SUCCEED = """
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[3]) and tonumber(redis.call('GET', KEYS[3])) > 0 then
  redis.call('DECR', KEYS[3])
end
if ARGV[1] == '1' then redis.call('DEL', KEYS[2]) end
if ARGV[2] == '1' then redis.call('DEL', KEYS[4]) end
return 1
"""


class LoginThrottle:
    def __init__(self, redis: Redis | None, health: RedisHealth, settings: AuthSettings) -> None:
        self.redis = redis
        self.health = health
        self.settings = settings
        self._begin = redis.register_script(_BEGIN) if redis is not None else None
        self._succeed = redis.register_script(_SUCCEED) if redis is not None else None

    def _keys(self, email: str, ip: str) -> tuple[tuple[str, str, int], tuple[str, str, int]]:
        account, s = _account_id(email), self.settings
        p = f"{s.redis_key_prefix}:login"
        bucket = ip_bucket(ip)
        return (
            (f"{p}:fail:acct:{account}", f"{p}:lock:acct:{account}", s.login_max_account_failures),
            (f"{p}:fail:ip:{bucket}", f"{p}:lock:ip:{bucket}", s.login_max_ip_failures),
        )

    async def begin(self, *, email: str, ip: str) -> Lockout | Attempt:
        """Admit one attempt (counted now, before the password is checked) or refuse it."""
        begin = self._begin
        if begin is None:  # no Redis configured
            return Attempt()
        (fail_a, lock_a, limit_a), (fail_i, lock_i, limit_i) = self._keys(email, ip)
        s = self.settings
        outcome = await self.health.run(
            lambda: begin(
                keys=[fail_a, lock_a, fail_i, lock_i],
                args=[
                    limit_a,
                    limit_i,
                    s.login_failure_window_seconds,
                    int(s.login_lockout_base_seconds * 1000),
                    int(s.login_lockout_max_seconds * 1000),
                ],
            ),
            default=None,
        )
        if outcome is None:  # Redis down or failing: the attempt goes ahead uncounted
            return Attempt()
        refused, armed_a, armed_i = outcome
        if int(refused) > 0:
            return Lockout(math.ceil(int(refused) / 1000))
        return Attempt(armed_account=bool(armed_a), armed_ip=bool(armed_i), counted=True)

    async def succeeded(self, attempt: Attempt, *, email: str, ip: str) -> None:
        """The attempt was right: clear the account's count, refund the IP's, undo its locks."""
        succeed = self._succeed
        if succeed is None or not attempt.counted:  # no Redis, or nothing was counted
            return
        (fail_a, lock_a, _), (fail_i, lock_i, _) = self._keys(email, ip)
        # Forced: Redis took this attempt's count moments ago. Skipping the refund
        # because a blip marked Redis down meanwhile would leave the count behind,
        # and a few right logins around a Redis restart would lock the account.
        # Twice at most: after a Redis restart each stale pooled connection fails once,
        # and the second call takes a fresh one (the script never takes a count below 0).
        for _ in range(2):
            done = await self.health.run(
                lambda: succeed(
                    keys=[fail_a, lock_a, fail_i, lock_i],
                    args=[int(attempt.armed_account), int(attempt.armed_ip)],
                ),
                default=None,
                force=True,
            )
            if done is not None:
                return
