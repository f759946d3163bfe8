"""The login use case: throttle check, credential check, counting failures."""

from __future__ import annotations

from launchforge_common.errors import TooManyRequestsError, UnauthorizedError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.core.security import Passwords
from launchforge_auth.models import User
from launchforge_auth.services import accounts
from launchforge_auth.services.login_throttle import LOCKED, LoginThrottle


async def login(
    *,
    session: AsyncSession,
    passwords: Passwords,
    throttle: LoginThrottle,
    email: str,
    password: str,
    ip: str,
) -> User:
    lock = await throttle.locked(email=email, ip=ip)
    if lock is not None:
        raise TooManyRequestsError(LOCKED, headers={"Retry-After": str(lock.retry_after)})
    try:
        user = await accounts.authenticate(
            session=session, passwords=passwords, email=email, password=password
        )
    except UnauthorizedError:
        await throttle.record_failure(email=email, ip=ip)
        raise
    await throttle.record_success(email=email)
    return user
