"""What is remembered of skipped and failed files, and SQLite's search index without its own copy of the text.

- `file_outcomes`: each file's newest skip or failure, by (source_id, source_path), with its size,
  mtime and the etl version that decided. A re-run reads such a file again only when one of them
  changed (or with --full), and records a skip or failure once, not on every run. Starts empty: the
  next run fills it (recording each skipped or failed file once more).
- SQLite: the FTS5 table kept the index text a second time (its `_content` table, as large as the
  bodies). `article_search_index` is contentless: the index alone. FTS5 then removes an entry only
  when told the text it indexed, which etl makes again from the article's title and body_text and
  checks against a digest kept per entry in `article_search`, now the table of the indexed articles
  (article_id, digest). A DELETE from it by hand empties the whole index (a trigger: FTS5 could not
  be told the text), which `etl search --rebuild` fills again.
  The entries move over as they are (the same text, so the same results), with their digests.
  The file keeps the space the old table took until `VACUUM`.
- Postgres keeps no copy of the text (the tsvectors only): its search index is unchanged.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 16:00:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = (
    "The newest outcome of each file that is not loaded as an article: a file skipped or failed "
    "is read again only once its size, mtime or etl's version change (or with --full), and recorded once."
)
SOURCE_PATH = "File path relative to the source's root, '/'-separated; with source_id, the file."
REASON = "Why: as in skipped_files.reason or load_errors.error of the run that recorded it."
WAS_READ = (
    "The file was read to decide (then an unchanged file is not read again); false when the "
    "walk decided without reading it (not a regular file, over --max-file-size)."
)
RUN_ID = "The run that recorded the outcome in skipped_files or load_errors (etl_runs.id)."

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
CONTENTLESS = [
    f"CREATE VIRTUAL TABLE article_search_index USING fts5(title, body, content = '', {TOKENIZE})",
    # merge segments less eagerly while loading (0006)
    "INSERT INTO article_search_index (article_search_index, rank) VALUES ('automerge', 8)",
    # named article_search once the old index is gone
    "CREATE TABLE article_search_moved (article_id INTEGER PRIMARY KEY, digest INTEGER NOT NULL)",
]
# etl removes an entry from the index before its row here; a row deleted while its entry is still
# indexed is a DELETE by hand, and FTS5 cannot remove an entry it is not told the text of: the
# whole index is emptied
TRIGGER = """CREATE TRIGGER article_search_emptied AFTER DELETE ON article_search
    WHEN EXISTS (SELECT 1 FROM article_search_index_docsize WHERE id = OLD.article_id)
    BEGIN
        INSERT INTO article_search_index (article_search_index) VALUES ('delete-all');
        DELETE FROM article_search;
    END"""
OLD_INDEX = [
    f"CREATE VIRTUAL TABLE article_search USING fts5(title, body, {TOKENIZE})",
    "INSERT INTO article_search (article_search, rank) VALUES ('automerge', 8)",
]
MOVE_BATCH = 200


def _digest(title: str, body: str) -> int:
    """etl.load.search_index.text_digest: a digest that differs only costs a rebuild."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(title.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "big", signed=True)


def _move_entries(connection: sa.Connection) -> None:
    """Every entry of the old FTS5 table into the contentless one, with its digest, by rowid."""
    raw = connection.connection.dbapi_connection
    last = 0
    while True:
        rows = raw.execute(
            "SELECT rowid, title, body FROM article_search WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last, MOVE_BATCH),
        ).fetchall()
        if not rows:
            return
        raw.executemany("INSERT INTO article_search_index (rowid, title, body) VALUES (?, ?, ?)", rows)
        raw.executemany(
            "INSERT INTO article_search_moved (article_id, digest) VALUES (?, ?)",
            [(rowid, _digest(title or "", body or "")) for rowid, title, body in rows],
        )
        last = rows[-1][0]


def upgrade() -> None:
    """Add file_outcomes; on SQLite, make the search index contentless."""
    op.create_table(
        "file_outcomes",
        sa.Column(
            "source_id", sa.Integer(), nullable=False, comment="The source the file is in (sources.id)."
        ),
        sa.Column("source_path", sa.Text(), nullable=False, comment=SOURCE_PATH),
        sa.Column("outcome", sa.String(8), nullable=False, comment="skipped (not an article) or failed."),
        sa.Column("stage", sa.String(16), nullable=False, comment="extract, transform or load."),
        sa.Column("reason", sa.Text(), nullable=False, comment=REASON),
        sa.Column("was_read", sa.Boolean(), nullable=False, comment=WAS_READ),
        sa.Column(
            "source_size", sa.BigInteger(), nullable=False, comment="File size in bytes when last seen."
        ),
        sa.Column(
            "source_mtime_ns", sa.BigInteger(), nullable=False, comment="File mtime (ns) when last seen."
        ),
        sa.Column(
            "extractor_version",
            sa.String(32),
            nullable=False,
            comment="etl version that decided; another version reads the file again.",
        ),
        sa.Column("run_id", sa.Integer(), nullable=False, comment=RUN_ID),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_file_outcomes_source_id_sources"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.id"], name="fk_file_outcomes_run_id_etl_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", "source_path", name="pk_file_outcomes"),
        comment=OUTCOMES,
        sqlite_with_rowid=False,
    )
    op.create_index("ix_file_outcomes_run_id", "file_outcomes", ["run_id"])
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for statement in CONTENTLESS:
        op.execute(statement)
    _move_entries(connection)
    op.execute("DROP TABLE article_search")
    op.execute("ALTER TABLE article_search_moved RENAME TO article_search")
    op.execute(TRIGGER)


def downgrade() -> None:
    """Drop file_outcomes; on SQLite, back to an FTS5 table with its own copy of the text, empty
    (the text is not kept: `etl search --rebuild` fills it)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER article_search_emptied")
        op.execute("DROP TABLE article_search")
        op.execute("DROP TABLE article_search_index")
        for statement in OLD_INDEX:
            op.execute(statement)
    op.drop_index("ix_file_outcomes_run_id", table_name="file_outcomes")
    op.drop_table("file_outcomes")
