"""`{% post_link slug %}`: which loaded article a Hexo post links to.

Hexo finds the post by its file name under `_posts/` (the slug may hold folders), its `slug` or its
permalink. The target can be loaded after the post that links to it, in the same run or a later
one, so the links of the run's sources are resolved once the files are loaded, and again by every
run. Sources without post links cost one indexed lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import Connection, select, update

from etl.schema.tables import article_post_links, articles


def resolve(connection: Connection, source_ids: Sequence[int]) -> list[tuple[str, str]]:
    """Point every post link of these sources at its article; (source path, slug) of those that
    point to no loaded article."""
    links = connection.execute(
        select(
            article_post_links.c.article_id,
            article_post_links.c.position,
            article_post_links.c.slug,
            article_post_links.c.target_article_id,
            articles.c.source_id,
            articles.c.source_path,
        )
        .join(articles, articles.c.id == article_post_links.c.article_id)
        .where(articles.c.source_id.in_(list(source_ids)), articles.c.deleted_at.is_(None))
        .order_by(articles.c.source_path, article_post_links.c.position)
    ).all()
    if not links:
        return []
    targets = _targets(connection, sorted({link.source_id for link in links}))
    unresolved = []
    for link in links:
        target = targets.get((link.source_id, _key(link.slug)))
        if target is None:
            unresolved.append((link.source_path, link.slug))
        if target != link.target_article_id:
            connection.execute(
                update(article_post_links)
                .where(
                    article_post_links.c.article_id == link.article_id,
                    article_post_links.c.position == link.position,
                )
                .values(target_article_id=target)
            )
    return unresolved


def _targets(connection: Connection, source_ids: list[int]) -> dict[tuple[int, str], int]:
    """Every name a live article of these sources can be linked by: its path under `_posts/` and its
    file name (without the extension), its slug and its permalink. The first article by path wins."""
    found: dict[tuple[int, str], int] = {}
    rows = connection.execute(
        select(articles.c.id, articles.c.source_id, articles.c.source_path, articles.c.front_matter)
        .where(articles.c.source_id.in_(source_ids), articles.c.deleted_at.is_(None))
        .order_by(articles.c.source_id, articles.c.source_path)
    )
    for row_id, source_id, source_path, front_matter in rows:
        for name in _names(source_path, front_matter or {}):
            found.setdefault((source_id, name), row_id)
    return found


def _names(source_path: str, front_matter: dict[str, Any]) -> list[str]:
    path = PurePosixPath(source_path).with_suffix("")
    names = [path.name]
    if "_posts" in path.parts:
        names.append("/".join(path.parts[path.parts.index("_posts") + 1 :]))
    for key in ("slug", "permalink"):
        value = front_matter.get(key)
        if isinstance(value, str) and value.strip():
            names.append(value)
    return [_key(name) for name in names]


def _key(name: str) -> str:
    """A name as Hexo's links compare it: without slashes at either end or an `.html` suffix."""
    return name.strip().strip("/").removesuffix(".html").removesuffix("/index").lower()
