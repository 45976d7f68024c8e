"""The newest run that found each remembered skip or failure, so `etl errors` lists what a run counted.

A re-run counts an unchanged skipped or failed file again without recording it again; the ledger
rows are the earlier run's. `file_outcomes.last_seen_run_id` says which run last found the file
so: `etl errors` for that run lists the earlier run's rows beside its own. Existing rows start
with the run that recorded them; the next run of their folder sets it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAST_SEEN = (
    "The newest run that found the file with this outcome: the one that recorded it, or a "
    "later one that found the file unchanged and counted the outcome again (etl_runs.id)."
)


def upgrade() -> None:
    """Add file_outcomes.last_seen_run_id, set to the run that recorded each outcome."""
    op.add_column(
        "file_outcomes", sa.Column("last_seen_run_id", sa.Integer(), nullable=True, comment=LAST_SEEN)
    )
    op.execute("UPDATE file_outcomes SET last_seen_run_id = run_id")


def downgrade() -> None:
    """Drop file_outcomes.last_seen_run_id."""
    op.drop_column("file_outcomes", "last_seen_run_id")  # SQLite 3.35+: in place, still WITHOUT ROWID
