"""RawDocument -> Article: every field of the public schema derived from one document."""

from __future__ import annotations

import re
from typing import Any

from etl.errors import TransformError
from etl.records import Article, Credit, ImageRef, LinkRef, PublishedDate, RawDocument
from etl.transform.bylines import find_credits
from etl.transform.dates import parse_date, parse_date_line
from etl.transform.front_matter import (
    CANONICAL_KEYS,
    COVER_KEYS,
    DATE_KEYS,
    THUMBNAIL_KEYS,
    as_names,
    as_text,
    category_paths,
    first_value,
    to_json,
)
from etl.transform.html_body import BodyContent, Paragraph, extract_html
from etl.transform.markdown_body import plain_inline, render_body
from etl.transform.summary import build_summary
from etl.transform.urls import resolve_url

# anchor text of the link to the original article in re-posts
_SOURCE_ANCHOR = re.compile(r"^\s*(轉載自|转载自|轉發自|转发自|原文链接|原文|来源|Source)", re.I)
MAX_LINKED_SHARE = 0.5


def transform(doc: RawDocument, timezone: str = "UTC") -> Article:
    """Build the Article record tree; raises TransformError when the document cannot be used."""
    try:
        return _transform(doc, timezone)
    except RecursionError:
        raise TransformError(doc.source_path, "HTML is nested too deeply to parse") from None


def _transform(doc: RawDocument, timezone: str) -> Article:
    meta = doc.metadata
    rendered = render_body(doc.body)
    content = extract_html(rendered.html)
    canonical = _canonical_url(meta, content.links)
    body_credits, prose = _split_credits(content.paragraphs)
    title = as_text(meta.get("title"))
    return Article(
        source_path=doc.source_path,
        content_sha256=doc.content_sha256,
        title=plain_inline(title) if title else rendered.first_heading,
        published=_published(meta, prose, timezone),
        body_format=rendered.body_format,
        body_html=rendered.html,
        body_text=content.text,
        summary=build_summary(p.text for p in prose if p.linked_share < MAX_LINKED_SHARE),
        canonical_url=canonical,
        front_matter=to_json(meta),
        credits=_credits(meta, body_credits),
        categories=category_paths(first_value(meta, ("categories", "category"))),
        tags=tuple(_tags(meta)),
        images=tuple(_images(meta, content, canonical)),
        links=tuple(_links(content.links, canonical)),
    )


def _split_credits(paragraphs: tuple[Paragraph, ...]) -> tuple[list[Credit], list[Paragraph]]:
    credits: list[Credit] = []
    prose: list[Paragraph] = []
    for paragraph in paragraphs:
        found = find_credits(paragraph.text)
        if found:
            credits.extend(found)
        else:
            prose.append(paragraph)
    return credits, prose


def _credits(meta: dict[str, Any], body_credits: list[Credit]) -> tuple[Credit, ...]:
    stated = [Credit(name, "author") for name in as_names(first_value(meta, ("author", "authors")))]
    unique: list[Credit] = []
    for credit in stated + body_credits:
        if credit not in unique:
            unique.append(credit)
    return tuple(unique)


def _published(meta: dict[str, Any], prose: list[Paragraph], timezone: str) -> PublishedDate | None:
    stated = first_value(meta, DATE_KEYS)
    if stated is not None:
        return parse_date(stated, timezone)
    for paragraph in prose:
        found = parse_date_line(paragraph.text, timezone)
        if found:
            return found
    return None


def _canonical_url(meta: dict[str, Any], links: tuple[LinkRef, ...]) -> str | None:
    stated = as_text(first_value(meta, CANONICAL_KEYS))
    if stated and stated.lower().startswith(("http://", "https://")):
        return resolve_url(stated)
    for link in links:
        if _SOURCE_ANCHOR.match(link.anchor_text):
            url = resolve_url(link.url)
            if url and url.startswith(("http://", "https://")):
                return url
    return None


def _tags(meta: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    for key in ("tags", "keywords"):
        tags.extend(name for name in as_names(meta.get(key)) if name not in tags)
    return tags


def _images(meta: dict[str, Any], content: BodyContent, base: str | None) -> list[ImageRef]:
    images = []
    for keys, role in ((COVER_KEYS, "cover"), (THUMBNAIL_KEYS, "thumbnail")):
        url = resolve_url(as_text(first_value(meta, keys)), base)
        if url:
            images.append(ImageRef(url=url, role=role))  # type: ignore[arg-type]
    for image in content.images:
        url = resolve_url(image.url, base)
        if url:
            images.append(ImageRef(**{**image.__dict__, "url": url}))
    return images


def _links(links: tuple[LinkRef, ...], base: str | None) -> list[LinkRef]:
    resolved = []
    for link in links:
        url = resolve_url(link.url, base)
        if url:
            resolved.append(LinkRef(url=url, anchor_text=link.anchor_text))
    return resolved
