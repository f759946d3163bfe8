"""Persistence of sessions and their refresh tokens. Repositories only flush."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import RefreshToken, User
from launchforge_auth.models import Session as LoginSession


@dataclass(frozen=True)
class ClaimedToken:
    token_id: uuid.UUID
    session_id: uuid.UUID
    user_id: uuid.UUID


@dataclass(frozen=True)
class SeenToken:
    token_id: uuid.UUID
    session_id: uuid.UUID
    user_id: uuid.UUID
    used_at: datetime | None
    seconds_since_use: float | None
    live: bool  # unexpired, its session live and its account enabled

    def claimed(self) -> ClaimedToken:
        return ClaimedToken(self.token_id, self.session_id, self.user_id)


async def create(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    user_agent: str | None,
    ip: str | None,
    expires_at: datetime,
) -> LoginSession:
    row = LoginSession(user_id=user_id, user_agent=user_agent, ip=ip, expires_at=expires_at)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def add_refresh_token(
    session: AsyncSession,
    *,
    session_id: uuid.UUID,
    token_hash: bytes,
    parent_id: uuid.UUID | None,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshToken(
            session_id=session_id, token_hash=token_hash, parent_id=parent_id, expires_at=expires_at
        )
    )
    await session.flush()


# A token row with its session and account (for the liveness check below).
_OWNERS = (LoginSession.id == RefreshToken.session_id, User.id == LoginSession.user_id)


def _live() -> ColumnElement[bool]:
    """The token unexpired, of a live session of an enabled account."""
    return and_(
        RefreshToken.expires_at > func.now(),
        LoginSession.revoked_at.is_(None),
        LoginSession.expires_at > func.now(),
        User.disabled.is_(False),
    )


async def claim_refresh_token(session: AsyncSession, *, token_hash: bytes) -> ClaimedToken | None:
    """Mark an unused, unexpired token of a live session used; None if it is not one.

    One UPDATE ... WHERE used_at IS NULL: PostgreSQL row-locks the token, and
    a concurrent claim re-checks the condition after the first commits and
    finds it used, so of two concurrent refreshes exactly one wins.
    """
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            *_OWNERS,
            _live(),
            RefreshToken.used_at.is_(None),
        )
        .values(used_at=func.now())
        .returning(RefreshToken.id, RefreshToken.session_id, LoginSession.user_id)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).one_or_none()
    return ClaimedToken(row[0], row[1], row[2]) if row else None


async def find_refresh_token(session: AsyncSession, *, token_hash: bytes) -> SeenToken | None:
    """The token as it stands (used or not, live or not); None if there is no such token."""
    stmt = select(
        RefreshToken.id,
        RefreshToken.session_id,
        LoginSession.user_id,
        RefreshToken.used_at,
        func.extract("epoch", func.now() - RefreshToken.used_at),
        _live(),
    ).where(RefreshToken.token_hash == token_hash, *_OWNERS)
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        return None
    since = float(row[4]) if row[4] is not None else None
    return SeenToken(row[0], row[1], row[2], row[3], since, bool(row[5]))


async def touch(session: AsyncSession, *, session_id: uuid.UUID) -> None:
    await session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id)
        .values(last_used_at=func.now())
        .execution_options(synchronize_session=False)
    )


async def revoke(
    session: AsyncSession,
    *,
    reason: str,
    session_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    except_session_id: uuid.UUID | None = None,
) -> int:
    """Revoke one session (``session_id``, optionally checked against ``user_id``)
    or every live session of ``user_id``; returns how many were revoked."""
    stmt = update(LoginSession).where(LoginSession.revoked_at.is_(None))
    if session_id is not None:
        stmt = stmt.where(LoginSession.id == session_id)
    if user_id is not None:
        stmt = stmt.where(LoginSession.user_id == user_id)
    if session_id is None and user_id is None:
        raise ValueError("revoke needs a session id or a user id")
    if except_session_id is not None:
        stmt = stmt.where(LoginSession.id != except_session_id)
    result = await session.execute(
        stmt.values(revoked_at=func.now(), revoke_reason=reason).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def list_live(session: AsyncSession, *, user_id: uuid.UUID) -> list[LoginSession]:
    stmt = (
        select(LoginSession)
        .where(
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > func.now(),
        )
        .order_by(LoginSession.last_used_at.desc())
    )
    return list((await session.scalars(stmt)).all())


async def is_live(session: AsyncSession, *, session_id: uuid.UUID) -> bool:
    stmt = select(LoginSession.id).where(
        LoginSession.id == session_id,
        LoginSession.revoked_at.is_(None),
        LoginSession.expires_at > func.now(),
    )
    return (await session.scalar(stmt)) is not None
