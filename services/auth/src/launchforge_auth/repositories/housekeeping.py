"""Deleting rows nobody can use any more (expired tokens, old sessions, sent mail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import MailOutbox, OneTimeToken, RefreshToken
from launchforge_auth.models import Session as LoginSession

# Kept a while past expiry/revocation: enough for support to see what happened.
EXPIRED_GRACE = timedelta(days=1)
REVOKED_SESSION_RETENTION = timedelta(days=30)
SENT_MAIL_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Purged:
    refresh_tokens: int
    sessions: int
    one_time_tokens: int
    mail: int


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge(session: AsyncSession) -> Purged:
    now = func.now()
    sessions = await session.execute(
        delete(LoginSession).where(
            or_(
                LoginSession.expires_at < now - EXPIRED_GRACE,
                LoginSession.revoked_at < now - REVOKED_SESSION_RETENTION,
            )
        )
    )
    # An expired refresh token is refused whether or not its row exists.
    tokens = await session.execute(
        delete(RefreshToken).where(RefreshToken.expires_at < now - EXPIRED_GRACE)
    )
    one_time = await session.execute(
        delete(OneTimeToken).where(OneTimeToken.expires_at < now - EXPIRED_GRACE)
    )
    mail = await session.execute(
        delete(MailOutbox).where(MailOutbox.sent_at < now - SENT_MAIL_RETENTION)
    )
    return Purged(_count(tokens), _count(sessions), _count(one_time), _count(mail))
