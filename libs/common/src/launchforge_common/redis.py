"""One Redis client factory and the outage tracker every Redis user shares.

Redis is an accelerator here, never a dependency that can take a request down:
callers check :class:`RedisHealth` before a call and report the outcome. An
outage is logged once when it starts and once when it ends, and Redis is used
again as soon as one call succeeds (the next try comes at most
``retry_after`` seconds after the last failure, so a Redis that hangs costs a
timeout at most once per interval, not on every request).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from launchforge_common.settings import ServiceSettings

logger = logging.getLogger("launchforge.redis")

REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)

T = TypeVar("T")
D = TypeVar("D")


def create_redis(settings: ServiceSettings) -> Redis:
    """An asyncio Redis client with bounded connect and read timeouts."""
    return Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=settings.redis_connect_timeout,
        socket_timeout=settings.redis_read_timeout,
        health_check_interval=30,
        retry_on_timeout=False,
        decode_responses=False,
    )


class RedisHealth:
    """Tracks whether Redis is usable, logging each outage once."""

    def __init__(self, name: str = "redis", retry_after: float = 1.0) -> None:
        self.name = name
        self.retry_after = retry_after
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """True when Redis is up, or when it is time to probe it again."""
        return self._down_since is None or time.monotonic() >= self._next_try

    def record_failure(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            logger.warning(
                "%s unavailable, degrading until it answers again",
                self.name,
                extra={"error": type(exc).__name__},
            )
        self._next_try = now + self.retry_after

    def record_success(self) -> None:
        if self._down_since is not None:
            logger.info(
                "%s available again",
                self.name,
                extra={"outage_s": round(time.monotonic() - self._down_since, 3)},
            )
            self._down_since = None
            self._next_try = 0.0

    async def run(
        self, operation: Callable[[], Awaitable[T]], *, default: D, force: bool = False
    ) -> T | D:
        """``await operation()``, or ``default`` while Redis is down or when the call fails.

        The steps every degrading Redis call takes (should_try, the call,
        record_failure on a Redis error, record_success), in one place: a
        site that forgets record_success would keep Redis marked down.
        Errors other than REDIS_ERRORS propagate untouched. ``force`` tries the
        call even while Redis is marked down: for a call that undoes one Redis
        just took (a counter given back), whose skipping would leave state behind.
        """
        if not force and not self.should_try():
            return default
        try:
            result = await operation()
        except REDIS_ERRORS as exc:
            self.record_failure(exc)
            return default
        self.record_success()
        return result


async def check_redis(client: Redis) -> None:
    """Readiness probe: raises if Redis does not answer PING."""
    await client.ping()
