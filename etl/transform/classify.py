"""Files that are not articles: placeholder stubs and index pages. They are skipped, with the reason."""

from __future__ import annotations

from etl.transform.html_body import Paragraph

INDEX_MIN_LINKS = 10
# an index is mostly paragraphs that are nothing but a link (`#### [title](page.md)`)
INDEX_LINK_PARAGRAPH_SHARE = 0.4
LINK_ONLY = 0.95


def skip_reason(title: str | None, paragraphs: tuple[Paragraph, ...], links: int, images: int) -> str | None:
    """Why a document with this title, prose, link and image count is not an article; None if it is."""
    prose = [p for p in paragraphs if p.linked_share < LINK_ONLY]
    link_only = len(paragraphs) - len(prose)
    if links >= INDEX_MIN_LINKS and link_only >= INDEX_LINK_PARAGRAPH_SHARE * len(paragraphs):
        return f"index page: {link_only} of its {len(paragraphs)} paragraphs are links"
    if not title and not prose and not images:
        return "placeholder: no title, and no text outside links"
    return None
