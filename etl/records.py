"""Plain records between the stages: discover -> SourceFile -> extract -> RawDocument -> transform
-> Article -> load, and the outcomes a file can end in (Article, Skipped, Unchanged, Failed).

Every outcome carries the SourceFile it came from, so the run can count it, note it as seen and
report it without asking what kind of record it is for anything but the outcome itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from etl.errors import FileError

if TYPE_CHECKING:
    from etl.transform.fingerprint import Fingerprint

BodyFormat = Literal["html", "markdown", "mixed", "empty"]
DatePrecision = Literal["second", "minute", "hour", "day", "month", "year"]
ImageRole = Literal["cover", "thumbnail", "gallery", "inline"]
Kind = Literal["post", "page", "draft"]
# how a run came to a skip or a failure: from the file's bytes (or the database's refusal), from
# the walk without reading the file, or from memory (file_outcomes: already recorded, nothing to write)
Origin = Literal["read", "walk", "memory"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file found under an input root, with the stat that tells an unchanged file without reading it."""

    root: str  # absolute path of the folder given (of the file's folder for a single file)
    path: str  # where to open it
    source_path: str  # relative to root, `/`-separated: the article's natural key
    size: int
    mtime_ns: int
    device: int = 0  # with inode, the file the walk vetted: the reader opens that file or none
    inode: int = 0
    source_id: int = 0  # the loader's number for the source `root` is the root of
    # the Hexo site folder the file is in (a folder holding `_posts/`), as a source_path prefix ending
    # in '/' ('' at the root); None outside one. Its files outside _posts/ and _drafts/ are pages
    site: str | None = None


@dataclass(frozen=True)
class KnownFile:
    """What the database remembers of a loaded file, to tell an unchanged file without parsing it."""

    content_sha256: str
    extractor_version: str
    size: int | None
    mtime_ns: int | None


@dataclass(frozen=True)
class KnownOutcome:
    """What the database remembers of a file that was skipped or failed (file_outcomes), so that
    an unchanged one is neither read nor recorded again."""

    outcome: Literal["skipped", "failed"]
    stage: str
    reason: str
    was_read: bool  # decided from the file's bytes; False: by the walk, without reading it
    size: int
    mtime_ns: int
    extractor_version: str


@dataclass(frozen=True)
class KnownFiles:
    """What the database remembers of a window of files, by (source_id, source_path)."""

    articles: dict[tuple[int, str], KnownFile]
    outcomes: dict[tuple[int, str], KnownOutcome]


@dataclass(frozen=True)
class FileWarning:
    """Something about a file that loaded anyway (a broken byte sequence, front matter read line by line)."""

    stage: str
    message: str


@dataclass(frozen=True)
class RawDocument:
    """A file made text and split into front matter and body; nothing in it interpreted yet."""

    source: SourceFile
    content_sha256: str
    metadata: dict[str, Any]
    body: str
    encoding: str  # the codec that read the bytes: utf-8, utf-16, gb18030, big5hkscs, cp932, …
    warnings: tuple[FileWarning, ...] = ()
    front_matter_form: str = ""  # yaml, hexo-json, toml or json (etl.extract.forms); '' without any


@dataclass(frozen=True)
class Credit:
    name: str
    role: str
    affiliation: str | None = None  # the farm or team the name was credited with
    person: str = ""  # who the name is (etl.transform.people.person_key); one key per person


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
    """Title and body as the full-text index takes them (see etl.transform.index_text)."""

    title: str
    body: str


@dataclass(frozen=True)
class Article:
    """Everything the public schema holds about one article file, derived and ready to load."""

    source: SourceFile
    content_sha256: str
    title: str | None
    published: PublishedDate | None
    body_format: BodyFormat
    body_html: str
    body_text: str
    summary: str | None
    canonical_url: str | None
    front_matter: dict[str, Any]
    credits: tuple[Credit, ...]
    categories: tuple[tuple[str, ...], ...]
    tags: tuple[str, ...]
    images: tuple[ImageRef, ...]
    links: tuple[LinkRef, ...]
    domains: tuple[Domain, ...]  # every host of the images and links
    search: SearchText
    source_encoding: str
    language: str | None  # ISO 639-1, e.g. zh, en, ja
    script: str | None  # zh-Hans or zh-Hant for Chinese, else None
    feed: str | None  # the category path or folder it came from; None: the loader uses the source's name
    fingerprint: Fingerprint
    warnings: tuple[FileWarning, ...] = ()
    kind: Kind = "post"
    source_updated_at: datetime | None = None  # the front matter's `updated` / `lastmod`, in UTC
    post_links: tuple[str, ...] = ()  # slugs of `{% post_link %}`: the loader finds their articles

    @property
    def char_count(self) -> int:
        return len(self.body_text)


@dataclass(frozen=True)
class Skipped:
    """A file that is not an article (a placeholder stub, an index page), and why."""

    source: SourceFile
    reason: str
    origin: Origin = "read"


@dataclass(frozen=True)
class Unchanged:
    """A file whose content is what was loaded; `stat_changed` when only its size or mtime moved."""

    source: SourceFile
    stat_changed: bool


@dataclass(frozen=True)
class Failed:
    """A file that could not be extracted, transformed or loaded; the run records it and goes on."""

    source: SourceFile
    error: FileError
    whole_folder: bool = False  # a folder that could not be listed: nothing under it is retired
    origin: Origin = "read"


Outcome = Article | Skipped | Unchanged | Failed
