"""Files that are not articles: placeholder stubs and index pages. They are skipped, with the reason."""

from __future__ import annotations

from etl.records import Article
from etl.transform.html_body import Paragraph

INDEX_MIN_LINKS = 10
# an index is mostly paragraphs that are nothing but a link (`#### [title](page.md)`)
INDEX_LINK_PARAGRAPH_SHARE = 0.4
LINK_ONLY = 0.95


def skip_reason(article: Article, paragraphs: tuple[Paragraph, ...]) -> str | None:
    """Why this document should not become an article, or None when it should."""
    prose = [p for p in paragraphs if p.linked_share < LINK_ONLY]
    link_only = len(paragraphs) - len(prose)
    if len(article.links) >= INDEX_MIN_LINKS and link_only >= INDEX_LINK_PARAGRAPH_SHARE * len(paragraphs):
        return f"index page: {link_only} of its {len(paragraphs)} paragraphs are links"
    if not article.title and not prose and not article.images:
        return "placeholder: no title, and no text outside links"
    return None
