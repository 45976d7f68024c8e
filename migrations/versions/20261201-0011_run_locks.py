"""Run locks that live in the database and that a read-only login cannot take.

Postgres: the schema `etl_locks`, closed to everyone but its owner (the loader); each lock is a
table there that a run locks in SHARE or EXCLUSIVE mode, which needs UPDATE privilege. SQLite: the
table `etl_run_locks`, one row per lock held, naming the process that holds it. Neither is part
of the public schema (both are etl's own bookkeeping).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_LOCKS = """CREATE TABLE etl_run_locks (
    name TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    process TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (name, host, pid))"""


def upgrade() -> None:
    """Create the place the run locks live in."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SCHEMA IF NOT EXISTS etl_locks")
        op.execute("REVOKE ALL ON SCHEMA etl_locks FROM PUBLIC")
        op.execute("COMMENT ON SCHEMA etl_locks IS 'Run locks of etl (one table per lock); not for reading.'")
    else:
        op.execute(SQLITE_LOCKS)


def downgrade() -> None:
    """Drop it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SCHEMA etl_locks CASCADE")
    else:
        op.execute("DROP TABLE etl_run_locks")
