"""Host and pid of each run, so a killed run can be told from a live one and marked interrupted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:44:44.488341
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add etl_runs.host and pid (NULL for earlier runs)."""
    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "host",
                sa.Text(),
                nullable=True,
                comment="Machine that ran it; with pid, tells a killed run from a live one.",
            )
        )
        batch_op.add_column(
            sa.Column("pid", sa.Integer(), nullable=True, comment="Process id of the run on that machine.")
        )


def downgrade() -> None:
    """Drop etl_runs.host and pid."""
    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
