"""Artifact rows: one zip per build, as ``bytea`` in core's own database."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Artifact


async def add(
    session: AsyncSession,
    *,
    build_id: uuid.UUID,
    archive: bytes,
    sha256: str,
    files: list[dict[str, Any]],
    manifest: dict[str, Any] | None,
) -> None:
    session.add(
        Artifact(
            build_id=build_id,
            archive=archive,
            size=len(archive),
            sha256=sha256,
            files=files,
            manifest=manifest,
        )
    )
    await session.flush()


async def files(session: AsyncSession, build_id: uuid.UUID) -> list[dict[str, Any]] | None:
    stmt = select(Artifact.files).where(Artifact.build_id == build_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def size(session: AsyncSession, build_id: uuid.UUID) -> int | None:
    stmt = select(Artifact.size).where(Artifact.build_id == build_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def archive(session: AsyncSession, build_id: uuid.UUID) -> bytes | None:
    stmt = select(Artifact.archive).where(Artifact.build_id == build_id)
    data = (await session.execute(stmt)).scalar_one_or_none()
    return None if data is None else bytes(data)


async def copy(session: AsyncSession, source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """Store ``source_id``'s artifact again under ``target_id``.

    INSERT ... SELECT: the bytes are copied inside PostgreSQL, never through Python.
    """
    stmt = insert(Artifact).from_select(
        ["build_id", "archive", "size", "sha256", "files", "manifest", "created_at"],
        select(
            literal(target_id, Artifact.build_id.type),
            Artifact.archive,
            Artifact.size,
            Artifact.sha256,
            Artifact.files,
            Artifact.manifest,
            func.now(),
        ).where(Artifact.build_id == source_id),
    )
    await session.execute(stmt)


async def chunk(session: AsyncSession, build_id: uuid.UUID, offset: int, length: int) -> bytes:
    """``length`` bytes of the zip from ``offset`` (0-based); empty past its end or without one.

    ``substring()`` reads one chunk per query: the zip is never held whole.
    """
    stmt = select(func.substring(Artifact.archive, offset + 1, length)).where(
        Artifact.build_id == build_id
    )
    data = (await session.execute(stmt)).scalar_one_or_none()
    return bytes(data) if data else b""
