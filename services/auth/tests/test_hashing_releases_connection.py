"""A password hash never runs while the request holds a pooled database connection.

argon2 takes 100-300 ms; a burst of logins holding connections that long would
exhaust the pool and stall every other route (seen in the load bench).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import Passwords
from launchforge_auth.services import accounts
from launchforge_common.errors import UnauthorizedError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


class RecordingPasswords(Passwords):
    """Real hashing that records whether the session held a transaction meanwhile."""

    def __init__(self, session: AsyncSession, settings: AuthSettings) -> None:
        base = Passwords.from_settings(settings)
        self.__dict__.update(base.__dict__)
        self.session = session
        self.seen: list[bool] = []

    async def verify(self, password_hash: str, password: str) -> bool:
        self.seen.append(self.session.in_transaction())
        return await super().verify(password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        self.seen.append(self.session.in_transaction())
        await super().verify_dummy(password)


@pytest.mark.parametrize("known", [True, False])
async def test_authenticate_verifies_without_holding_a_connection(
    settings: AuthSettings, register: Callable[..., Awaitable[Any]], known: bool
) -> None:
    account = await register()
    engine = create_async_engine(settings.database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            passwords = RecordingPasswords(session, settings)
            email = account.email if known else "nobody-" + account.email
            if known:
                user = await accounts.authenticate(
                    session=session, passwords=passwords, email=email, password=account.password
                )
                assert user.email == account.email  # still usable after the release
            else:
                with pytest.raises(UnauthorizedError):
                    await accounts.authenticate(
                        session=session, passwords=passwords, email=email, password="x" * 12
                    )
            assert passwords.seen
            assert not any(passwords.seen)
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
