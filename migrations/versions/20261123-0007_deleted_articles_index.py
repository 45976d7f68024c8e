"""Index only the soft-deleted articles: articles.deleted_at becomes a partial index.

With every article in it, SQLite (which has no statistics until ANALYZE) took `deleted_at IS NULL`
for a selective condition and walked that index through every live article instead of using a
better index, e.g. looking up 1,000 paths on a re-run. A partial index over the few deleted rows
cannot serve `deleted_at IS NULL`, so the planner no longer picks it for live articles; live ones
are counted as all articles minus the deleted.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_articles_deleted_at"
DELETED = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index(INDEX, table_name="articles")
    op.create_index(INDEX, "articles", ["deleted_at"], sqlite_where=DELETED, postgresql_where=DELETED)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="articles")
    op.create_index(INDEX, "articles", ["deleted_at"])
