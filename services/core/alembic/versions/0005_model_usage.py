"""model_usage: tokens and cost per user, month and provider; the plan a build's budgets use

Revision ID: 0005_model_usage
Revises: 0004_previews
Create Date: 2026-12-04 22:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_model_usage"
down_revision: str | None = "0004_previews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "model_usage",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("builds_stopped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "month", "provider", name=op.f("pk_model_usage")),
    )
    op.add_column("builds", sa.Column("budget_plan", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("builds", "budget_plan")
    op.drop_table("model_usage")
