"""Encoding, language and script of each article; warnings of files that loaded anyway; the shard
and warned-file count of each run; v_articles gains language, script and source_encoding.

v_articles keeps the body 0006 froze, with the three columns added at its end (Postgres replaces a
view in place only when new columns come last).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the end of 0006's select list, where the new columns go
LAST_COLUMN = "a.source_path\n    FROM articles a"
NEW_COLUMNS = (
    "a.source_path,\n        a.language,\n        a.script,\n        a.source_encoding\n    FROM articles a"
)
PRECISION = "How much of published_at the source stated: {}."


def _views_0006() -> ModuleType:
    return context.script.get_revision("0006").module


def _replace_v_articles(select: str, adds_columns: bool) -> None:
    if adds_columns and op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE OR REPLACE VIEW v_articles AS {select}")
        return
    # SQLite cannot replace a view, and Postgres cannot drop a view's columns in place: v_daily_articles
    # reads v_articles, so both are made again
    op.execute("DROP VIEW v_daily_articles")
    op.execute("DROP VIEW v_articles")
    op.execute(f"CREATE VIEW v_articles AS {select}")
    op.execute(f"CREATE VIEW v_daily_articles AS {_views_0006().V_DAILY_ARTICLES}")


def upgrade() -> None:
    """Add the columns and the file_warnings table, and v_articles' new columns."""
    op.add_column("articles", sa.Column("source_encoding", sa.String(32), comment=_ENCODING))
    op.add_column("articles", sa.Column("language", sa.String(8), comment=_LANGUAGE))
    op.add_column("articles", sa.Column("script", sa.String(8), comment=_SCRIPT))
    op.create_index("ix_articles_language", "articles", ["language"])
    _describe_precision("second, minute, hour, day, month, year", "second, minute, day, month, year")
    op.add_column(
        "etl_runs",
        sa.Column("files_warned", sa.Integer(), nullable=False, server_default="0", comment=_WARNED),
    )
    op.add_column("etl_runs", sa.Column("shard", sa.String(16), comment=_SHARD))
    op.create_table(
        "file_warnings",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("run_id", sa.Integer(), nullable=False, comment="etl_runs.id"),
        sa.Column(
            "source_path",
            sa.Text(),
            nullable=False,
            comment="The file, which loaded (see articles.source_path).",
        ),
        sa.Column("stage", sa.String(16), nullable=False, comment="extract or transform."),
        sa.Column("warning", sa.Text(), nullable=False, comment="What was wrong and what etl did about it."),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, comment="When (UTC)."),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.id"], name="fk_file_warnings_run_id_etl_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_file_warnings"),
        comment="Files that loaded with something wrong in them (a broken byte sequence, front matter read "
        "line by line), and what etl did.",
    )
    op.create_index("ix_file_warnings_run_id", "file_warnings", ["run_id"])
    select = _views_0006()._v_articles(op.get_bind().dialect.name)
    if LAST_COLUMN not in select:
        raise RuntimeError("0006's v_articles no longer ends as 0008 expects")
    _replace_v_articles(select.replace(LAST_COLUMN, NEW_COLUMNS), adds_columns=True)


def downgrade() -> None:
    """Back to 0007: v_articles without the new columns, no file_warnings, no new columns."""
    _replace_v_articles(_views_0006()._v_articles(op.get_bind().dialect.name), adds_columns=False)
    op.drop_index("ix_file_warnings_run_id", table_name="file_warnings")
    op.drop_table("file_warnings")
    op.drop_column("etl_runs", "shard")
    op.drop_column("etl_runs", "files_warned")
    _describe_precision("second, minute, day, month, year", "second, minute, hour, day, month, year")
    op.drop_index("ix_articles_language", table_name="articles")
    for column in ("script", "language", "source_encoding"):
        op.drop_column("articles", column)


def view_definitions(dialect: str, script: Any) -> list[tuple[str, str]]:
    """The views as this revision leaves them, in creation order: what `etl db upgrade` recreates
    when one has been dropped (until a later revision defines them anew). `script` is Alembic's
    ScriptDirectory."""
    views_0006 = script.get_revision("0006").module
    return [
        ("v_articles", views_0006._v_articles(dialect).replace(LAST_COLUMN, NEW_COLUMNS)),
        ("v_article_links", views_0006.V_ARTICLE_LINKS),
        ("v_daily_articles", views_0006.V_DAILY_ARTICLES),
        ("v_domain_stats", views_0006.V_DOMAIN_STATS),
    ]


def _describe_precision(values: str, before: str) -> None:
    # comments live only in Postgres; on SQLite a changed comment would rebuild the table for nothing
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "articles",
            "published_precision",
            existing_type=sa.String(10),
            comment=PRECISION.format(values),
            existing_comment=PRECISION.format(before),
        )


_ENCODING = "Codec that read the file: utf-8, utf-16, gb18030, big5hkscs, cp932, cp949, cp1252, …"
_LANGUAGE = "Language of title and body, ISO 639-1 (zh, en, ja, …); py3langid."
_SCRIPT = "zh-Hans or zh-Hant for Chinese articles; NULL otherwise."
_WARNED = "Articles loaded with a warning (listed in file_warnings)."
_SHARD = "K/N when the run loaded shard K of N; NULL for the whole input."
