"""A Redis read-through cache with a ``cached`` decorator.

The decorated function is the source of truth; Redis only saves calls. When
Redis is unavailable every call goes straight through (logged once per outage
by :class:`RedisHealth`), and the cache is used again as soon as Redis
answers. Each decorated function gets ``invalidate(*args, **kwargs)`` to drop
the entry for those arguments after a write.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar

from pydantic import TypeAdapter
from redis.asyncio import Redis

from launchforge_common.redis import REDIS_ERRORS, RedisHealth

P = ParamSpec("P")
R = TypeVar("R")

KeyBuilder = Callable[..., str]


def default_key(*args: Any, **kwargs: Any) -> str:
    """A stable key from the call's arguments (hashed so any value is safe)."""
    raw = json.dumps([list(map(str, args)), {k: str(v) for k, v in sorted(kwargs.items())}])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class Cache:
    """Namespaced JSON cache over one Redis client."""

    def __init__(self, redis: Redis | None, *, prefix: str, health: RedisHealth) -> None:
        self.redis = redis
        self.prefix = prefix
        self.health = health

    def key(self, namespace: str, suffix: str) -> str:
        return f"{self.prefix}:{namespace}:{suffix}"

    async def get_raw(self, key: str) -> bytes | None:
        redis = self.redis
        if redis is None:
            return None
        value = await self.health.run(lambda: redis.get(key), default=None)
        return value.encode() if isinstance(value, str) else value

    async def set_raw(self, key: str, value: bytes, ttl: float) -> None:
        redis = self.redis
        if redis is None:
            return
        await self.health.run(
            lambda: redis.set(key, value, px=max(1, int(ttl * 1000))), default=None
        )

    async def delete(self, *keys: str) -> bool:
        """Delete keys; False when Redis could not be reached."""
        if self.redis is None or not keys:
            return True
        try:
            await self.redis.delete(*keys)
        except REDIS_ERRORS as exc:
            self.health.record_failure(exc)
            return False
        self.health.record_success()
        return True

    def cached(
        self,
        namespace: str,
        *,
        ttl: float,
        response_type: Any,
        key: KeyBuilder = default_key,
    ) -> Callable[[Callable[P, Awaitable[R]]], CachedFunction[P, R]]:
        """Cache an async function's result for ``ttl`` seconds.

        ``response_type`` is the function's return type, used to serialise and
        validate values through pydantic (so models round-trip exactly).
        """

        def decorate(func: Callable[P, Awaitable[R]]) -> CachedFunction[P, R]:
            return CachedFunction(self, func, namespace, ttl, TypeAdapter(response_type), key)

        return decorate


class CachedFunction(Generic[P, R]):
    """An async function wrapped with read-through caching."""

    def __init__(
        self,
        cache: Cache,
        func: Callable[P, Awaitable[R]],
        namespace: str,
        ttl: float,
        adapter: TypeAdapter[Any],
        key: KeyBuilder,
    ) -> None:
        self.cache = cache
        self.func = func
        self.namespace = namespace
        self.ttl = ttl
        self.adapter = adapter
        self.key_builder = key
        functools.update_wrapper(self, func)

    def cache_key(self, *args: Any, **kwargs: Any) -> str:
        return self.cache.key(self.namespace, self.key_builder(*args, **kwargs))

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = self.cache_key(*args, **kwargs)
        raw = await self.cache.get_raw(key)
        if raw is not None:
            envelope = json.loads(raw)
            result: R = self.adapter.validate_python(envelope["v"])
            return result
        value = await self.func(*args, **kwargs)
        payload = json.dumps({"v": self.adapter.dump_python(value, mode="json")})
        await self.cache.set_raw(key, payload.encode(), self.ttl)
        return value

    async def invalidate(self, *args: Any, **kwargs: Any) -> bool:
        """Drop the cached value for these arguments."""
        return await self.cache.delete(self.cache_key(*args, **kwargs))
