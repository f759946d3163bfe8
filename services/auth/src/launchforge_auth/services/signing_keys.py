"""Loading, creating and rotating the token-signing keys.

With ``signing_key_file`` set, the key is a mounted secret (PEM) and the
database is not consulted. Otherwise the newest unretired key in
``signing_keys`` signs; when there is none (or, with
``signing_key_max_age_seconds`` set, when it is too old), one is generated
and inserted under a transaction-scoped advisory lock, so replicas starting
together create exactly one key.

Rotation (``launchforge-auth rotate-keys`` or the max age) retires the active
key with ``not_after = now + retired_key_grace``: long enough for every token
it signed to expire, including tokens other replicas sign with it until
their next reload. Every replica re-reads the key set every
``key_reload_interval_seconds`` (and at once on an unknown ``kid``), so a
rotation needs no restart; gateway and core refetch the JWKS on an unknown kid.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import anyio
from launchforge_common.crypto import KeyRing
from launchforge_common.tokens import Principal
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import (
    EDDSA,
    KeySet,
    PublicKey,
    SigningKeyPair,
    generate_signing_key,
    jwk_thumbprint,
    private_key_from_der,
    private_key_from_pem,
    private_key_to_der,
    public_jwk,
    public_key_from_jwk,
)
from launchforge_auth.models import SigningKey
from launchforge_auth.repositories import signing_keys as repo

logger = logging.getLogger("launchforge.auth.keys")


def associated_data(kid: str) -> bytes:
    """Binds an encrypted private key to its row: it cannot be swapped to another kid."""
    return f"launchforge-auth:signing_keys:{kid}".encode()


async def load_key_set(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: AuthSettings,
    key_ring: KeyRing,
) -> KeySet:
    if settings.signing_key_file is not None:
        return await _load_from_file(settings)
    async with sessionmaker() as session, session.begin():
        rows = await repo.list_published(session)
        if _needs_new_key(rows, settings):
            await repo.lock_key_creation(session)
            rows = await repo.list_published(session)  # another replica may have won
            if _needs_new_key(rows, settings):
                if _active(rows) is not None:
                    await repo.retire_active(session, grace_seconds=retired_key_grace(settings))
                    logger.info("signing key reached its maximum age; rotating")
                await _create_key(session, key_ring)
                rows = await repo.list_published(session)
        active_row = _active(rows)
        assert active_row is not None
        active = _decrypt(active_row, key_ring)
        if key_ring.needs_reencryption(active_row.private_key_encrypted):
            # The key-encryption key was rotated: rewrap under the newest one.
            await repo.set_private_key_encrypted(
                session,
                kid=active.kid,
                value=key_ring.encrypt(
                    private_key_to_der(active.private_key), associated_data(active.kid)
                ),
            )
    published = [
        PublicKey(row.kid, row.algorithm, public_key_from_jwk(row.public_jwk), row.public_jwk)
        for row in rows
    ]
    logger.info("signing key loaded", extra={"kid": active.kid, "published": len(published)})
    return KeySet(active, published)


def retired_key_grace(settings: AuthSettings) -> int:
    """Seconds a retired key stays published: the last token it signed must expire first."""
    return int(
        settings.access_token_ttl_seconds
        + settings.key_reload_interval_seconds
        + settings.jwt_leeway_seconds
        + 1
    )


def _needs_new_key(rows: list[SigningKey], settings: AuthSettings) -> bool:
    active = _active(rows)
    if active is None:
        return True
    max_age = settings.signing_key_max_age_seconds
    return max_age is not None and active.created_at < datetime.now(UTC) - timedelta(
        seconds=max_age
    )


async def rotate(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: AuthSettings,
    key_ring: KeyRing,
) -> str:
    """Retire the active key (still published for its tokens' lifetime), create a new one."""
    if settings.signing_key_file is not None:
        raise ValueError("the signing key is a mounted file; rotate it by replacing the secret")
    async with sessionmaker() as session, session.begin():
        await repo.lock_key_creation(session)
        retired = await repo.retire_active(session, grace_seconds=retired_key_grace(settings))
        row = await _create_key(session, key_ring)
    logger.info("signing keys rotated", extra={"kid": row.kid, "retired": retired})
    return row.kid


def _active(rows: list[SigningKey]) -> SigningKey | None:
    return next((row for row in rows if row.retired_at is None), None)


async def _create_key(session: AsyncSession, key_ring: KeyRing) -> SigningKey:
    private_key = generate_signing_key()
    jwk = public_jwk(private_key.public_key())
    kid = jwk_thumbprint(jwk)
    row = await repo.add(
        session,
        kid=kid,
        algorithm=EDDSA,
        public_jwk=jwk,
        private_key_encrypted=key_ring.encrypt(
            private_key_to_der(private_key), associated_data(kid)
        ),
    )
    logger.info("generated a new signing key", extra={"kid": kid})
    return row


def _decrypt(row: SigningKey, key_ring: KeyRing) -> SigningKeyPair:
    der = key_ring.decrypt(row.private_key_encrypted, associated_data(row.kid))
    private_key = private_key_from_der(der)
    if jwk_thumbprint(public_jwk(private_key.public_key())) != jwk_thumbprint(row.public_jwk):
        raise ValueError(f"signing key {row.kid!r}: private key does not match its public key")
    return SigningKeyPair(row.kid, row.algorithm, private_key)


async def _load_from_file(settings: AuthSettings) -> KeySet:
    assert settings.signing_key_file is not None
    pem = await anyio.Path(settings.signing_key_file).read_bytes()
    private_key = private_key_from_pem(pem)
    kid = jwk_thumbprint(public_jwk(private_key.public_key()))
    logger.info("signing key loaded from file", extra={"kid": kid})
    return KeySet(SigningKeyPair(kid, EDDSA, private_key), [])


class KeyManager:
    """Holds the current :class:`KeySet` and keeps it fresh from the database."""

    def __init__(
        self,
        loader: Callable[[], Awaitable[KeySet]],
        *,
        interval: float,
        min_reload_interval: float = 1.0,
    ) -> None:
        self._loader = loader
        self.interval = interval
        self.min_reload_interval = min_reload_interval
        self._current: KeySet | None = None
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def current(self) -> KeySet:
        assert self._current is not None, "KeyManager.reload() was never awaited"
        return self._current

    async def reload(self) -> KeySet:
        async with self._lock:
            new = await self._loader()
            old = self._current
            self._current = new
            self._loaded_at = time.monotonic()
        if old is not None and (old.active.kid != new.active.kid or set(old.keys) != set(new.keys)):
            logger.info(
                "signing keys reloaded", extra={"kid": new.active.kid, "published": len(new.keys)}
            )
        return new

    async def verify(self, token: str, *, issuer: str, audience: str, leeway: float) -> Principal:
        """Verify with the current keys; an unknown kid triggers one (rate-limited) reload."""
        keys = self.current
        if not keys.knows(token) and time.monotonic() - self._loaded_at >= self.min_reload_interval:
            try:
                keys = await self.reload()
            except Exception as exc:  # keep serving with the keys we have
                logger.warning("signing key reload failed", extra={"error": type(exc).__name__})
        return keys.verify(token, issuer=issuer, audience=audience, leeway=leeway)

    async def run(self) -> None:
        """Reload every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.reload()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("signing key reload failed", extra={"error": type(exc).__name__})
