"""previews: a succeeded build's app running in a worker's sandbox

Revision ID: 0004_previews
Revises: 0003_versions
Create Date: 2026-12-04 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_previews"
down_revision: str | None = "0003_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "previews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("build_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("worker_id", sa.String(length=200), nullable=True),
        sa.Column("internal_url", sa.String(length=500), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("log_tail", sa.Text(), nullable=True),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["build_id"],
            ["builds.id"],
            name=op.f("fk_previews_build_id_builds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_previews")),
    )
    op.create_index("ix_previews_build_id", "previews", ["build_id"])
    op.create_index("ix_previews_owner_id", "previews", ["owner_id"])
    op.create_index(
        "ix_previews_live",
        "previews",
        ["created_at"],
        postgresql_where=sa.text("status IN ('queued', 'starting', 'running')"),
    )


def downgrade() -> None:
    op.drop_index("ix_previews_live", table_name="previews")
    op.drop_index("ix_previews_owner_id", table_name="previews")
    op.drop_index("ix_previews_build_id", table_name="previews")
    op.drop_table("previews")
