"""Files that are not articles: placeholder stubs, index pages, link lists and profile stubs. They
are skipped, with the reason. A file whose front matter gives a title or a date is an article,
whatever it looks like (a product post of Hexo RSS may be half links)."""

from __future__ import annotations

import re

from etl.transform.html_body import Paragraph

INDEX_MIN_LINKS = 10
# an index is mostly paragraphs that are nothing but a link (`#### [title](page.md)`)
INDEX_LINK_PARAGRAPH_SHARE = 0.4
# … unless it has a title and this much text outside its links: an article with a footer of links
# (`更多资讯，请关注：` and a farm's five channels) is still an article
INDEX_MAX_TITLED_PROSE = 300
LINK_ONLY = 0.95
# a page with no title and no date is a link list when this share of its paragraphs (at least
# LIST_MIN_PARAGRAPHS) are links or web addresses (`#K001. https://gnews.org/443211/ 英文亨特借款合同`;
# a feed's index: a link to each post, then its excerpt of a paragraph or two)
LIST_SHARE = 1 / 3
LIST_MIN_PARAGRAPHS = 5
# … and a profile stub (`與我聯係` and an address) when it points somewhere (a link or an address),
# has no image, and its text, addresses left out, is shorter than this; a short note without
# links, or a picture with a line of caption, is a post
MIN_UNTITLED_TEXT = 80
_ADDRESS = re.compile(r"https?://\S+")


def skip_reason(
    title: str | None,
    paragraphs: tuple[Paragraph, ...],
    links: int,
    images: int,
    dated: bool = False,
    stated: bool = False,
) -> str | None:
    """Why a document with this title, prose, link and image count is not an article; None if it
    is. `dated`: it has a publication date; `stated`: its front matter gives a title or a date."""
    if stated:
        return None
    prose = [p for p in paragraphs if p.linked_share < LINK_ONLY]
    link_only = len(paragraphs) - len(prose)
    if links >= INDEX_MIN_LINKS and link_only >= INDEX_LINK_PARAGRAPH_SHARE * len(paragraphs):
        unlinked = sum(len(p.text) * (1 - p.linked_share) for p in prose)
        if not title or unlinked < INDEX_MAX_TITLED_PROSE:
            return f"index page: {link_only} of its {len(paragraphs)} paragraphs are links"
    if not title and not prose and not images:
        return "placeholder: no title, and no text outside links"
    if title or dated:
        return None
    listed = sum(1 for p in paragraphs if p.linked_share >= LINK_ONLY or _ADDRESS.search(p.text))
    if len(paragraphs) >= LIST_MIN_PARAGRAPHS and listed >= LIST_SHARE * len(paragraphs):
        return f"link list: {listed} of its {len(paragraphs)} paragraphs are links or addresses, and no title"
    text = sum(len(_ADDRESS.sub("", p.text).strip()) for p in prose)
    points = links > 0 or any(_ADDRESS.search(p.text) for p in paragraphs)
    if text < MIN_UNTITLED_TEXT and points and not images:
        return f"stub: no title, no date and {text} characters of text"
    return None
