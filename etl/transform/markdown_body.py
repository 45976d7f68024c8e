"""Markdown bodies through a CommonMark parser (markdown-it-py), rendered to HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from etl.records import BodyFormat

# line breaks are kept (`breaks`): these sources put one credit or date per line
_PARSER = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable(["table", "strikethrough"])
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
    first_heading: str | None


def render_body(body: str) -> RenderedBody:
    """Classify the body and give its HTML: raw HTML as is, Markdown (or a mix) rendered."""
    if not body.strip():
        return RenderedBody("empty", "", None)
    if _HTML_START.match(body):
        return RenderedBody("html", body, None)
    tokens = _PARSER.parse(_WIKI_LINK.sub(r"\1", body))
    has_html = any(_is_html(token) for token in tokens)
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return RenderedBody("mixed" if has_html else "markdown", html, _first_heading(tokens))


def plain_inline(text: str) -> str:
    """Inline Markdown (`_emphasis_`, `[link](url)`, entities) reduced to its plain text."""
    tokens = _PARSER.parseInline(_WIKI_LINK.sub(r"\1", text))
    parts = [
        child.content
        for token in tokens
        for child in token.children or ()
        if child.type in ("text", "code_inline")
    ]
    return " ".join("".join(parts).split())


def _is_html(token: Token) -> bool:
    if token.type == "html_block":
        return True
    return any(child.type == "html_inline" for child in token.children or ())


def _first_heading(tokens: list[Token]) -> str | None:
    """The first `#` or `##` heading: `###` lines are navigation in the GNews archive."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2") and index + 1 < len(tokens):
            text = plain_inline(tokens[index + 1].content)
            if text:
                return text
    return None
