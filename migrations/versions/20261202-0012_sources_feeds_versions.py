"""Identity: named sources, feeds, and one real article per group of copies, revisions and re-posts.

- `sources` (name, root, first and last run); `articles.source_id`; the natural key of an article
  becomes (source_id, source_path) instead of source_path alone. Every folder that articles were
  loaded from (articles.source_root) becomes a source named after it (`-2`, `-3` … when two
  folders share a name); articles keep their ids and paths.
- `articles.feed`: the first category path, else the first folder of the path within its source
  that is not a generic wrapper (content/, source/, _posts/ …), else the source's name.
- `articles.canonical_article_id` (its own id until etl groups it), `article_fingerprints` and
  `article_bands` (filled by the next run, which re-processes every file after an upgrade).
- `etl_runs.sources`; backslashes in source paths doubled (etl.fsnames: a path's text form).
- The views count each real article once (canonical_article_id = id) and gain feed, source and
  version_count; v_daily_articles gains feed; v_article_versions lists every file.
- Postgres: `etl_locks.matching`, the lock writers take while they group articles.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:00:00
"""

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS_BEFORE = ("v_domain_stats", "v_daily_articles", "v_article_links", "v_articles")
WRAPPER_FOLDERS = frozenset({"content", "contents", "source", "src", "_posts", "posts"})
LIVE = "WHERE a.deleted_at IS NULL"
REAL = "WHERE a.deleted_at IS NULL AND a.canonical_article_id = a.id"
LAST_0008_COLUMN = "a.source_encoding\n    FROM articles a"
NEW_COLUMNS = (
    "a.source_encoding,\n"
    "        a.feed,\n"
    "        (SELECT s.name FROM sources s WHERE s.id = a.source_id) AS source,\n"
    "        (SELECT count(*) FROM articles v WHERE v.canonical_article_id = a.id"
    " AND v.deleted_at IS NULL) AS version_count\n"
    "    FROM articles a"
)
V_DAILY_ARTICLES = """
    SELECT published_date, category_2, count(*) AS article_count, feed
    FROM v_articles
    GROUP BY published_date, category_2, feed
"""
# how a version matches its canonical article: the same text (or nearly: COPY_SIMILARITY, a typo
# fixed) in the same feed and source is a copy, elsewhere a repost; less shared text in the same
# feed is a revision (labelled copies estimate 0.95-1.0, revisions up to 0.88)
COPY_SIMILARITY = 0.9
V_ARTICLE_VERSIONS = f"""
    SELECT
        a.id AS article_id,
        a.canonical_article_id,
        CASE WHEN a.canonical_article_id = a.id THEN 1 ELSE 0 END AS is_canonical,
        s.name AS source,
        a.source_path,
        a.title,
        a.published_at,
        a.feed,
        a.char_count,
        CASE
            WHEN a.canonical_article_id = a.id THEN NULL
            WHEN f.similarity >= {COPY_SIMILARITY} THEN
                CASE WHEN a.feed = c.feed AND a.source_id = c.source_id THEN 'copy' ELSE 'repost' END
            WHEN a.feed = c.feed THEN 'revision'
            ELSE 'repost'
        END AS match,
        CASE WHEN a.canonical_article_id = a.id THEN NULL ELSE f.similarity END AS similarity
    FROM articles a
    JOIN sources s ON s.id = a.source_id
    JOIN articles c ON c.id = a.canonical_article_id
    LEFT JOIN article_fingerprints f ON f.article_id = a.id
    WHERE a.deleted_at IS NULL
"""


