"""versions: every build is a numbered version of its project; the current one is explicit

Revision ID: 0003_versions
Revises: 0002_builds
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_versions"
down_revision: str | None = "0002_builds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "projects",
        sa.Column("version_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("projects", sa.Column("current_build_id", sa.Uuid(), nullable=True))
    op.add_column("builds", sa.Column("version", sa.Integer(), nullable=True))
    op.add_column(
        "builds",
        sa.Column("origin", sa.String(length=16), server_default=sa.text("'idea'"), nullable=False),
    )
    op.add_column("builds", sa.Column("parent_id", sa.Uuid(), nullable=True))
    op.add_column("builds", sa.Column("change_request", sa.Text(), nullable=True))

    # Existing builds become versions in the order they were made; retries say so.
    op.execute(
        """
        UPDATE builds SET version = numbered.n
        FROM (
            SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY created_at, id) AS n
            FROM builds
        ) AS numbered
        WHERE builds.id = numbered.id
        """
    )
    op.execute(
        "UPDATE builds SET origin = 'retry', parent_id = retry_of WHERE retry_of IS NOT NULL"
    )
    op.execute(
        """
        UPDATE projects SET
            version_seq = COALESCE(
                (SELECT max(version) FROM builds WHERE builds.project_id = projects.id), 0),
            current_build_id = (
                SELECT id FROM builds
                WHERE builds.project_id = projects.id AND builds.status = 'succeeded'
                ORDER BY version DESC LIMIT 1)
        """
    )
    op.alter_column("builds", "version", nullable=False)
    op.create_unique_constraint(
        op.f("uq_builds_project_id_version"), "builds", ["project_id", "version"]
    )
    op.create_foreign_key(
        op.f("fk_builds_parent_id_builds"),
        "builds",
        "builds",
        ["parent_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("fk_projects_current_build_id_builds"),
        "projects",
        "builds",
        ["current_build_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_projects_current_build_id_builds"), "projects", type_="foreignkey")
    op.drop_constraint(op.f("fk_builds_parent_id_builds"), "builds", type_="foreignkey")
    op.drop_constraint(op.f("uq_builds_project_id_version"), "builds", type_="unique")
    op.drop_column("builds", "change_request")
    op.drop_column("builds", "parent_id")
    op.drop_column("builds", "origin")
    op.drop_column("builds", "version")
    op.drop_column("projects", "current_build_id")
    op.drop_column("projects", "version_seq")
