"""Sessions and rotating refresh tokens.

A login starts a session (the token family) and hands out an access token
carrying ``sid`` plus an opaque refresh token, stored only as SHA-256. Every
``refresh`` spends the presented token (one atomic UPDATE, see
:func:`repositories.sessions.claim_refresh_token`) and issues its successor.
Presenting a spent token again is reuse: after the grace window it revokes
the whole session, so both the thief's and the owner's tokens stop working.

Inside the grace window (``AUTH_REFRESH_REUSE_GRACE_SECONDS``) a spent token
gets a new pair of its own, as Auth0's "reuse interval" and Okta's rotation
grace period do. The usual second use is the owner's, who never saw the
answer to the first: the page navigated away mid-refresh, or the connection
dropped. Refusing it (as this module once did) logged that person out. The
price is a short window in which a thief who holds the same token also gets
a pair; both pairs belong to the one session, so any later replay or a
logout still ends them together. ``0`` turns the window off.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from launchforge_common.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.opaque import digest, new_token
from launchforge_auth.core.security import KeySet
from launchforge_auth.models import Session as LoginSession
from launchforge_auth.models import User
from launchforge_auth.repositories import sessions as repo
from launchforge_auth.repositories import users as users_repo
from launchforge_auth.services.tokens import issue_access_token

logger = logging.getLogger("launchforge.auth.sessions")

USER_AGENT_MAX = 512


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    session_id: uuid.UUID


def _in(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def _issue(
    session: AsyncSession,
    *,
    user: User,
    session_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    keys: KeySet,
    settings: AuthSettings,
) -> TokenPair:
    refresh_token = new_token()
    await repo.add_refresh_token(
        session,
        session_id=session_id,
        token_hash=digest(refresh_token),
        parent_id=parent_id,
        expires_at=_in(settings.refresh_token_ttl_seconds),
    )
    access = issue_access_token(user=user, keys=keys, settings=settings, session_id=str(session_id))
    return TokenPair(access.access_token, access.expires_in, refresh_token, session_id)


async def start(
    *,
    session: AsyncSession,
    user: User,
    keys: KeySet,
    settings: AuthSettings,
    user_agent: str | None,
    ip: str | None,
) -> TokenPair:
    row = await repo.create(
        session,
        user_id=user.id,
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX],
        ip=ip,
        expires_at=_in(settings.session_max_age_seconds),
    )
    logger.info("session started", extra={"user_id": str(user.id), "session_id": str(row.id)})
    return await _issue(
        session, user=user, session_id=row.id, parent_id=None, keys=keys, settings=settings
    )


async def _pair_for(
    session: AsyncSession, *, claimed: repo.ClaimedToken, keys: KeySet, settings: AuthSettings
) -> TokenPair | None:
    """The successor pair of a claimed token, in the claimed token's session."""
    user = await users_repo.get_by_id(session, user_id=claimed.user_id)
    if user is None:
        return None
    await repo.touch(session, session_id=claimed.session_id)
    return await _issue(
        session,
        user=user,
        session_id=claimed.session_id,
        parent_id=claimed.token_id,
        keys=keys,
        settings=settings,
    )


async def refresh(
    *, session: AsyncSession, refresh_token: str, keys: KeySet, settings: AuthSettings
) -> TokenPair | None:
    """The next token pair, or None when the token is not (or no longer) good.

    Returns rather than raises on refusal so the request's transaction still
    commits a revocation caused by reuse.
    """
    token_hash = digest(refresh_token)
    claimed = await repo.claim_refresh_token(session, token_hash=token_hash)
    if claimed is not None:
        return await _pair_for(session, claimed=claimed, keys=keys, settings=settings)
    seen = await repo.find_refresh_token(session, token_hash=token_hash)
    if seen is None or seen.used_at is None:
        return None  # unknown, expired, or its session is revoked / account disabled
    grace = settings.refresh_reuse_grace_seconds
    if (seen.seconds_since_use or 0.0) <= grace:
        if grace <= 0 or not seen.live:
            return None  # strict, or the session or account has ended
        logger.info(
            "spent refresh token presented again within the grace window; new pair issued",
            extra={"session_id": str(seen.session_id)},
        )
        return await _pair_for(session, claimed=seen.claimed(), keys=keys, settings=settings)
    revoked = await repo.revoke(session, session_id=seen.session_id, reason="refresh_token_reuse")
    logger.warning(
        "refresh token reuse detected; session revoked",
        extra={"session_id": str(seen.session_id), "revoked": revoked},
    )
    return None


async def list_mine(*, session: AsyncSession, user_id: uuid.UUID) -> list[LoginSession]:
    return await repo.list_live(session, user_id=user_id)


async def revoke_mine(
    *, session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, reason: str
) -> None:
    """Revoke one of the caller's sessions; another user's (or a gone one) is 404."""
    if not await repo.revoke(session, session_id=session_id, user_id=user_id, reason=reason):
        raise NotFoundError("No such session.")
    logger.info("session revoked", extra={"session_id": str(session_id), "reason": reason})


async def revoke_all(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    reason: str,
    except_session_id: uuid.UUID | None = None,
) -> int:
    count = await repo.revoke(
        session, user_id=user_id, reason=reason, except_session_id=except_session_id
    )
    logger.info(
        "sessions revoked", extra={"user_id": str(user_id), "count": count, "reason": reason}
    )
    return count
