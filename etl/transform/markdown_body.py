"""Markdown bodies rendered to HTML by cmark (CommonMark, C), so one HTML extractor serves all bodies.

Titles go through markdown-it-py's inline parser instead: a title is inline text, and a block parser
would read `2024. 回顾` as a numbered list and drop the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cmarkgfm
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

from etl.records import BodyFormat

# line breaks are kept: these sources put one credit or date per line
_SAFE = Options.CMARK_OPT_HARDBREAKS
_WITH_HTML = Options.CMARK_OPT_HARDBREAKS | Options.CMARK_OPT_UNSAFE
_RAW_HTML_OMITTED = "<!-- raw HTML omitted -->"
_INLINE = MarkdownIt("commonmark")
# `[[zh:美国]]`: wiki links left behind by a converter; only the word is text
_WIKI_LINK = re.compile(r"\[\[(?:[a-z]{2,3}(?:-[a-z]+)?:)?([^\[\]|]{1,80})(?:\|[^\[\]]{0,80})?\]\]")
_HTML_START = re.compile(
    r"\s*<(?:!doctype|html|body|div|p|article|section|img|figure|table|h[1-6]|ul|ol|blockquote"
    r"|span|center|br|a)[\s>/]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RenderedBody:
    body_format: BodyFormat
    html: str


def render_body(body: str) -> RenderedBody:
    """Classify the body and give its HTML: raw HTML as is, Markdown (or a mix) rendered."""
    if not body.strip():
        return RenderedBody("empty", "")
    if _HTML_START.match(body):
        return RenderedBody("html", body)
    source = _WIKI_LINK.sub(r"\1", body)
    html = cmarkgfm.markdown_to_html(source, options=_SAFE)
    if _RAW_HTML_OMITTED not in html:
        return RenderedBody("markdown", html)
    return RenderedBody("mixed", cmarkgfm.markdown_to_html(source, options=_WITH_HTML))


def plain_inline(text: str) -> str:
    """Inline Markdown (`_emphasis_`, `[link](url)`, entities) reduced to its plain text."""
    tokens = _INLINE.parseInline(_WIKI_LINK.sub(r"\1", text))
    parts = [
        child.content
        for token in tokens
        for child in token.children or ()
        if child.type in ("text", "code_inline")
    ]
    return " ".join("".join(parts).split())
