"""Users' own LLM provider keys, encrypted at rest with the KeyRing.

The associated data binds a ciphertext to its user and provider, so a row
copied to another user or provider fails to decrypt. Keys are never logged
and never returned: the API shows the last four characters only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from launchforge_common.crypto import KeyRing
from launchforge_common.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import ProviderKey
from launchforge_core.repositories import provider_keys as repo
from launchforge_core.services.commit import commit


def associated_data(user_id: uuid.UUID, provider: str) -> bytes:
    return f"lf:core:provider-key:{user_id}:{provider}".encode()


@dataclass(frozen=True)
class ProviderCredentials:
    """A decrypted key, only ever held in memory by the worker."""

    provider: str
    api_key: str
    base_url: str | None
    # openai_compatible: the person's choice of response format; None: detect it.
    response_format: str | None = None

    def __repr__(self) -> str:  # never print the key
        return f"ProviderCredentials(provider={self.provider!r}, base_url={self.base_url!r})"


class ProviderKeyService:
    def __init__(self, session: AsyncSession, keyring: KeyRing) -> None:
        self.session = session
        self.keyring = keyring

    async def put(
        self,
        *,
        user_id: uuid.UUID,
        provider: str,
        api_key: str,
        base_url: str | None,
        response_format: str | None = None,
    ) -> ProviderKey:
        ciphertext = self.keyring.encrypt(api_key.encode(), associated_data(user_id, provider))
        key = await repo.upsert(
            self.session,
            user_id=user_id,
            provider=provider,
            ciphertext=ciphertext,
            last4=api_key[-4:],
            base_url=base_url,
            response_format=response_format,
        )
        await commit(self.session)
        return key

    async def list(self, *, user_id: uuid.UUID) -> list[ProviderKey]:
        return await repo.list_for(self.session, user_id=user_id)

    async def has(self, *, user_id: uuid.UUID, provider: str) -> bool:
        return await repo.get(self.session, user_id=user_id, provider=provider) is not None

    async def delete(self, *, user_id: uuid.UUID, provider: str) -> None:
        if not await repo.remove(self.session, user_id=user_id, provider=provider):
            raise NotFoundError(f"No key is stored for provider {provider!r}.")
        await commit(self.session)

    async def credentials(self, *, user_id: uuid.UUID, provider: str) -> ProviderCredentials | None:
        """The decrypted key (worker only); None when the user has none stored."""
        row = await repo.get(self.session, user_id=user_id, provider=provider)
        if row is None:
            return None
        plain = self.keyring.decrypt(row.ciphertext, associated_data(user_id, provider))
        return ProviderCredentials(provider, plain.decode(), row.base_url, row.response_format)
