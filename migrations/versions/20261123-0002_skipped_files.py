"""Record skipped files: etl_runs.files_skipped and the skipped_files table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:08:01.462275
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add etl_runs.files_skipped (0 for earlier runs) and the skipped_files table."""
    op.create_table(
        "skipped_files",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("run_id", sa.Integer(), nullable=False, comment="etl_runs.id"),
        sa.Column("source_path", sa.Text(), nullable=False, comment="The file that was skipped."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why it is not an article."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, comment="When (UTC)."),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.id"], name=op.f("fk_skipped_files_run_id_etl_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skipped_files")),
        comment="Files seen but not loaded because they are not articles, and why.",
    )
    with op.batch_alter_table("skipped_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skipped_files_run_id"), ["run_id"], unique=False)

    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "files_skipped",
                sa.Integer(),
                server_default="0",
                nullable=False,
                comment="Files that are not articles (placeholders, index pages), listed in skipped_files.",
            )
        )


def downgrade() -> None:
    """Drop etl_runs.files_skipped and the skipped_files table."""
    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.drop_column("files_skipped")

    with op.batch_alter_table("skipped_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skipped_files_run_id"))

    op.drop_table("skipped_files")
