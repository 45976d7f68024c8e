"""Articles written in place: new inserted, changed updated (same id), child rows renewed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from etl.load import matching, outcomes, search_index
from etl.load.lookups import SharedRows, category_path
from etl.load.sql import Row, allocate_ids, in_chunks, insert_rows
from etl.records import Article
from etl.schema.tables import (
    article_authors,
    article_bands,
    article_categories,
    article_fingerprints,
    article_images,
    article_links,
    article_post_links,
    article_tags,
    articles,
    authors,
    categories,
    file_warnings,
    images,
    links,
    tags,
)

CHILD_TABLES = (
    article_authors,
    article_categories,
    article_tags,
    article_images,
    article_links,
    article_post_links,
)
# the columns every write sets, in the order _article_values gives them
ARTICLE_COLUMNS = (
    "source_path",
    "content_sha256",
    "title",
    "published_at",
    "published_precision",
    "body_format",
    "body_html",
    "body_text",
    "summary",
    "canonical_url",
    "char_count",
    "front_matter",
    "extractor_version",
    "source_root",
    "source_size",
    "source_mtime_ns",
    "source_encoding",
    "language",
    "script",
    "source_id",
    "feed",
    "updated_at",
    "kind",
    "source_updated_at",
)
CREDIT_COLUMNS = ("article_id", "author_id", "role", "position", "affiliation")
CATEGORY_COLUMNS = ("article_id", "category_id")
TAG_COLUMNS = ("article_id", "tag_id")
IMAGE_COLUMNS = ("article_id", "role", "position", "image_id", "alt", "title", "caption", "width", "height")
LINK_COLUMNS = ("article_id", "position", "link_id", "anchor_text")
POST_LINK_COLUMNS = ("article_id", "position", "slug")
WARNING_COLUMNS = ("run_id", "source_path", "stage", "warning", "created_at")
FINGERPRINT_COLUMNS = ("article_id", "text_sha256", "shingles", "signature", "scheme")
BAND_COLUMNS = ("band_key", "article_id")
Key = tuple[int, str]  # (source_id, source_path): an article's natural key


def write_articles(
    connection: Connection,
    shared: SharedRows,
    batch: list[Article],
    version: str,
    now: datetime,
    run_id: int,
    source_names: Mapping[int, str],
) -> tuple[int, int]:
    """Insert or update each article of the batch, replacing its child rows and fingerprint,
    record its warnings in this run, forget the skip or failure its file was remembered for, and
    regroup the copies and revisions it touches; (inserted, updated)."""
    matching.serialise(connection)
    shared.resolve(connection, batch)
    existing = _existing_ids(connection, [_key(a) for a in batch])
    new = [a for a in batch if _key(a) not in existing]
    changed = [a for a in batch if _key(a) in existing]
    changed_ids = [existing[_key(a)] for a in changed]
    # before any row changes: SQLite's index is told the text it holds, which is the new text when
    # the file is the same (--full, a new etl), else made again from the rows
    search_index.remove_entries(connection, changed_ids, {existing[_key(a)]: a.search for a in changed})
    ids = dict(existing)
    if new:
        new_ids = allocate_ids(connection, articles, len(new))
        ids.update({_key(a): n for n, a in zip(new_ids, new, strict=True)})
        rows = [
            (n, *_article_values(a, version, now, source_names), now, n)
            for n, a in zip(new_ids, new, strict=True)
        ]
        insert_rows(
            connection, articles, ("id", *ARTICLE_COLUMNS, "created_at", "canonical_article_id"), rows
        )
    for article in changed:
        values = dict(zip(ARTICLE_COLUMNS, _article_values(article, version, now, source_names), strict=True))
        connection.execute(
            update(articles).where(articles.c.id == ids[_key(article)]).values(**values, deleted_at=None)
        )
    for table in (*CHILD_TABLES, article_fingerprints, article_bands):
        for chunk in in_chunks(changed_ids):
            connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
    numbered = [(ids[_key(a)], a) for a in batch]
    _insert_children(connection, shared, numbered)
    search_index.add_entries(connection, [(article_id, a.search) for article_id, a in numbered])
    warnings = [(run_id, a.source.source_path, w.stage, w.message, now) for a in batch for w in a.warnings]
    insert_rows(connection, file_warnings, WARNING_COLUMNS, warnings)
    _insert_fingerprints(connection, numbered)
    outcomes.forget(connection, [_key(a) for a in batch])  # a file once skipped or failed is an article now
    matching.regroup(connection, [ids[_key(a)] for a in new], changed_ids)
    return len(new), len(changed)


def _key(article: Article) -> Key:
    return article.source.source_id, article.source.source_path


def _existing_ids(connection: Connection, keys: list[Key]) -> dict[Key, int]:
    found: dict[Key, int] = {}
    by_source: dict[int, list[str]] = {}
    for source_id, path in keys:
        by_source.setdefault(source_id, []).append(path)
    for source_id, paths in by_source.items():
        for chunk in in_chunks(paths):
            query = select(articles.c.source_path, articles.c.id).where(
                articles.c.source_id == source_id, articles.c.source_path.in_(chunk)
            )
            found.update({(source_id, path): row_id for path, row_id in connection.execute(query)})
    return found


def _insert_fingerprints(connection: Connection, batch: list[tuple[int, Article]]) -> None:
    rows = [
        (n, a.fingerprint.text_sha256, a.fingerprint.shingles, a.fingerprint.signature, a.fingerprint.scheme)
        for n, a in batch
    ]
    insert_rows(connection, article_fingerprints, FINGERPRINT_COLUMNS, rows)
    bands = sorted({(band, n) for n, a in batch for band in a.fingerprint.bands})
    insert_rows(connection, article_bands, BAND_COLUMNS, bands)


def _article_values(
    article: Article, version: str, now: datetime, source_names: Mapping[int, str]
) -> tuple[Any, ...]:
    published = article.published
    source = article.source
    return (
        source.source_path,
        article.content_sha256,
        article.title,
        published.value if published else None,
        published.precision if published else None,
        article.body_format,
        article.body_html,
        article.body_text,
        article.summary,
        article.canonical_url,
        article.char_count,
        article.front_matter,
        version,
        source.root or None,
        source.size,
        source.mtime_ns,
        article.source_encoding,
        article.language,
        article.script,
        source.source_id,
        article.feed or source_names[source.source_id],
        now,
        article.kind,
        article.source_updated_at,
    )


def _insert_children(connection: Connection, shared: SharedRows, batch: list[tuple[int, Article]]) -> None:
    author_ids, category_ids, tag_ids = shared.ids(authors), shared.ids(categories), shared.ids(tags)
    image_ids, link_ids = shared.ids(images), shared.ids(links)
    insert_rows(
        connection,
        article_authors,
        CREDIT_COLUMNS,
        [r for n, a in batch for r in _credit_rows(n, a, author_ids)],
    )
    insert_rows(
        connection,
        article_categories,
        CATEGORY_COLUMNS,
        [r for n, a in batch for r in _category_rows(n, a, category_ids)],
    )
    insert_rows(connection, article_tags, TAG_COLUMNS, [(n, tag_ids[t]) for n, a in batch for t in a.tags])
    insert_rows(
        connection, article_images, IMAGE_COLUMNS, [r for n, a in batch for r in _image_rows(n, a, image_ids)]
    )
    insert_rows(
        connection, article_links, LINK_COLUMNS, [r for n, a in batch for r in _link_rows(n, a, link_ids)]
    )
    slugs = [(n, position, slug) for n, a in batch for position, slug in enumerate(a.post_links, start=1)]
    insert_rows(connection, article_post_links, POST_LINK_COLUMNS, slugs)


def _credit_rows(article_id: int, article: Article, author_ids: Mapping[str, int]) -> list[Row]:
    return [
        (article_id, author_ids[c.name], c.role, n, c.affiliation)
        for n, c in enumerate(article.credits, start=1)
    ]


def _category_rows(article_id: int, article: Article, category_ids: Mapping[str, int]) -> list[Row]:
    return [(article_id, category_ids[category_path(p)]) for p in article.categories]


def _image_rows(article_id: int, article: Article, image_ids: Mapping[str, int]) -> list[Row]:
    rows = []
    per_role: dict[str, int] = {}
    for image in article.images:
        per_role[image.role] = position = per_role.get(image.role, 0) + 1
        rows.append(
            (
                article_id,
                image.role,
                position,
                image_ids[image.url],
                image.alt,
                image.title,
                image.caption,
                image.width,
                image.height,
            )
        )
    return rows


def _link_rows(article_id: int, article: Article, link_ids: Mapping[str, int]) -> list[Row]:
    return [(article_id, n, link_ids[lk.url], lk.anchor_text) for n, lk in enumerate(article.links, start=1)]
