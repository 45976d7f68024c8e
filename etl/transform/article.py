"""RawDocument -> Article (or Skipped): every field of the public schema derived from one document."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from etl.errors import TransformError
from etl.extract.forms import HUGO_FORMS
from etl.records import (
    Article,
    Credit,
    Domain,
    FileWarning,
    ImageRef,
    LinkRef,
    PublishedDate,
    RawDocument,
    Skipped,
)
from etl.transform.bylines import MAX_NAME, read_credits
from etl.transform.classify import skip_reason
from etl.transform.dates import find_cjk_date, narrows, parse_date, parse_date_line
from etl.transform.feeds import feed_of
from etl.transform.fields import (
    AUTHOR_KEYS,
    CANONICAL_KEYS,
    CATEGORY_KEYS,
    COVER_KEYS,
    DATE_KEYS,
    EXCERPT_KEYS,
    GALLERY_KEYS,
    TAG_KEYS,
    THUMBNAIL_KEYS,
    TITLE_KEYS,
    UPDATED_KEYS,
    as_names,
    as_text,
    category_paths,
    first_value,
    front_matter_json,
)
from etl.transform.fingerprint import fingerprint
from etl.transform.furniture import furniture, reposted_by
from etl.transform.html_body import BodyContent, Paragraph, extract_html
from etl.transform.index_text import search_text
from etl.transform.kinds import kind_of
from etl.transform.language import identify
from etl.transform.markdown_body import plain_inline, render_body
from etl.transform.people import person_key
from etl.transform.reposts import SOURCE_ANCHOR, date_from_file_name, find_date_line
from etl.transform.summary import build_summary, excerpt_summary
from etl.transform.tag_plugins import asset_folder_of, expand_tag_plugins
from etl.transform.urls import host_of, registered_domain, resolve_url

MAX_LINKED_SHARE = 0.5
# Hexo's excerpt mark: what the body says before it is the post's excerpt
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


def transform(doc: RawDocument, timezone: str = "UTC") -> Article | Skipped:
    """The Article a document holds, or Skipped with the reason when it is not an article (a
    placeholder, an index page); raises TransformError when the document cannot be used."""
    try:
        return _transform(doc, timezone)
    except RecursionError:
        raise TransformError(doc.source.source_path, "nested too deeply to parse") from None
    except OverflowError as exc:
        raise TransformError(doc.source.source_path, str(exc)) from None


def _transform(doc: RawDocument, timezone: str) -> Article | Skipped:
    meta = doc.metadata
    expanded = expand_tag_plugins(doc.body, asset_folder_of(doc.source.source_path))
    rendered = render_body(expanded.body)
    content = extract_html(rendered.html)
    canonical = _canonical_url(meta, content.links)
    # relative links in HTML posts (Hexo RSS) are relative to the original page; in Markdown
    # archives they point inside the archive, so they stay as written
    base = canonical if rendered.body_format == "html" else None
    stated_title = as_text(first_value(meta, TITLE_KEYS))
    title = (plain_inline(stated_title) if stated_title else content.first_heading) or None
    date_line = find_date_line(content.code_spans)
    paragraphs = content.paragraphs
    furnished = furniture(paragraphs, title, date_line.text if date_line else None)
    text = "\n".join(p.text for i, p in enumerate(paragraphs) if i not in furnished)
    body = read_credits([p.text for p in paragraphs])
    prose = [p for i, p in enumerate(paragraphs) if i not in body.credit_lines and i not in furnished]
    published = _published(
        doc, prose, title, date_line.published if date_line else None, body.date_text, timezone
    )
    images = _images(meta, content, base)
    links = _links(content.links, base)
    stated = stated_title is not None or first_value(meta, DATE_KEYS) is not None
    reason = skip_reason(title, tuple(prose), len(links), len(images), published is not None, stated)
    if reason is not None:
        return Skipped(doc.source, reason)
    # the language of what the article says: not its navigation, link lists, credits or date lines
    reading = [p.text for p in prose if p.linked_share < MAX_LINKED_SHARE]
    language, script = identify(title, "\n".join(reading))
    site = date_line.publisher if date_line else _reposter(paragraphs)
    publisher = (site,) if site else ()
    front_matter, json_warnings = front_matter_json(meta)
    categories = category_paths(first_value(meta, CATEGORY_KEYS), doc.front_matter_form in HUGO_FORMS)
    search = search_text(title, text)
    return Article(
        source=doc.source,
        content_sha256=doc.content_sha256,
        title=title,
        published=published,
        body_format=rendered.body_format,
        body_html=rendered.html,
        body_text=text,
        summary=_summary(meta, expanded.body, reading, title),
        canonical_url=canonical,
        front_matter=front_matter,
        credits=_credits(meta, publisher + body.credits),
        categories=categories,
        tags=_tags(meta),
        images=images,
        links=links,
        domains=_domains(images, links),
        search=search,
        source_encoding=doc.encoding,
        language=language,
        script=script,
        feed=feed_of(categories, doc.source.source_path),
        fingerprint=fingerprint(search.body),
        warnings=doc.warnings
        + tuple(FileWarning("transform", w) for w in (*expanded.warnings, *json_warnings)),
        kind=kind_of(meta, doc.source),
        source_updated_at=_updated(meta, timezone),
        post_links=expanded.post_links,
    )


def _summary(meta: dict[str, Any], body: str, reading: list[str], title: str | None) -> str | None:
    """The front matter's excerpt or description, else what the body says before `<!-- more -->`,
    else the lead paragraphs."""
    stated = as_text(first_value(meta, EXCERPT_KEYS))
    if stated:
        return excerpt_summary([plain_inline(stated)])
    more = _MORE.search(body)
    if more:
        head = extract_html(render_body(body[: more.start()]).html).paragraphs
        return excerpt_summary(p.text for p in head if p.linked_share < MAX_LINKED_SHARE)
    return build_summary(text for text in reading if text != title)


def _updated(meta: dict[str, Any], timezone: str) -> datetime | None:
    stated = first_value(meta, UPDATED_KEYS)
    updated = parse_date(stated, timezone) if stated is not None else None
    return updated.value if updated else None


def _reposter(paragraphs: tuple[Paragraph, ...]) -> Credit | None:
    name = reposted_by(paragraphs)
    return Credit(name, "publisher") if name and len(name) <= MAX_NAME else None


def _credits(meta: dict[str, Any], found: tuple[Credit, ...]) -> tuple[Credit, ...]:
    """The front matter's authors, then what the body credits; each name and role once (the first
    mention's affiliation), with the person it names."""
    stated = tuple(Credit(name, "author") for name in as_names(first_value(meta, AUTHOR_KEYS)))
    first: dict[tuple[str, str], Credit] = {}
    for credit in stated + found:
        first.setdefault((credit.name, credit.role), replace(credit, person=person_key(credit.name)))
    return tuple(first.values())


