"""Which response format a model server accepted, remembered per base URL and model.

``openai_compatible`` servers differ: OpenAI and vLLM take ``json_schema``,
llama.cpp's server refuses it (a 500 naming ``response_format``) and takes
``{"type": "json_object", "schema": ...}``. The provider finds out on the first
call (see ``OpenAICompatibleProvider``) and stores the answer here, so later
calls and builds, in any worker, ask in the working form straight away. Redis
holds it (through the Redis-down-tolerant :class:`Cache`); each process also
keeps what it learned, so a Redis outage costs at most one refused call again.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from launchforge_common.cache import Cache

# Forms a server can be remembered to accept (see OpenAICompatibleProvider).
KNOWN_FORMATS = frozenset({"json_schema", "json_object_schema", "json_object", "none"})
TTL_SECONDS = 7 * 24 * 3600.0


def memory_key(base_url: str, model: str) -> str:
    """A digest, so no user's URL (it may carry credentials) is stored in clear."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\n{model}".encode()).hexdigest()[:32]


class FormatMemory(Protocol):
    async def get(self, base_url: str, model: str) -> str | None: ...

    async def remember(self, base_url: str, model: str, form: str) -> None: ...


class LocalFormatMemory:
    """This process's memory only (tests, and the fallback of :class:`CachedFormatMemory`)."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    async def get(self, base_url: str, model: str) -> str | None:
        return self._known.get(memory_key(base_url, model))

    async def remember(self, base_url: str, model: str, form: str) -> None:
        self._known[memory_key(base_url, model)] = form


class CachedFormatMemory(LocalFormatMemory):
    """Shared by every worker through Redis; this process's copy first."""

    def __init__(self, cache: Cache) -> None:
        super().__init__()
        self._cache = cache

    async def get(self, base_url: str, model: str) -> str | None:
        known = await super().get(base_url, model)
        if known is not None:
            return known
        raw = await self._cache.get_raw(
            self._cache.key("response-format", memory_key(base_url, model))
        )
        form = raw.decode() if raw is not None else None
        if form in KNOWN_FORMATS:
            await super().remember(base_url, model, form)
            return form
        return None

    async def remember(self, base_url: str, model: str, form: str) -> None:
        await super().remember(base_url, model, form)
        await self._cache.set_raw(
            self._cache.key("response-format", memory_key(base_url, model)),
            form.encode(),
            TTL_SECONDS,
        )
