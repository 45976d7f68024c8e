"""Articles written in place: new inserted, changed updated (same id), child rows renewed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from etl.load import search
from etl.load.lookups import SharedRows, category_path
from etl.load.sql import chunked, insert_rows
from etl.models import (
    article_authors,
    article_categories,
    article_images,
    article_links,
    article_tags,
    articles,
    authors,
    categories,
    images,
    links,
    tags,
)
from etl.records import Article

CHILD_TABLES = (article_authors, article_categories, article_tags, article_images, article_links)


def write_articles(
    connection: Connection, shared: SharedRows, batch: list[Article], version: str, now: datetime
) -> tuple[int, int]:
    """Insert or update each article of the batch, replacing its child rows; (inserted, updated)."""
    shared.resolve(connection, batch)
    existing = _existing_ids(connection, [a.source_path for a in batch])
    new = [a for a in batch if a.source_path not in existing]
    changed = [a for a in batch if a.source_path in existing]
    ids = dict(existing)
    if new:
        rows = [{**_article_row(a, version, now), "created_at": now} for a in new]
        returned = connection.execute(insert(articles).returning(articles.c.id, articles.c.source_path), rows)
        ids.update({path: row_id for row_id, path in returned})
    for article in changed:
        connection.execute(
            update(articles)
            .where(articles.c.id == ids[article.source_path])
            .values(**_article_row(article, version, now), deleted_at=None)
        )
    changed_ids = [ids[a.source_path] for a in changed]
    for table in CHILD_TABLES:
        for chunk in chunked(changed_ids):
            connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
    search.remove_entries(connection, changed_ids)
    _insert_children(connection, shared, [(ids[a.source_path], a) for a in batch])
    search.add_entries(connection, [(ids[a.source_path], a.search) for a in batch if a.search])
    return len(new), len(changed)


def _existing_ids(connection: Connection, paths: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunked(paths):
        query = select(articles.c.source_path, articles.c.id).where(articles.c.source_path.in_(chunk))
        found.update({path: row_id for path, row_id in connection.execute(query)})
    return found


def _article_row(article: Article, version: str, now: datetime) -> dict[str, Any]:
    published = article.published
    return {
        "source_path": article.source_path,
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
        "source_root": article.source_root or None,
        "source_size": article.source_size,
        "source_mtime_ns": article.source_mtime_ns,
        "updated_at": now,
    }


def _insert_children(connection: Connection, shared: SharedRows, batch: list[tuple[int, Article]]) -> None:
    author_ids, tag_ids = shared.ids(authors), shared.ids(tags)
    category_ids, image_ids, link_ids = (
        shared.ids(categories),
        shared.ids(images),
        shared.ids(links),
    )
    credits, cats, tag_rows, image_rows, link_rows = [], [], [], [], []
    for article_id, article in batch:
        credits += [
            {
                "article_id": article_id,
                "author_id": author_ids[c.name],
                "role": c.role,
                "position": n,
            }
            for n, c in enumerate(article.credits, start=1)
        ]
        cats += [
            {"article_id": article_id, "category_id": category_ids[category_path(p)]}
            for p in article.categories
        ]
        tag_rows += [{"article_id": article_id, "tag_id": tag_ids[t]} for t in article.tags]
        per_role: dict[str, int] = {}
        for image in article.images:
            per_role[image.role] = per_role.get(image.role, 0) + 1
            image_rows.append(
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
        link_rows += [
            {
                "article_id": article_id,
                "position": n,
                "link_id": link_ids[lk.url],
                "anchor_text": lk.anchor_text,
            }
            for n, lk in enumerate(article.links, start=1)
        ]
    insert_rows(connection, article_authors, credits)
    insert_rows(connection, article_categories, cats)
    insert_rows(connection, article_tags, tag_rows)
    insert_rows(connection, article_images, image_rows)
    insert_rows(connection, article_links, link_rows)