def view_definitions(dialect: str, script: Any) -> list[tuple[str, str]]:
    """The views as this revision leaves them, in creation order: what `etl db upgrade` recreates
    when one has been dropped. `script` is Alembic's ScriptDirectory."""
    before = dict(script.get_revision("0008").module.view_definitions(dialect, script))
    v_articles = before["v_articles"]
    if LAST_0008_COLUMN not in v_articles or not v_articles.rstrip().endswith(LIVE):
        raise RuntimeError("0008's v_articles no longer reads as 0012 expects")
    v_articles = v_articles.replace(LAST_0008_COLUMN, NEW_COLUMNS).rstrip().removesuffix(LIVE) + REAL
    return [
        ("v_articles", v_articles),
        ("v_article_links", _real(before["v_article_links"])),
        ("v_daily_articles", V_DAILY_ARTICLES),
        ("v_domain_stats", _real(before["v_domain_stats"])),
        ("v_article_versions", V_ARTICLE_VERSIONS),
    ]


def _real(select: str) -> str:
    if LIVE not in select:
        raise RuntimeError("a view no longer filters live articles as 0012 expects")
    return select.replace(LIVE, REAL)


def upgrade() -> None:
    """Sources, feeds, canonical articles and their fingerprints; the views count real articles."""
    bind = op.get_bind()
    dialect = bind.dialect.name
    for view in VIEWS_BEFORE:
        op.execute(f"DROP VIEW {view}")
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False, comment=_SOURCE_NAME),
        sa.Column("root", sa.Text(), nullable=True, comment=_SOURCE_ROOT),
        sa.Column("first_run_id", sa.Integer(), nullable=True, comment=_FIRST_RUN),
        sa.Column("last_run_id", sa.Integer(), nullable=True, comment=_LAST_RUN),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, comment=_CREATED),
        sa.ForeignKeyConstraint(["first_run_id"], ["etl_runs.id"], name="fk_sources_first_run_id_etl_runs"),
        sa.ForeignKeyConstraint(["last_run_id"], ["etl_runs.id"], name="fk_sources_last_run_id_etl_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
        comment=_SOURCES,
    )
    with op.batch_alter_table("etl_runs") as batch:
        batch.add_column(sa.Column("sources", _json(dialect), nullable=True, comment=_RUN_SOURCES))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("source_id", sa.Integer(), nullable=True, comment=_SOURCE_ID))
        batch.add_column(sa.Column("feed", sa.Text(), nullable=True, comment=_FEED))
        batch.add_column(sa.Column("canonical_article_id", sa.Integer(), nullable=True, comment=_CANONICAL))
    _fill(bind)
    with op.batch_alter_table("articles") as batch:
        batch.alter_column(
            "source_id", existing_type=sa.Integer(), nullable=False, existing_comment=_SOURCE_ID
        )
        batch.alter_column("feed", existing_type=sa.Text(), nullable=False, existing_comment=_FEED)
        batch.alter_column(
            "canonical_article_id", existing_type=sa.Integer(), nullable=False, existing_comment=_CANONICAL
        )
        batch.drop_constraint("uq_articles_source_path", type_="unique")
        batch.create_unique_constraint("uq_articles_source_id", ["source_id", "source_path"])
        batch.create_foreign_key("fk_articles_source_id_sources", "sources", ["source_id"], ["id"])
        batch.create_foreign_key(
            "fk_articles_canonical_article_id_articles", "articles", ["canonical_article_id"], ["id"]
        )
        batch.drop_index("ix_articles_known_files")
        batch.create_index(
            "ix_articles_known_files",
            [
                "source_id",
                "source_path",
                "deleted_at",
                "content_sha256",
                "extractor_version",
                "source_size",
                "source_mtime_ns",
            ],
        )
        batch.drop_index("ix_articles_source_root")
        batch.create_index("ix_articles_source_live", ["source_id", "deleted_at", "source_path"])
        batch.create_index("ix_articles_canonical_article_id", ["canonical_article_id"])
        batch.create_index("ix_articles_feed_published", ["feed", "published_at"])
        batch.create_index("ix_articles_canonical_url", ["canonical_url"])
        batch.alter_column(
            "source_path",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=_SOURCE_PATH,
            existing_comment="File path relative to the input root, '/'-separated; the natural key.",
        )
        batch.alter_column(
            "source_root",
            existing_type=sa.Text(),
            existing_nullable=True,
            comment="Absolute folder of the file's source when it was loaded (sources.root).",
            existing_comment=_SOURCE_ROOT_BEFORE,
        )
    if dialect == "postgresql":
        op.execute(f"COMMENT ON TABLE articles IS '{_ARTICLES}'")
    op.create_table(
        "article_fingerprints",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("text_sha256", sa.String(64), nullable=False, comment=_TEXT_SHA),
        sa.Column("shingles", sa.Integer(), nullable=False, comment=_SHINGLES),
        sa.Column("signature", sa.LargeBinary(), nullable=False, comment=_SIGNATURE),
        sa.Column("scheme", sa.String(64), nullable=False, comment=_SCHEME),
        sa.Column("similarity", sa.Float(), nullable=True, comment=_SIMILARITY),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_fingerprints_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_fingerprints"),
        comment=_FINGERPRINTS,
    )
    op.create_index("ix_article_fingerprints_text_sha256", "article_fingerprints", ["text_sha256"])
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False, comment=_BAND_KEY),
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_article_bands_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("band_key", "article_id", name="pk_article_bands"),
        comment=_BANDS,
    )
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"])
    if dialect == "postgresql":
        op.execute("CREATE TABLE etl_locks.matching ()")
        op.execute("COMMENT ON TABLE etl_locks.matching IS 'Writers lock it while they group articles.'")
    for name, body in view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")


