"""Page furniture: the lines of a re-posted page that are not its text.

GNews and GETTR pages open with a way back (`:house:返回`, or the whole site's menu), repeat the
title, give the date line (`4/2/2024 12:25 PM UTC 喜马拉雅农场新西兰站 轉載自GNews`) and the link
to where they were re-posted from (`轉發自GETTR`), and a GETTR re-post says so
(`:arrows_clockwise: p2da20s2581 已轉發`). Those lines stay in body_html; body_text, the search
index, the summary and the language read only the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.transform.html_body import Paragraph
from etl.transform.reposts import SOURCE_ANCHOR

# `:house:`, `:newspaper:`: the emoji shortcodes of a menu
_SHORTCODE = re.compile(r"^:[a-z0-9_+-]+:")
_REPOSTED = re.compile(r"^:arrows_clockwise:\s*\S*\s*已[轉转][發发]$")
MENU_LINKED_SHARE = 0.5
LINK_ONLY = 0.95
# `東京櫻花団-Tokyo Sakura Group 轉載自GNews`, `轉載自戰友之聲`: who re-posted it, and from where
_SOURCE_LINE = re.compile(r"^(?:(?P<who>\S.{0,59}?)\s+)?(?:轉載自|转载自|轉發自|转发自)\s*\S{1,30}$")


def furniture(paragraphs: Sequence[Paragraph], title: str | None, date_line: str | None) -> frozenset[int]:
    """The indexes of the paragraphs that are furniture; the title only where it opens the page."""
    found: set[int] = set()
    title_seen = False
    for index, paragraph in enumerate(paragraphs):
        if _is_furniture(paragraph, date_line) or (paragraph.text == title and not title_seen):
            found.add(index)
            title_seen = title_seen or paragraph.text == title
    return frozenset(found)


def _is_furniture(paragraph: Paragraph, date_line: str | None) -> bool:
    text = paragraph.text
    if _SHORTCODE.match(text):  # a menu, the way back, a re-post's mark
        return paragraph.linked_share >= MENU_LINKED_SHARE or _REPOSTED.match(text) is not None
    if date_line and (text == date_line or _source_after(text, date_line)):
        return True
    if paragraph.linked_share > 0 and _SOURCE_LINE.match(text):
        return True
    return paragraph.linked_share >= LINK_ONLY and SOURCE_ANCHOR.match(text) is not None


def reposted_by(paragraphs: Sequence[Paragraph]) -> str | None:
    """The site or team named before a source link with no date (`雅典娜GNotes 轉載自GNews`)."""
    for paragraph in paragraphs:
        found = _SOURCE_LINE.match(paragraph.text)
        if found and paragraph.linked_share > 0:
            return found["who"] or None
    return None


def _source_after(text: str, date_line: str) -> bool:
    """`<date line> 轉載自GNews`: the date line with the source link after it."""
    return text.startswith(date_line) and SOURCE_ANCHOR.match(text[len(date_line) :].strip()) is not None
