"""Core's tables (SQLAlchemy 2 typed declarative models)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, MetaData, String, Text, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000

# Deterministic constraint names so autogenerate and hand-written migrations agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Auth's user id; no foreign key, users live in auth's database.
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), nullable=False)
    # Length (<= DESCRIPTION_MAX_LENGTH) is enforced by the API schema.
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set in Python so the values are known after flush without a reload.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )

    __table_args__ = (
        # Serves both "projects of an owner" lookups (leading column) and the
        # newest-first keyset pagination ORDER BY created_at DESC, id DESC.
        Index(
            "ix_projects_owner_id_created_at_id",
            "owner_id",
            created_at.desc(),
            id.desc(),
        ),
    )