def _fill(bind: sa.engine.Connection) -> None:
    """Sources from the folders articles came from; each article's source, feed, canonical id."""
    now: Any = datetime.now(UTC).replace(microsecond=0)
    if bind.dialect.name == "sqlite":
        now = now.strftime("%Y-%m-%d %H:%M:%S")  # as etl's UTCDateTime stores instants there
    roots = [r for (r,) in bind.execute(sa.text("SELECT DISTINCT source_root FROM articles"))]
    taken: set[str] = set()
    sources = sa.table(
        "sources", sa.column("id"), sa.column("name"), sa.column("root"), sa.column("created_at")
    )
    ids: dict[str | None, int] = {}
    for number, root in enumerate(sorted(roots, key=lambda r: (r is None, r or "")), start=1):
        name = _unique(
            os.path.basename((root or "").rstrip("/")) or ("legacy" if root is None else "root"), taken
        )
        bind.execute(sources.insert().values(id=number, name=name, root=root, created_at=now))
        ids[root] = number
    names = {number: name for number, name in bind.execute(sa.text("SELECT id, name FROM sources"))}
    # the alphabetically first leaf category, as v_articles shows it
    categories = dict(
        bind.execute(
            sa.text(
                "SELECT ac.article_id, min(c.path) FROM article_categories ac"
                " JOIN categories c ON c.id = ac.category_id GROUP BY ac.article_id"
            )
        ).all()
    )
    rows = bind.execute(sa.text("SELECT id, source_root, source_path FROM articles")).all()
    updates = [
        {
            "i": article_id,
            "s": ids[root],
            "f": categories.get(article_id) or _folder_feed(path) or names[ids[root]],
            "p": path.replace("\\", "\\\\"),
        }
        for article_id, root, path in rows
    ]
    if updates:
        bind.execute(
            sa.text(
                "UPDATE articles SET source_id = :s, feed = :f, source_path = :p, canonical_article_id = id"
                " WHERE id = :i"
            ),
            updates,
        )


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate


def _folder_feed(path: str) -> str | None:
    for folder in path.split("/")[:-1]:
        if folder.lower() not in WRAPPER_FOLDERS:
            return folder
    return None


def _json(dialect: str) -> sa.types.TypeEngine[Any]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return JSONB()
    return sa.JSON()


