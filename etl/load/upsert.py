"""Articles written in place: new inserted, changed updated (same id), child rows renewed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from etl.load import search_index
from etl.load.lookups import SharedRows, category_path
from etl.load.sql import in_chunks, insert_rows
from etl.records import Article
from etl.schema.tables import (
    article_authors,
    article_categories,
    article_images,
    article_links,
    article_tags,
    articles,
    authors,
    categories,
    file_warnings,
    images,
    links,
    tags,
)

CHILD_TABLES = (article_authors, article_categories, article_tags, article_images, article_links)
Row = dict[str, Any]


def write_articles(
    connection: Connection, shared: SharedRows, batch: list[Article], version: str, now: datetime, run_id: int
) -> tuple[int, int]:
    """Insert or update each article of the batch, replacing its child rows, and record its
    warnings in this run; (inserted, updated)."""
    shared.resolve(connection, batch)
    existing = _existing_ids(connection, [a.source.source_path for a in batch])
    new = [a for a in batch if a.source.source_path not in existing]
    changed = [a for a in batch if a.source.source_path in existing]
    ids = dict(existing)
    if new:
        rows = [{**_article_row(a, version, now), "created_at": now} for a in new]
        returned = connection.execute(insert(articles).returning(articles.c.id, articles.c.source_path), rows)
        ids.update({path: row_id for row_id, path in returned})
    for article in changed:
        connection.execute(
            update(articles)
            .where(articles.c.id == ids[article.source.source_path])
            .values(**_article_row(article, version, now), deleted_at=None)
        )
    changed_ids = [ids[a.source.source_path] for a in changed]
    for table in CHILD_TABLES:
        for chunk in in_chunks(changed_ids):
            connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
    search_index.remove_entries(connection, changed_ids)
    numbered = [(ids[a.source.source_path], a) for a in batch]
    _insert_children(connection, shared, numbered)
    search_index.add_entries(connection, [(article_id, a.search) for article_id, a in numbered])
    warnings = [
        {
            "run_id": run_id,
            "source_path": a.source.source_path,
            "stage": w.stage,
            "warning": w.message,
            "created_at": now,
        }
        for a in batch
        for w in a.warnings
    ]
    if warnings:
        connection.execute(insert(file_warnings), warnings)
    return len(new), len(changed)


def _existing_ids(connection: Connection, paths: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in in_chunks(paths):
        query = select(articles.c.source_path, articles.c.id).where(articles.c.source_path.in_(chunk))
        found.update({path: row_id for path, row_id in connection.execute(query)})
    return found


def _article_row(article: Article, version: str, now: datetime) -> Row:
    published = article.published
    return {
        "source_path": article.source.source_path,
        "content_sha256": article.content_sha256,
        "title": article.title,
        "published_at": published.value if published else None,
        "published_precision": published.precision if published else None,
        "body_format": article.body_format,
        "body_html": article.body_html,
        "body_text": article.body_text,
        "summary": article.summary,
        "canonical_url": article.canonical_url,
        "char_count": article.char_count,
        "front_matter": article.front_matter,
        "extractor_version": version,
        "source_root": article.source.root or None,
        "source_size": article.source.size,
        "source_mtime_ns": article.source.mtime_ns,
        "source_encoding": article.source_encoding,
        "language": article.language,
        "script": article.script,
        "updated_at": now,
    }


def _insert_children(connection: Connection, shared: SharedRows, batch: list[tuple[int, Article]]) -> None:
    author_ids, category_ids, tag_ids = shared.ids(authors), shared.ids(categories), shared.ids(tags)
    image_ids, link_ids = shared.ids(images), shared.ids(links)
    insert_rows(connection, article_authors, [r for n, a in batch for r in _credit_rows(n, a, author_ids)])
    insert_rows(
        connection, article_categories, [r for n, a in batch for r in _category_rows(n, a, category_ids)]
    )
    insert_rows(connection, article_tags, [r for n, a in batch for r in _tag_rows(n, a, tag_ids)])
    insert_rows(connection, article_images, [r for n, a in batch for r in _image_rows(n, a, image_ids)])
    insert_rows(connection, article_links, [r for n, a in batch for r in _link_rows(n, a, link_ids)])


def _credit_rows(article_id: int, article: Article, author_ids: dict[str, int]) -> list[Row]:
    return [
        {"article_id": article_id, "author_id": author_ids[c.name], "role": c.role, "position": n}
        for n, c in enumerate(article.credits, start=1)
    ]


def _category_rows(article_id: int, article: Article, category_ids: dict[str, int]) -> list[Row]:
    return [
        {"article_id": article_id, "category_id": category_ids[category_path(p)]} for p in article.categories
    ]


def _tag_rows(article_id: int, article: Article, tag_ids: dict[str, int]) -> list[Row]:
    return [{"article_id": article_id, "tag_id": tag_ids[t]} for t in article.tags]


def _image_rows(article_id: int, article: Article, image_ids: dict[str, int]) -> list[Row]:
    rows = []
    per_role: dict[str, int] = {}
    for image in article.images:
        per_role[image.role] = per_role.get(image.role, 0) + 1
        rows.append(
            {
                "article_id": article_id,
                "role": image.role,
                "position": per_role[image.role],
                "image_id": image_ids[image.url],
                "alt": image.alt,
                "title": image.title,
                "caption": image.caption,
                "width": image.width,
                "height": image.height,
            }
        )
    return rows


def _link_rows(article_id: int, article: Article, link_ids: dict[str, int]) -> list[Row]:
    return [
        {"article_id": article_id, "position": n, "link_id": link_ids[lk.url], "anchor_text": lk.anchor_text}
        for n, lk in enumerate(article.links, start=1)
    ]
