"""Where build outputs live: the ``ArtifactStore`` interface and its PostgreSQL default.

PostgreSQL is the default so API and worker pods need no shared volume, and
so the artifact is written in the same transaction as the build's terminal
state (exactly-once: a fenced-out worker's artifact is rolled back with its
terminal UPDATE). An S3-compatible store would implement the same protocol
and write the object under a build-and-attempt key before the transaction.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_core.repositories import artifacts as repo

CHUNK_BYTES = 64 * 1024
MAX_PATH_LENGTH = 500


@dataclass(frozen=True)
class Download:
    """A zip ready to stream: whose artifact, how big, and the name it is saved under."""

    build_id: uuid.UUID
    size: int
    filename: str


class ArtifactTooLargeError(Exception):
    """The archive is bigger than CORE_MAX_ARTIFACT_BYTES."""


class UnsafeArtifactError(Exception):
    """The archive holds a path we refuse to serve (absolute, ``..``, NUL, ...)."""


def is_safe_path(path: str) -> bool:
    """A relative, normalised POSIX path with no way to climb out of its root."""
    if not path or len(path) > MAX_PATH_LENGTH or path.startswith("/"):
        return False
    if "\\" in path or "\x00" in path or any(ord(c) < 32 for c in path):
        return False
    parts = path.split("/")
    return all(part not in ("", ".", "..") for part in parts) and ":" not in parts[0]


def index_archive(archive: bytes) -> list[dict[str, Any]]:
    """The file tree of a zip: [{path, size, sha256}] sorted by path.

    Symlinks and directories are skipped (a symlink entry has the S_IFLNK
    mode in its external attributes); an unsafe path refuses the archive.
    """
    entries: list[dict[str, Any]] = []
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            mode = (info.external_attr >> 16) & 0o170000
            if mode == 0o120000:
                raise UnsafeArtifactError(f"symlink in archive: {info.filename!r}")
            if not is_safe_path(info.filename):
                raise UnsafeArtifactError(f"unsafe path in archive: {info.filename!r}")
            data = zf.read(info)
            entries.append(
                {
                    "path": info.filename,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
    entries.sort(key=lambda e: e["path"])
    return entries


class ArtifactStore(Protocol):
    """Stores one zip per build; reads stream it back."""

    async def put(
        self,
        session: AsyncSession,
        build_id: uuid.UUID,
        archive: bytes,
        manifest: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        """Store (within the caller's transaction); returns the file index."""
        ...

    async def files(
        self, session: AsyncSession, build_id: uuid.UUID
    ) -> list[dict[str, Any]] | None:
        """The file index, or None if the build has no artifact."""
        ...

    async def read_file(
        self, session: AsyncSession, build_id: uuid.UUID, path: str
    ) -> bytes | None:
        """One file's bytes; only paths in the index are ever looked up."""
        ...

    async def size(self, session: AsyncSession, build_id: uuid.UUID) -> int | None: ...

    async def archive(self, session: AsyncSession, build_id: uuid.UUID) -> bytes | None:
        """The whole zip (bounded by CORE_MAX_ARTIFACT_BYTES), or None without an artifact."""
        ...

    async def copy(self, session: AsyncSession, source_id: uuid.UUID, target_id: uuid.UUID) -> int:
        """Store ``source_id``'s artifact again as ``target_id``'s (a restore); its file count."""
        ...

    def stream(self, build_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
        """The zip in chunks, each read in its own short session."""
        ...


class PostgresArtifactStore:
    """Artifacts as ``bytea`` rows in core's own database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, max_bytes: int) -> None:
        self.sessionmaker = sessionmaker
        self.max_bytes = max_bytes

    async def put(
        self,
        session: AsyncSession,
        build_id: uuid.UUID,
        archive: bytes,
        manifest: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        if len(archive) > self.max_bytes:
            raise ArtifactTooLargeError(
                f"the archive is {len(archive)} bytes, more than the {self.max_bytes} allowed"
            )
        files = index_archive(archive)
        await repo.add(
            session,
            build_id=build_id,
            archive=archive,
            sha256=hashlib.sha256(archive).hexdigest(),
            files=files,
            manifest=manifest,
        )
        return files

    async def files(
        self, session: AsyncSession, build_id: uuid.UUID
    ) -> list[dict[str, Any]] | None:
        return await repo.files(session, build_id)

    async def read_file(
        self, session: AsyncSession, build_id: uuid.UUID, path: str
    ) -> bytes | None:
        index = await repo.files(session, build_id)
        if index is None or not any(entry["path"] == path for entry in index):
            return None
        archive = await repo.archive(session, build_id)
        if archive is None:
            return None
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            return zf.read(path)

    async def size(self, session: AsyncSession, build_id: uuid.UUID) -> int | None:
        return await repo.size(session, build_id)

    async def archive(self, session: AsyncSession, build_id: uuid.UUID) -> bytes | None:
        return await repo.archive(session, build_id)

    async def copy(self, session: AsyncSession, source_id: uuid.UUID, target_id: uuid.UUID) -> int:
        await repo.copy(session, source_id, target_id)
        return len(await repo.files(session, target_id) or [])

    async def stream(self, build_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
        # One chunk per short session: the zip is never held whole in the API
        # process, and no connection is pinned between chunks.
        offset = 0
        while offset < size:
            async with self.sessionmaker() as session:
                chunk = await repo.chunk(session, build_id, offset, CHUNK_BYTES)
            if not chunk:
                return
            offset += len(chunk)
            yield chunk