def downgrade() -> None:
    """Back to 0011: one row per file again, keyed on source_path (fails if two sources share one)."""
    dialect = op.get_bind().dialect.name
    for name, _ in reversed(view_definitions(dialect, context.script)):
        op.execute(f"DROP VIEW {name}")
    if dialect == "postgresql":
        op.execute("DROP TABLE etl_locks.matching")
    op.drop_index("ix_article_bands_article_id", table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_index("ix_article_fingerprints_text_sha256", table_name="article_fingerprints")
    op.drop_table("article_fingerprints")
    with op.batch_alter_table("articles") as batch:
        for index in (
            "ix_articles_canonical_url",
            "ix_articles_feed_published",
            "ix_articles_canonical_article_id",
            "ix_articles_source_live",
            "ix_articles_known_files",
        ):
            batch.drop_index(index)
        batch.create_index(
            "ix_articles_known_files",
            [
                "source_path",
                "deleted_at",
                "content_sha256",
                "extractor_version",
                "source_size",
                "source_mtime_ns",
            ],
        )
        batch.create_index("ix_articles_source_root", ["source_root", "deleted_at", "source_path"])
        batch.drop_constraint("fk_articles_canonical_article_id_articles", type_="foreignkey")
        batch.drop_constraint("fk_articles_source_id_sources", type_="foreignkey")
        batch.drop_constraint("uq_articles_source_id", type_="unique")
        batch.create_unique_constraint("uq_articles_source_path", ["source_path"])
        batch.drop_column("canonical_article_id")
        batch.drop_column("feed")
        batch.drop_column("source_id")
        batch.alter_column(
            "source_root",
            existing_type=sa.Text(),
            existing_nullable=True,
            comment=_SOURCE_ROOT_BEFORE,
        )
        batch.alter_column(
            "source_path",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment="File path relative to the input root, '/'-separated; the natural key.",
        )
    if dialect == "postgresql":
        op.execute("COMMENT ON TABLE articles IS 'One row per article file.'")
    with op.batch_alter_table("etl_runs") as batch:
        batch.drop_column("sources")
    op.drop_table("sources")
    for name, body in context.script.get_revision("0008").module.view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")


_SOURCE_PATH = "File path relative to the source's root, '/'-separated; with source_id, the natural key."
_SOURCES = "Named inputs (an archive, a mirror, a folder): an article is a path within one source."
_SOURCE_NAME = "The source's name: `etl run --source NAME`, else the name of the folder first loaded."
_SOURCE_ROOT = "Absolute folder the source's paths are relative to (where it was last loaded from)."
_FIRST_RUN = "The run that first loaded it (etl_runs.id)."
_LAST_RUN = "The newest run that loaded it (etl_runs.id)."
_CREATED = "When the source was first seen (UTC)."
_RUN_SOURCES = "Names of the sources the run loaded (sources.name)."
_SOURCE_ID = "The source the file is in (sources.id)."
_FEED = (
    "The feed: the front matter's category path, else the top folder within the source (gnews, "
    "transcript), else the source's name."
)
_CANONICAL = (
    "The article this file is a version of: its own id, or the id of the most complete version of "
    "the copies, revisions and re-posts it belongs with."
)
_ARTICLES = "One row per article file; the views keep one row per real article (canonical_article_id = id)."
_FINGERPRINTS = "What identifies an article's text, and how it was matched to its copies and revisions."
_TEXT_SHA = "SHA-256 of the body text without whitespace and punctuation (Simplified): equal for copies."
_SHINGLES = "5-character shingles the signature is over (repeats included)."
_SIGNATURE = "MinHash signature of those shingles (rensa)."
_SCHEME = "How the signature was made; only equal schemes compare."
_SIMILARITY = (
    "Estimated Jaccard similarity of the text to its canonical article's, 0 to 1; "
    "NULL for that article itself."
)
_SOURCE_ROOT_BEFORE = "Absolute input folder the file was found in; a file gone from it is soft-deleted."
_BANDS = "Locality-sensitive hashing bands of each signature: near-copies share one."
_BAND_KEY = "One LSH band of the signature, hashed."
