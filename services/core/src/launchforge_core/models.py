"""Core's tables (SQLAlchemy 2 typed declarative models)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
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
    # Highest builds.version handed out; bumped under this row's lock, so a
    # project's versions are 1, 2, 3... with no gap and no duplicate.
    version_seq: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    # The version a person gets when they open, preview or download "the app":
    # the newest succeeded build, or the one a restore made. None before any
    # build succeeded.
    current_build_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid,
        ForeignKey("builds.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
    )
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


class Build(Base):
    """One request to turn an idea (or a spec) into an app, and its queue state.

    The row is also the job: ``status``, ``lease_owner``, ``lease_expires_at``
    and ``attempt`` (the fencing token) are what workers claim and renew; see
    ``repositories/queue.py``.
    """

    __tablename__ = "builds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # queued | running | succeeded | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    idea: Mapped[str] = mapped_column(Text, nullable=False)
    target_users: Mapped[str | None] = mapped_column(Text, nullable=True)
    features: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    theme: Mapped[str] = mapped_column(String(32), nullable=False)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    retry_of: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Every build is a version of its project: 1, 2, 3... (see Project.version_seq).
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # How this version came to be: idea (an idea or a spec), change (a change
    # asked of ``parent_id``), restore (a copy of ``parent_id``), retry.
    origin: Mapped[str] = mapped_column(
        String(16), nullable=False, default="idea", server_default=text("'idea'")
    )
    # The version this one derives from (a change's base, a restore's source).
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("builds.id", ondelete="SET NULL"), nullable=True
    )
    # The person's words for a change ("add a priority to tasks").
    change_request: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The plan whose model budgets apply (set at submission; null: the admin's
    # "(admin)": unlimited; null, a build queued before budgets existed: "free").
    budget_plan: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Filled by the worker: which generator really ran, stage records, tokens.
    generator: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Queue state.
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Highest build_events.seq handed out; bumped under this row's lock, so
    # event ids are gap-free and commit in order.
    event_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_builds_project_id_created_at_id", "project_id", created_at.desc(), id.desc()),
        UniqueConstraint("project_id", "version", name="uq_builds_project_id_version"),
        Index("ix_builds_owner_id", "owner_id"),
        # Only live rows are scanned by the claim query.
        Index(
            "ix_builds_claimable",
            "created_at",
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )


class BuildEvent(Base):
    """A persisted progress event: what SSE replays after ``Last-Event-ID``."""

    __tablename__ = "build_events"

    build_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("builds.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # stage | log | status
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    stage: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )


class Artifact(Base):
    """A build's output, written in the same transaction as its terminal state."""

    __tablename__ = "artifacts"

    build_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("builds.id", ondelete="CASCADE"), primary_key=True
    )
    archive: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # [{path, size, sha256}]: the only paths the files routes will serve.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )


class Preview(Base):
    """A succeeded build's app running in one worker's sandbox (README "Live preview").

    A worker claims a queued row (``FOR UPDATE SKIP LOCKED``, under its cap),
    keeps a lease on it while the app runs and writes its log tail; core's API
    proxies requests to ``internal_url``.
    """

    __tablename__ = "previews"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    build_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("builds.id", ondelete="CASCADE"), nullable=False
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # queued | starting | running | stopped | failed
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    worker_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    internal_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    log_tail: Mapped[str | None] = mapped_column(Text, nullable=True)
    # idle | max | user | shutdown | crashed | worker_lost | no_capacity
    stop_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_previews_build_id", "build_id"),
        Index("ix_previews_owner_id", "owner_id"),
        Index(
            "ix_previews_live",
            "created_at",
            postgresql_where=text("status IN ('queued', 'starting', 'running')"),
        ),
    )


class ProviderKey(Base):
    """A user's own LLM provider key, AES-GCM encrypted (never stored or shown in clear)."""

    __tablename__ = "provider_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    last4: Mapped[str] = mapped_column(String(4), nullable=False)
    base_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # openai_compatible only: how JSON output is asked for; NULL: detected and remembered.
    response_format: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now()
    )


class UsageCounter(Base):
    """Builds a user started in one calendar month (UTC); the quota's one source of truth."""

    __tablename__ = "usage_counters"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The first day of the month.
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ModelUsage(Base):
    """Tokens and estimated cost a user's builds spent with one provider in one month (UTC).

    Incremented after every model call in its own short transaction, so the
    budgets of concurrent builds of one user add up.
    """

    __tablename__ = "model_usage"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    input_tokens: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False, default=0)
    calls: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Builds a budget stopped before a model call.
    builds_stopped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
