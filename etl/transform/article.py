"""RawDocument -> Article: every field of the public schema derived from one document."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from etl.errors import TransformError
from etl.records import Article, Credit, Domain, ImageRef, LinkRef, PublishedDate, RawDocument
from etl.transform.bylines import read_credits
from etl.transform.classify import skip_reason
from etl.transform.dates import find_cjk_date, parse_date, parse_date_line
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
from etl.transform.reposts import SOURCE_ANCHOR, date_from_file_name, find_date_line
from etl.transform.search_text import search_text
from etl.transform.summary import build_summary
from etl.transform.urls import host_of, registered_domain, resolve_url

MAX_LINKED_SHARE = 0.5


def transform(doc: RawDocument, timezone: str = "UTC") -> Article:
    """Build the Article record tree; raises TransformError when the document cannot be used.

    An article with `skip_reason` set is not an article (a placeholder, an index page): the
    pipeline counts and records it instead of loading it.
    """
    try:
        return _transform(doc, timezone)
    except RecursionError:
        raise TransformError(doc.source_path, "nested too deeply to parse") from None
    except OverflowError as exc:
        raise TransformError(doc.source_path, str(exc)) from None


def _transform(doc: RawDocument, timezone: str) -> Article:
    meta = doc.metadata
    rendered = render_body(doc.body)
    content = extract_html(rendered.html)
    canonical = _canonical_url(meta, content.links)
    # relative links in HTML posts (Hexo RSS) are relative to the original page; in Markdown
    # archives they point inside the archive, so they stay as written
    base = canonical if rendered.body_format == "html" else None
    body = read_credits([p.text for p in content.paragraphs])
    prose = [p for i, p in enumerate(content.paragraphs) if i not in body.credit_lines]
    date_line = find_date_line(content.code_spans)
    stated_title = as_text(meta.get("title"))
    title = plain_inline(stated_title) if stated_title else content.first_heading
    publisher = (date_line.publisher,) if date_line and date_line.publisher else ()
    published = _published(
        doc, prose, title, date_line.published if date_line else None, body.date_text, timezone
    )
    article = Article(
        source_path=doc.source_path,
        content_sha256=doc.content_sha256,
        title=title or None,
        published=published,
        body_format=rendered.body_format,
        body_html=rendered.html,
        body_text=content.text,
        summary=build_summary(p.text for p in prose if p.linked_share < MAX_LINKED_SHARE and p.text != title),
        canonical_url=canonical,
        front_matter=to_json(meta),
        credits=_credits(meta, publisher + body.credits),
        categories=category_paths(first_value(meta, ("categories", "category"))),
        tags=tuple(_tags(meta)),
        images=tuple(_images(meta, content, base)),
        links=tuple(_links(content.links, base)),
        source_root=doc.source_root,
        source_size=doc.size,
        source_mtime_ns=doc.mtime_ns,
    )
    reason = skip_reason(article, tuple(prose))
    if reason is not None:
        return replace(article, skip_reason=reason)
    return replace(article, domains=_domains(article), search=search_text(article.title, article.body_text))


def _credits(meta: dict[str, Any], found: tuple[Credit, ...]) -> tuple[Credit, ...]:
    stated = tuple(Credit(name, "author") for name in as_names(first_value(meta, ("author", "authors"))))
    return tuple(dict.fromkeys(stated + found))


def _published(
    doc: RawDocument,
    prose: list[Paragraph],
    title: str | None,
    date_line: PublishedDate | None,
    credited_date: str | None,
    timezone: str,
) -> PublishedDate | None:
    """Front matter date, else the re-post date line, else a dated line in the body, else the title
    or the file name."""
    stated = first_value(doc.metadata, DATE_KEYS)
    if stated is not None:
        return parse_date(stated, timezone)
    if date_line is not None:
        return date_line
    if credited_date:
        found = parse_date(credited_date, timezone)
        if found:
            return found
    for paragraph in prose:
        found = parse_date_line(paragraph.text, timezone)
        if found:
            return found
    from_title = find_cjk_date(title, timezone) if title else None
    return from_title or date_from_file_name(doc.source_path, timezone)


def _canonical_url(meta: dict[str, Any], links: tuple[LinkRef, ...]) -> str | None:
    stated = as_text(first_value(meta, CANONICAL_KEYS))
    if stated and stated.lower().startswith(("http://", "https://")):
        return resolve_url(stated)
    for link in links:
        if SOURCE_ANCHOR.match(link.anchor_text):
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
            images.append(ImageRef(url=url, role=role, host=host_of(url)))  # type: ignore[arg-type]
    for image in content.images:
        url = resolve_url(image.url, base)
        if url:
            images.append(replace(image, url=url, host=host_of(url)))
    return images


def _links(links: tuple[LinkRef, ...], base: str | None) -> list[LinkRef]:
    resolved = []
    for link in links:
        url = resolve_url(link.url, base)
        if url:
            resolved.append(LinkRef(url=url, anchor_text=link.anchor_text, host=host_of(url)))
    return resolved


def _domains(article: Article) -> tuple[Domain, ...]:
    hosts = dict.fromkeys(ref.host for ref in (*article.images, *article.links) if ref.host)
    return tuple(Domain(host, registered_domain(host)) for host in hosts)
