"""Brute-force protection: failed logins counted in Redis, temporary lockouts.

Two counters, each over a sliding ``login_failure_window_seconds``: one per
account (keyed by a hash of the normalised email, so unknown emails are
throttled exactly like real ones and no address is written to Redis) and one
per client IP. Past the limit, each further failure locks for
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

from launchforge_common.redis import REDIS_ERRORS, RedisHealth
from redis.asyncio import Redis

from launchforge_auth.core.config import AuthSettings

# The same for every locked account and IP, known email or not.
LOCKED = "Too many failed sign-in attempts; try again later."


@dataclass(frozen=True)
class Lockout:
    retry_after: int


def _account_id(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


class LoginThrottle:
    def __init__(self, redis: Redis | None, health: RedisHealth, settings: AuthSettings) -> None:
        self.redis = redis
        self.health = health
        self.settings = settings

    def _keys(self, email: str, ip: str) -> tuple[tuple[str, str, int], tuple[str, str, int]]:
        account, s = _account_id(email), self.settings
        p = f"{s.redis_key_prefix}:login"
        return (
            (f"{p}:fail:acct:{account}", f"{p}:lock:acct:{account}", s.login_max_account_failures),
            (f"{p}:fail:ip:{ip}", f"{p}:lock:ip:{ip}", s.login_max_ip_failures),
        )

    def _usable(self) -> bool:
        return self.redis is not None and self.health.should_try()

    async def locked(self, *, email: str, ip: str) -> Lockout | None:
        """The longest active lock on this account or IP, else None."""
        if not self._usable():
            return None
        assert self.redis is not None
        (_, account_lock, _), (_, ip_lock, _) = self._keys(email, ip)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.pttl(account_lock)
                pipe.pttl(ip_lock)
                ttls = await pipe.execute()
        except REDIS_ERRORS as exc:
            self.health.record_failure(exc)
            return None
        self.health.record_success()
        longest = max(int(t) for t in ttls)
        return Lockout(math.ceil(longest / 1000)) if longest > 0 else None

    async def record_failure(self, *, email: str, ip: str) -> Lockout | None:
        """Count a failure; the lock it caused, if any."""
        if not self._usable():
            return None
        assert self.redis is not None
        window = self.settings.login_failure_window_seconds
        result: Lockout | None = None
        try:
            for fail_key, lock_key, limit in self._keys(email, ip):
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.incr(fail_key)
                    pipe.expire(fail_key, window)
                    count = int((await pipe.execute())[0])
                if count >= limit:
                    seconds = min(
                        self.settings.login_lockout_max_seconds,
                        self.settings.login_lockout_base_seconds * 2 ** (count - limit),
                    )
                    await self.redis.set(lock_key, b"1", px=max(1, int(seconds * 1000)))
                    if result is None or seconds > result.retry_after:
                        result = Lockout(math.ceil(seconds))
        except REDIS_ERRORS as exc:
            self.health.record_failure(exc)
            return result
        self.health.record_success()
        return result

    async def record_success(self, *, email: str) -> None:
        if not self._usable():
            return
        assert self.redis is not None
        (fail_key, _, _), _ = self._keys(email, "-")
        try:
            await self.redis.delete(fail_key)
        except REDIS_ERRORS as exc:
            self.health.record_failure(exc)
            return
        self.health.record_success()
