"""The login use case: throttle check, credential check, counting failures."""

from __future__ import annotations

from launchforge_common.errors import TooManyRequestsError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.core.security import Passwords
from launchforge_auth.models import User
from launchforge_auth.services import accounts
from launchforge_auth.services.login_throttle import LOCKED, Lockout, LoginThrottle


async def login(
    *,
    session: AsyncSession,
    passwords: Passwords,
    throttle: LoginThrottle,
    email: str,
    password: str,
    ip: str,
) -> User:
    attempt = await throttle.begin(email=email, ip=ip)  # counted before the check
    if isinstance(attempt, Lockout):
        raise TooManyRequestsError(LOCKED, headers={"Retry-After": str(attempt.retry_after)})
    user = await accounts.authenticate(
        session=session, passwords=passwords, email=email, password=password
    )
    await throttle.succeeded(attempt, email=email, ip=ip)
    return user
