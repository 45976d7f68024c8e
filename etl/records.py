"""Plain records between the stages: extract -> RawDocument -> transform -> Article -> load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

BodyFormat = Literal["html", "markdown", "mixed", "empty"]
DatePrecision = Literal["second", "minute", "day", "month", "year"]
ImageRole = Literal["cover", "thumbnail", "inline"]


@dataclass(frozen=True)
class SourceFile:
    """A file found under an input root; `source_path` is relative to that root, `/`-separated."""

    root: str  # absolute path of the folder given (of the file's folder for a single file)
    path: str
    source_path: str
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class KnownFile:
    """What the database remembers of a loaded file, to tell an unchanged file without parsing it."""

    content_sha256: str
    extractor_version: str
    size: int | None
    mtime_ns: int | None

    def same_stat(self, source: SourceFile, version: str) -> bool:
        return (self.extractor_version, self.size, self.mtime_ns) == (version, source.size, source.mtime_ns)


@dataclass(frozen=True)
class Unchanged:
    """A file whose bytes match the loaded article: only its size and mtime are refreshed."""

    source_path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class RawDocument:
    source_path: str
    content_sha256: str
    metadata: dict[str, Any]
    body: str
    has_front_matter: bool
    source_root: str = ""
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class Credit:
    name: str
    role: str


@dataclass(frozen=True)
class Domain:
    host: str
    registered_domain: str


@dataclass(frozen=True)
class ImageRef:
    url: str
    role: ImageRole
    host: str | None = None
    alt: str | None = None
    title: str | None = None
    caption: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class LinkRef:
    url: str
    anchor_text: str
    host: str | None = None


@dataclass(frozen=True)
class PublishedDate:
    """A UTC instant plus how much of it the source really stated (a bare date is not midnight)."""

    value: datetime
    precision: DatePrecision


@dataclass(frozen=True)
class SearchText:
    """Title and body as the full-text index takes them (see etl.transform.search_text)."""

    title: str
    body: str


@dataclass(frozen=True)
class Article:
    source_path: str
    content_sha256: str
    title: str | None
    published: PublishedDate | None
    body_format: BodyFormat
    body_html: str
    body_text: str
    summary: str | None
    canonical_url: str | None
    front_matter: dict[str, Any]
    credits: tuple[Credit, ...] = ()
    categories: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    images: tuple[ImageRef, ...] = ()
    links: tuple[LinkRef, ...] = ()
    domains: tuple[Domain, ...] = ()  # every host of the images and links
    skip_reason: str | None = None  # set when the file is not an article (placeholder, index page)
    search: SearchText | None = None
    source_root: str = ""
    source_size: int = 0
    source_mtime_ns: int = 0

    @property
    def char_count(self) -> int:
        return len(self.body_text)
