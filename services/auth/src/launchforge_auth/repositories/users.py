"""Persistence of users. Repositories flush; only the request dependency commits."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import User


async def insert_if_absent(session: AsyncSession, *, email: str, password_hash: str) -> User | None:
    """Insert a user, or return None when the email is taken.

    One atomic statement (``ON CONFLICT DO NOTHING``): two concurrent
    registrations of one email cannot both succeed, and neither raises.
    """
    stmt = (
        insert(User)
        .values(email=email, password_hash=password_hash)
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User)
    )
    result = await session.scalars(stmt, execution_options={"populate_existing": True})
    return result.one_or_none()


async def get_by_email(session: AsyncSession, *, email: str) -> User | None:
    result = await session.scalars(select(User).where(User.email == email))
    return result.one_or_none()


async def get_by_id(session: AsyncSession, *, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def set_password_hash(
    session: AsyncSession, *, user_id: uuid.UUID, password_hash: str
) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )


async def list_page(
    session: AsyncSession, *, limit: int, offset: int, email_prefix: str | None = None
) -> list[User]:
    stmt = select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
    if email_prefix:
        escaped = email_prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        stmt = stmt.where(User.email.like(f"{escaped}%", escape="\\"))
    return list((await session.scalars(stmt)).all())


async def set_email_verified(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(email_verified=True, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )


async def set_roles(session: AsyncSession, *, user_id: uuid.UUID, roles: list[str]) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(roles=roles, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )
