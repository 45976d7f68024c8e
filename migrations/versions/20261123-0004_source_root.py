"""The input folder of each article, so files gone from a folder being loaded are soft-deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:29:15.534527
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add articles.source_root (NULL for rows loaded before: never auto-deleted)."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source_root",
                sa.Text(),
                nullable=True,
                comment="Absolute input folder the file was found in; a file gone from it is soft-deleted.",
            )
        )
        batch_op.create_index(batch_op.f("ix_articles_source_root"), ["source_root"], unique=False)


def downgrade() -> None:
    """Drop articles.source_root."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_source_root"))
        batch_op.drop_column("source_root")
