"""Posts, pages and drafts, as Hexo, Hugo and Jekyll tell them apart: by folder and by front matter."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from etl.extract.discover import HEXO_POSTS
from etl.records import Kind, SourceFile

DRAFTS = "_drafts"  # Hexo's and Jekyll's drafts folder
HUGO_SECTION_PAGE = "_index.md"  # a Hugo section's own page (its list), not a post


def kind_of(meta: dict[str, Any], source: SourceFile) -> Kind:
    """A draft when the front matter says so (`published: false`, `draft: true`) or the file is under
    `_drafts/`; a page when it says `layout: page`, is a Hugo section's `_index.md`, or lies in a Hexo
    site's source folder outside `_posts/`; otherwise a post."""
    path = PurePosixPath(source.source_path)
    if _false(meta.get("published")) or _true(meta.get("draft")) or DRAFTS in path.parts[:-1]:
        return "draft"
    if str(meta.get("layout", "")).strip().lower() == "page" or path.name == HUGO_SECTION_PAGE:
        return "page"
    if source.site is not None and path.parts[len(PurePosixPath(source.site).parts)] != HEXO_POSTS:
        return "page"
    return "post"


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no"))


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes"))
