"""Source file stats on articles, so a re-run skips unchanged files without reading them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:20:53.655655
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add articles.source_size and source_mtime_ns: unchanged files are skipped unread."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source_size", sa.BigInteger(), nullable=True, comment="File size in bytes when last read."
            )
        )
        batch_op.add_column(
            sa.Column(
                "source_mtime_ns",
                sa.BigInteger(),
                nullable=True,
                comment="File mtime (ns) when last read; with source_size, skips unchanged files.",
            )
        )


def downgrade() -> None:
    """Drop articles.source_size and source_mtime_ns."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("source_mtime_ns")
        batch_op.drop_column("source_size")
