"""Loading (and on first start, creating) the token-signing key.

With ``signing_key_file`` set, the key is a mounted secret (PEM) and the
database is not consulted. Otherwise the newest unretired key in
``signing_keys`` signs; when there is none, one is generated and inserted
under a transaction-scoped advisory lock, so replicas starting together
create exactly one key.
"""

from __future__ import annotations

import logging

import anyio
from launchforge_common.crypto import KeyRing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_auth.core.config import AuthSettings
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
        if _active(rows) is None:
            await repo.lock_key_creation(session)
            rows = await repo.list_published(session)  # another replica may have won
            if _active(rows) is None:
                rows.insert(0, await _create_key(session, key_ring))
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
