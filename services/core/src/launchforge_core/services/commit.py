"""The one way a use case ends its transaction: commit, then drop stale reads, then publish.

Core's commit policy (see the README's "Layers and transactions"): a service
use case that writes commits its own session here, once, at its end. The
order is fixed because each step is only correct after the one before:

1. commit, so nothing below announces a write that could still roll back;
2. invalidate the cached reads the write made stale: invalidating before
   the commit would let a concurrent read put the old row back, and a read
   made after the write's response would then be stale for the TTL;
3. publish the events written in the transaction (readers fetch from the
   table anyway; a message is only the fast path).

Routes never commit, and repositories only flush. The request session's own
commit (``launchforge_common.db.get_session``) is then a no-op that closes
read-only requests. ``release`` ends a read-only transaction early, before
a long stream, so a download never pins a pooled connection.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from launchforge_common.cache import CachedFunction
from launchforge_common.db import release_connection
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.services.events import Publisher

logger = logging.getLogger("launchforge.core.commit")

# A cached read made stale by the write: the reader and its (owner, id) arguments.
StaleRead = tuple[CachedFunction[..., Any], uuid.UUID, uuid.UUID]


async def commit(
    session: AsyncSession,
    *,
    stale: Iterable[StaleRead] = (),
    publisher: Publisher | None = None,
    events: Iterable[dict[str, Any] | None] = (),
) -> None:
    """Commit ``session``, then invalidate ``stale`` reads, then publish ``events``.

    ``None`` events (an append fenced out) are skipped. An invalidation that
    fails (Redis down) is logged, not raised: the write is committed already.
    """
    await session.commit()
    for reader, owner_id, item_id in stale:
        if not await reader.invalidate(session, owner_id, item_id):
            logger.warning(
                "cache invalidation failed",
                extra={"namespace": reader.namespace, "id": str(item_id)},
            )
    payloads = [event for event in events if event is not None]
    if payloads and publisher is not None:
        await publisher.publish(*payloads)


async def release(session: AsyncSession) -> None:
    """End a read-only transaction now, returning its connection before a long stream."""
    await release_connection(session)
