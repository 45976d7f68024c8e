"""The tables: the single source of truth that migrations/ must always match.

Table and column names are a public contract (ARCHITECTURE.md): add freely, never rename silently.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from etl.schema.types import JSONDocument, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# the full-text index is dialect-specific (an FTS5 virtual table with shadow tables on SQLite,
# a tsvector table on Postgres): migration 0006 owns it, outside these models
SEARCH_INDEX = "article_search"
# SQLite's run locks (migration 0011; Postgres keeps them in a schema of their own): bookkeeping,
# not part of the public schema
RUN_LOCKS = "etl_run_locks"


def compared_with_models(
    _obj: object, name: str | None, type_: str, _reflected: bool, _other: object
) -> bool:
    """Alembic include_object hook: compare everything but the search index and the run locks."""
    return not (type_ == "table" and ((name or "").startswith(SEARCH_INDEX) or name == RUN_LOCKS))


def _article_fk() -> Column[int]:
    return Column(
        "article_id",
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The article (articles.id).",
    )


sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column(
        "name",
        Text,
        nullable=False,
        unique=True,
        comment="The source's name: `etl run --source NAME`, else the name of the folder first loaded.",
    ),
    Column(
        "root",
        Text,
        comment="Absolute folder the source's paths are relative to (where it was last loaded from).",
    ),
    Column("first_run_id", ForeignKey("etl_runs.id"), comment="The run that first loaded it (etl_runs.id)."),
    Column("last_run_id", ForeignKey("etl_runs.id"), comment="The newest run that loaded it (etl_runs.id)."),
    Column("created_at", UTCDateTime, nullable=False, comment="When the source was first seen (UTC)."),
    comment="Named inputs (an archive, a mirror, a folder): an article is a path within one source.",
)

IMAGE_ROLES = "cover, thumbnail, gallery (Hexo's photos, in order) or inline."

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column(
        "source_path",
        Text,
        nullable=False,
        comment="File path relative to the source's root, '/'-separated; with source_id, the natural key.",
    ),
    Column(
        "content_sha256",
        String(64),
        nullable=False,
        comment="SHA-256 of the file's bytes; unchanged hash means nothing to reload.",
    ),
    Column("title", Text, comment="Title from front matter, else the first heading; plain text."),
    Column("published_at", UTCDateTime, comment="Publication instant in UTC."),
    Column(
        "published_precision",
        String(10),
        comment="How much of published_at the source stated: second, minute, hour, day, month, year.",
    ),
    Column(
        "body_format",
        String(16),
        nullable=False,
        comment="html, markdown, mixed (Markdown with HTML) or empty.",
    ),
    Column(
        "body_html",
        Text,
        nullable=False,
        comment="Body as HTML: as given, or rendered from Markdown.",
    ),
    Column("body_text", Text, nullable=False, comment="Body as plain text, one paragraph a line."),
    Column("summary", Text, comment="Lead paragraph(s) as plain text, at most 280 characters."),
    Column(
        "canonical_url",
        Text,
        comment="URL of the original article (front matter, or the 轉載自 link).",
    ),
    Column("char_count", Integer, nullable=False, comment="Characters in body_text."),
    Column(
        "front_matter",
        JSONDocument,
        nullable=False,
        comment="All front matter as JSON, nothing dropped.",
    ),
    Column(
        "source_root",
        Text,
        comment="Absolute folder of the file's source when it was loaded (sources.root).",
    ),
    Column("source_size", BigInteger, comment="File size in bytes when last read."),
    Column(
        "source_mtime_ns",
        BigInteger,
        comment="File mtime (ns) when last read; with source_size, skips unchanged files.",
    ),
    Column(
        "extractor_version",
        String(32),
        nullable=False,
        comment="etl version that produced this row; an upgrade reprocesses the file.",
    ),
    Column("created_at", UTCDateTime, nullable=False, comment="When the row was first loaded (UTC)."),
    Column("updated_at", UTCDateTime, nullable=False, comment="When the row last changed (UTC)."),
    Column("deleted_at", UTCDateTime, comment="When the source file was found gone (soft delete)."),
    Column(
        "source_encoding",
        String(32),
        comment="Codec that read the file: utf-8, utf-16, gb18030, big5hkscs, cp932, cp949, cp1252, …",
    ),
    Column(
        "language", String(8), comment="Language of title and body, ISO 639-1 (zh, en, ja, …); py3langid."
    ),
    Column("script", String(8), comment="zh-Hans or zh-Hant for Chinese articles; NULL otherwise."),
    Column(
        "source_id",
        ForeignKey("sources.id"),
        nullable=False,
        comment="The source the file is in (sources.id).",
    ),
    Column(
        "feed",
        Text,
        nullable=False,
        comment="The feed: the front matter's category path, else the top folder within the source "
        "(gnews, transcript), else the source's name.",
    ),
    Column(
        "canonical_article_id",
        ForeignKey("articles.id"),
        nullable=False,
        comment="The article this file is a version of: its own id, or the id of the most complete "
        "version of the copies, revisions and re-posts it belongs with.",
    ),
    Column(
        "kind",
        String(8),
        nullable=False,
        server_default="post",
        comment="post, page (a Hexo page, layout: page, Hugo _index.md) or draft (published: false, "
        "draft: true, under _drafts/); the views leave drafts out.",
    ),
    Column(
        "source_updated_at",
        UTCDateTime,
        comment="When the source says it was last edited (front matter updated, lastmod), in UTC.",
    ),
    UniqueConstraint("source_id", "source_path"),
    comment="One row per article file; the views keep one row per real article (canonical_article_id = id).",
)
Index(None, articles.c.published_at)
Index(None, articles.c.language)
# what a re-run asks of every file it finds, answered from the index alone (migration 0010): the
# rows themselves are kilobytes of text, a page each, and reading 20,000 of them was most of the
# lookup of an unchanged archive
Index(
    "ix_articles_known_files",
    articles.c.source_id,
    articles.c.source_path,
    articles.c.deleted_at,
    articles.c.content_sha256,
    articles.c.extractor_version,
    articles.c.source_size,
    articles.c.source_mtime_ns,
)
# the source's live articles, from the index alone: each run of a folder reads them all (0012)
Index("ix_articles_source_live", articles.c.source_id, articles.c.deleted_at, articles.c.source_path)
# the versions of an article, and the articles of a feed at an instant (revisions) (0012)
Index(None, articles.c.canonical_article_id)
Index("ix_articles_feed_published", articles.c.feed, articles.c.published_at)
Index(None, articles.c.canonical_url)
# only the soft-deleted rows (migration 0007): counted quickly, and never mistaken by SQLite's planner
# for a way to find live articles
Index(
    None,
    articles.c.deleted_at,
    sqlite_where=articles.c.deleted_at.is_not(None),
    postgresql_where=articles.c.deleted_at.is_not(None),
)

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("name", Text, nullable=False, unique=True, comment="Person or organisation name, as credited."),
    Column(
        "person",
        Text,
        comment="Who the name is: one key for the spellings of one person (`Winner 文祥` and "
        "`为自由而战（文祥）` are 文祥); NULL for names not met since etl 0.6.",
    ),
    comment="Every person or organisation credited by any article.",
)
Index(None, authors.c.person)

article_authors = Table(
    "article_authors",
    metadata,
    _article_fk(),
    Column("author_id", ForeignKey("authors.id"), primary_key=True, comment="authors.id"),
    Column(
        "role",
        String(32),
        primary_key=True,
        comment="author (front matter), writer, editor, proofreader, translator, reviewer, transcriber, "
        "publisher, designer, source, page.",
    ),
    Column("position", Integer, nullable=False, comment="Order of the credit in the article, from 1."),
    Column(
        "affiliation",
        Text,
        comment="The farm or team the name was credited with (纽约香草山农场：天才老鼠), if any.",
    ),
    comment="Who is credited for an article, and as what.",
)
Index(None, article_authors.c.author_id)

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("name", Text, nullable=False, comment="This level's name, e.g. 头条."),
    Column("parent_id", ForeignKey("categories.id"), comment="Parent category; NULL at the top."),
    Column(
        "path",
        Text,
        nullable=False,
        unique=True,
        comment="Full path from the top, '/'-separated, e.g. 新媒体/观察者网/头条.",
    ),
    Column("depth", Integer, nullable=False, comment="1 for a top-level category."),
    comment="Category hierarchy (Hexo category lists).",
)

article_categories = Table(
    "article_categories",
    metadata,
    _article_fk(),
    Column(
        "category_id",
        ForeignKey("categories.id"),
        primary_key=True,
        comment="The leaf category (categories.id).",
    ),
    comment="An article's leaf categories.",
)
Index(None, article_categories.c.category_id)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("name", Text, nullable=False, unique=True, comment="Tag or keyword."),
    comment="Front matter tags and keywords.",
)

article_tags = Table(
    "article_tags",
    metadata,
    _article_fk(),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True, comment="tags.id"),
    comment="Tags of each article.",
)
Index(None, article_tags.c.tag_id)

domains = Table(
    "domains",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("host", Text, nullable=False, unique=True, comment="Lower-case host, e.g. www.guancha.cn."),
    Column(
        "registered_domain",
        Text,
        nullable=False,
        comment="Domain under its public suffix, e.g. guancha.cn (the host itself for IPs).",
    ),
    comment="Hosts of images and links.",
)
Index(None, domains.c.registered_domain)

images = Table(
    "images",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("url", Text, nullable=False, unique=True, comment="Absolute, normalised image URL."),
    Column("domain_id", ForeignKey("domains.id"), comment="Host of the URL; NULL for non-web URLs."),
    comment="One row per distinct image URL.",
)

article_images = Table(
    "article_images",
    metadata,
    _article_fk(),
    Column("role", String(16), primary_key=True, comment=IMAGE_ROLES),
    Column("position", Integer, primary_key=True, comment="Order within the role, from 1."),
    Column("image_id", ForeignKey("images.id"), nullable=False, comment="images.id"),
    Column("alt", Text, comment="alt text."),
    Column("title", Text, comment="title attribute."),
    Column("caption", Text, comment="figcaption, or the centred paragraph right after the image."),
    Column("width", Integer, comment="Declared width in pixels."),
    Column("height", Integer, comment="Declared height in pixels."),
    comment="Where an image appears in an article.",
)
Index(None, article_images.c.image_id)

links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("url", Text, nullable=False, unique=True, comment="Absolute, normalised URL."),
    Column("domain_id", ForeignKey("domains.id"), comment="Host of the URL; NULL for mailto: etc."),
    comment="One row per distinct link target.",
)

article_links = Table(
    "article_links",
    metadata,
    _article_fk(),
    Column("position", Integer, primary_key=True, comment="Order in the body, from 1."),
    Column("link_id", ForeignKey("links.id"), nullable=False, comment="links.id"),
    Column("anchor_text", Text, nullable=False, comment="The link's visible text."),
    comment="Every link in an article body.",
)
Index(None, article_links.c.link_id)

article_post_links = Table(
    "article_post_links",
    metadata,
    _article_fk(),
    Column("position", Integer, primary_key=True, comment="Order in the body, from 1."),
    Column("slug", Text, nullable=False, comment="What `{% post_link slug %}` names, as written."),
    Column(
        "target_article_id",
        ForeignKey("articles.id", ondelete="SET NULL"),
        comment="The loaded article of the same source with that file name, slug or permalink; "
        "NULL when there is none (the run says so).",
    ),
    comment="Hexo's links between posts ({% post_link %}), resolved to articles after each run.",
)
Index(None, article_post_links.c.target_article_id)

etl_runs = Table(
    "etl_runs",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("started_at", UTCDateTime, nullable=False, comment="Start (UTC)."),
    Column("finished_at", UTCDateTime, comment="End (UTC); NULL while running or if killed."),
    Column(
        "status",
        String(16),
        nullable=False,
        comment="running, succeeded, partial (some files failed), failed or interrupted.",
    ),
    Column("etl_version", String(32), nullable=False, comment="Version of etl that ran."),
    Column("host", Text, comment="Machine that ran it; with pid, tells a killed run from a live one."),
    Column("pid", Integer, comment="Process id of the run on that machine."),
    Column("paths", JSONDocument, nullable=False, comment="Input roots as given."),
    Column("files_seen", Integer, nullable=False, comment="Article files found."),
    Column("articles_inserted", Integer, nullable=False, comment="New articles."),
    Column("articles_updated", Integer, nullable=False, comment="Changed articles reloaded."),
    Column("articles_unchanged", Integer, nullable=False, comment="Files skipped as unchanged."),
    Column("articles_deleted", Integer, nullable=False, comment="Articles soft-deleted."),
    Column("files_failed", Integer, nullable=False, comment="Files recorded in load_errors."),
    Column(
        "files_skipped",
        Integer,
        nullable=False,
        server_default="0",
        comment="Files that are not articles (placeholders, index pages), listed in skipped_files.",
    ),
    Column(
        "files_warned",
        Integer,
        nullable=False,
        server_default="0",
        comment="Articles loaded with a warning (listed in file_warnings).",
    ),
    Column("shard", String(16), comment="K/N when the run loaded shard K of N; NULL for the whole input."),
    Column("sources", JSONDocument, comment="Names of the sources the run loaded (sources.name)."),
    comment="One row per `etl run`.",
)

load_errors = Table(
    "load_errors",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column(
        "run_id",
        ForeignKey("etl_runs.id", ondelete="CASCADE"),
        nullable=False,
        comment="etl_runs.id",
    ),
    Column("source_path", Text, nullable=False, comment="The file that failed."),
    Column("stage", String(16), nullable=False, comment="extract, transform or load."),
    Column("error", Text, nullable=False, comment="What went wrong, for a person to read."),
    Column("created_at", UTCDateTime, nullable=False, comment="When (UTC)."),
    comment="Files that could not be loaded, and why.",
)
Index(None, load_errors.c.run_id)

skipped_files = Table(
    "skipped_files",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("run_id", ForeignKey("etl_runs.id", ondelete="CASCADE"), nullable=False, comment="etl_runs.id"),
    Column("source_path", Text, nullable=False, comment="The file that was skipped."),
    Column("reason", Text, nullable=False, comment="Why it is not an article."),
    Column("created_at", UTCDateTime, nullable=False, comment="When (UTC)."),
    comment="Files seen but not loaded because they are not articles, and why.",
)
Index(None, skipped_files.c.run_id)

# what a re-run asks of every file that is not an article, by its natural key (migration 0015;
# last_seen_run_id 0016)
file_outcomes = Table(
    "file_outcomes",
    metadata,
    Column(
        "source_id",
        ForeignKey("sources.id"),
        primary_key=True,
        comment="The source the file is in (sources.id).",
    ),
    Column(
        "source_path",
        Text,
        primary_key=True,
        comment="File path relative to the source's root, '/'-separated; with source_id, the file.",
    ),
    Column("outcome", String(8), nullable=False, comment="skipped (not an article) or failed."),
    Column("stage", String(16), nullable=False, comment="extract, transform or load."),
    Column(
        "reason",
        Text,
        nullable=False,
        comment="Why: as in skipped_files.reason or load_errors.error of the run that recorded it.",
    ),
    Column(
        "was_read",
        Boolean,
        nullable=False,
        comment="The file was read to decide (then an unchanged file is not read again); false when the "
        "walk decided without reading it (not a regular file, over --max-file-size).",
    ),
    Column("source_size", BigInteger, nullable=False, comment="File size in bytes when last seen."),
    Column("source_mtime_ns", BigInteger, nullable=False, comment="File mtime (ns) when last seen."),
    Column(
        "extractor_version",
        String(32),
        nullable=False,
        comment="etl version that decided; another version reads the file again.",
    ),
    Column(
        "run_id",
        ForeignKey("etl_runs.id", ondelete="CASCADE"),
        nullable=False,
        comment="The run that recorded the outcome in skipped_files or load_errors (etl_runs.id).",
    ),
    Column(
        "last_seen_run_id",
        Integer,
        comment="The newest run that found the file with this outcome: the one that recorded it, or a "
        "later one that found the file unchanged and counted the outcome again (etl_runs.id).",
    ),
    comment="The newest outcome of each file that is not loaded as an article: a file skipped or failed "
    "is read again only once its size, mtime or etl's version change (or with --full), and recorded once.",
    sqlite_with_rowid=False,
)
Index(None, file_outcomes.c.run_id)

file_warnings = Table(
    "file_warnings",
    metadata,
    Column("id", Integer, primary_key=True, comment="Surrogate key."),
    Column("run_id", ForeignKey("etl_runs.id", ondelete="CASCADE"), nullable=False, comment="etl_runs.id"),
    Column("source_path", Text, nullable=False, comment="The file, which loaded (see articles.source_path)."),
    Column("stage", String(16), nullable=False, comment="extract or transform."),
    Column("warning", Text, nullable=False, comment="What was wrong and what etl did about it."),
    Column("created_at", UTCDateTime, nullable=False, comment="When (UTC)."),
    comment="Files that loaded with something wrong in them (a broken byte sequence, front matter read "
    "line by line), and what etl did.",
)
Index(None, file_warnings.c.run_id)

article_fingerprints = Table(
    "article_fingerprints",
    metadata,
    _article_fk(),
    Column(
        "text_sha256",
        String(64),
        nullable=False,
        comment="SHA-256 of the body text without whitespace and punctuation (Simplified): equal for copies.",
    ),
    Column(
        "shingles",
        Integer,
        nullable=False,
        comment="5-character shingles the signature is over (repeats included).",
    ),
    Column("signature", LargeBinary, nullable=False, comment="MinHash signature of those shingles (rensa)."),
    Column(
        "scheme",
        String(64),
        nullable=False,
        comment="How the signature was made; only equal schemes compare.",
    ),
    Column(
        "similarity",
        Float,
        comment="Estimated Jaccard similarity of the text to its canonical article's, 0 to 1; NULL for that "
        "article itself.",
    ),
    comment="What identifies an article's text, and how it was matched to its copies and revisions.",
)
Index(None, article_fingerprints.c.text_sha256)

article_bands = Table(
    "article_bands",
    metadata,
    Column("band_key", BigInteger, primary_key=True, comment="One LSH band of the signature, hashed."),
    _article_fk(),
    comment="Locality-sensitive hashing bands of each signature: near-copies share one.",
)
Index(None, article_bands.c.article_id)
