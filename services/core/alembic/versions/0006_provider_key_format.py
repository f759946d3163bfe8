"""provider_keys.response_format: how JSON output is asked of an openai_compatible server

Revision ID: 0006_provider_key_format
Revises: 0005_model_usage
Create Date: 2026-12-05 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_provider_key_format"
down_revision: str | None = "0005_model_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: detected on the first call and remembered (providers/format_memory.py).
    op.add_column(
        "provider_keys", sa.Column("response_format", sa.String(length=32), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("provider_keys", "response_format")
