"""Periodic purge of rows nobody can use any more, so tables stay small.

Every replica runs it; the DELETEs are idempotent, so replicas racing each
other only repeat cheap work.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_auth.repositories import housekeeping as repo

logger = logging.getLogger("launchforge.auth.housekeeping")


async def purge_once(sessionmaker: async_sessionmaker[AsyncSession]) -> repo.Purged:
    async with sessionmaker() as session, session.begin():
        purged = await repo.purge(session)
    if any(vars(purged).values()):
        logger.info("purged expired rows", extra=vars(purged))
    return purged


async def run_housekeeping(sessionmaker: async_sessionmaker[AsyncSession], interval: float) -> None:
    """Purge every ``interval`` seconds until cancelled (first run after one interval)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await purge_once(sessionmaker)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.warning("housekeeping failed", extra={"error": type(exc).__name__})