def _published(
    doc: RawDocument,
    prose: list[Paragraph],
    title: str | None,
    date_line: PublishedDate | None,
    credited_date: str | None,
    timezone: str,
) -> PublishedDate | None:
    """Front matter date, else the re-post date line, else `发布时间：` in the credits, else the
    title's and the file name's date, else a line of the body that is only a date.

    A transcript quotes dates (`1989年6月4日` on a line of its own): what its title and file name
    say outranks them. The title's date wins over the file name's unless it is vaguer and the file
    name's falls inside it (a title saying only the month, a file name giving the day).
    """
    stated = first_value(doc.metadata, DATE_KEYS)
    if stated is not None:
        return parse_date(stated, timezone)
    if date_line is not None:
        return date_line
    if credited_date:
        found = parse_date(credited_date, timezone)
        if found:
            return found
    from_title = find_cjk_date(title, timezone) if title else None
    from_name = date_from_file_name(doc.source.source_path, timezone)
    if from_title and from_name:
        return from_name if narrows(from_name, from_title) else from_title
    if from_title or from_name:
        return from_title or from_name
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
        if SOURCE_ANCHOR.match(link.anchor_text):
            url = resolve_url(link.url)
            if url and url.startswith(("http://", "https://")):
                return url
    return None


def _tags(meta: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for key in TAG_KEYS for name in as_names(meta.get(key))))


def _images(meta: dict[str, Any], content: BodyContent, base: str | None) -> tuple[ImageRef, ...]:
    images = []
    for keys, role in ((COVER_KEYS, "cover"), (THUMBNAIL_KEYS, "thumbnail")):
        url = resolve_url(as_text(first_value(meta, keys)), base)
        if url:
            images.append(ImageRef(url=url, role=role, host=host_of(url)))  # type: ignore[arg-type]
    photos = first_value(meta, GALLERY_KEYS)
    for photo in photos if isinstance(photos, list) else [photos] if photos else []:
        url = resolve_url(as_text(photo), base)
        if url:
            images.append(ImageRef(url=url, role="gallery", host=host_of(url)))
    for image in content.images:
        url = resolve_url(image.url, base)
        if url:
            images.append(replace(image, url=url, host=host_of(url)))
    return tuple(images)


def _links(links: tuple[LinkRef, ...], base: str | None) -> tuple[LinkRef, ...]:
    resolved = []
    for link in links:
        url = resolve_url(link.url, base)
        if url:
            resolved.append(LinkRef(url=url, anchor_text=link.anchor_text, host=host_of(url)))
    return tuple(resolved)


def _domains(images: tuple[ImageRef, ...], links: tuple[LinkRef, ...]) -> tuple[Domain, ...]:
    hosts = dict.fromkeys(ref.host for ref in (*images, *links) if ref.host)
    return tuple(Domain(host, registered_domain(host)) for host in hosts)
