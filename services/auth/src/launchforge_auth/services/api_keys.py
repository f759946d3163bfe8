"""API keys: ``lf_<prefix>_<secret>``, shown once, stored as sha256(secret).

The prefix (12 hex characters, unique) finds the row with one indexed
lookup; the secret (256 bits) is compared as a SHA-256 digest in constant
time. A fast hash is right here because the secret is high-entropy (see
:mod:`launchforge_auth.core.opaque`); argon2 would cost ~100 ms of CPU on
every introspection for no gain. Revoked keys and keys of disabled accounts
are inactive.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import uuid
from dataclasses import dataclass

from launchforge_common.errors import ConflictError, NotFoundError
from launchforge_common.introspection import API_KEY_PREFIX
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.core.opaque import digest, new_token
from launchforge_auth.models import ApiKey, User
from launchforge_auth.repositories import api_keys as repo

logger = logging.getLogger("launchforge.auth.api_keys")

MAX_KEYS_PER_USER = 50
PREFIX_BYTES = 6
_KEY = re.compile(r"^lf_([0-9a-f]{12})_([A-Za-z0-9_\-]{20,128})$")


@dataclass(frozen=True)
class CreatedKey:
    row: ApiKey
    key: str


async def create(
    *, session: AsyncSession, user_id: uuid.UUID, name: str, scopes: list[str]
) -> CreatedKey:
    if await repo.count_live(session, user_id=user_id) >= MAX_KEYS_PER_USER:
        raise ConflictError(f"At most {MAX_KEYS_PER_USER} API keys per account; revoke one first.")
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = new_token()
    row = await repo.add(
        session,
        user_id=user_id,
        prefix=prefix,
        secret_hash=digest(secret),
        name=name,
        scopes=sorted(set(scopes)),
    )
    logger.info("API key created", extra={"user_id": str(user_id), "key_id": str(row.id)})
    return CreatedKey(row, f"{API_KEY_PREFIX}{prefix}_{secret}")


async def list_mine(*, session: AsyncSession, user_id: uuid.UUID) -> list[ApiKey]:
    return await repo.list_live(session, user_id=user_id)


async def revoke(*, session: AsyncSession, user_id: uuid.UUID, key_id: uuid.UUID) -> None:
    if not await repo.revoke(session, user_id=user_id, key_id=key_id):
        raise NotFoundError("No such API key.")
    logger.info("API key revoked", extra={"user_id": str(user_id), "key_id": str(key_id)})


async def resolve(*, session: AsyncSession, key: str) -> tuple[ApiKey, User] | None:
    """The live key and its enabled owner, or None; records the use (throttled)."""
    match = _KEY.match(key)
    if match is None:
        return None
    prefix, secret = match.groups()
    found = await repo.find_live_with_user(session, prefix=prefix)
    if found is None or not hmac.compare_digest(found[0].secret_hash, digest(secret)):
        return None
    await repo.mark_used(session, key_id=found[0].id)
    return found
