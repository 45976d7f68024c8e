"""Images, links, paragraphs and plain text out of an HTML body (raw, or rendered from Markdown)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bs4 import BeautifulSoup, Tag
from bs4.element import PreformattedString

from etl.records import ImageRef, LinkRef

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "thead", "tfoot", "tr", "td", "th", "ul",
    }
)  # fmt: skip
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "head", "title"})
NAVIGATION_TAGS = frozenset({"a", "code"})
# zero-width characters carry no text, BOMs inside text are debris from concatenated files, and
# control characters (C0 but whitespace, DEL, C1) are not text a reader sees (see etl.transform.cleaning)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\d{1,6})(?:\.\d+)?\s*(?:px)?\s*$", re.IGNORECASE)
MAX_CAPTION = 200


@dataclass(frozen=True)
class Paragraph:
    text: str
    linked_share: float  # how much of the text is link or code: navigation, not prose


@dataclass(frozen=True)
class BodyContent:
    paragraphs: tuple[Paragraph, ...]
    images: tuple[ImageRef, ...]
    links: tuple[LinkRef, ...]
    code_spans: tuple[str, ...]
    first_heading: str | None = None  # the first h1/h2: the title of a Markdown file without one

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


class _Context(NamedTuple):
    """What the children of one element are inside of."""

    block: Tag | None
    linked: bool
    preformatted: bool

    def enter(self, tag: Tag) -> _Context:
        name = tag.name
        if name in BLOCK_TAGS:
            return _Context(tag, False, self.preformatted or name == "pre")
        if self.linked or name not in NAVIGATION_TAGS:
            return self  # most inline elements change nothing: no new context to build
        return _Context(self.block, True, self.preformatted)


_ROOT = _Context(None, False, False)


def extract_html(html: str) -> BodyContent:
    """Parse HTML once and take its images, links, inline code and paragraphs in document order."""
    # attributes stay plain strings: nothing here reads class lists, and splitting them costs ~7 %
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    code_spans: list[str] = []
    first_heading = None
    text = _TextCollector()
    # one walk in document order with an explicit stack (no recursion limit on deep documents);
    # each element's children are walked with the context the element gives them
    stack = [(iter(soup.contents), _ROOT)]
    while stack:
        children, context = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            name = node.name
            if name in DROPPED_TAGS:
                continue
            if name == "br":
                text.break_line()
            elif name in ("img", "a", "code"):
                _collect(node, images, links, code_spans)
            elif name in ("h1", "h2") and first_heading is None:
                first_heading = _squash(node.get_text()) or None
            if node.contents:
                stack.append((iter(node.contents), context.enter(node)))
        elif not isinstance(node, PreformattedString):
            # comments, CDATA and doctypes are PreformattedStrings: not text a reader sees
            text.add(node, context)
    return BodyContent(text.paragraphs(), tuple(images), tuple(links), tuple(code_spans), first_heading)


def _collect(tag: Tag, images: list[ImageRef], links: list[LinkRef], code_spans: list[str]) -> None:
    if tag.name == "img" and tag.get("src"):
        images.append(_image(tag))
    elif tag.name == "a" and tag.get("href"):
        links.append(LinkRef(url=str(tag["href"]), anchor_text=_squash(tag.get_text())))
    elif tag.name == "code" and not (tag.parent and tag.parent.name == "pre"):
        code_spans.append(_squash(tag.get_text()))


class _TextCollector:
    """Joins text nodes into paragraphs: a new block element or a `<br>` starts a new one."""

    def __init__(self) -> None:
        self._done: list[Paragraph] = []
        self._parts: list[str] = []
        self._linked: list[str] = []  # the parts inside links or code, to weigh the paragraph
        self._block: object = None

    def add(self, text: str, context: _Context) -> None:
        if context.block is not self._block:
            self.break_line()
            self._block = context.block
        if context.preformatted:
            for index, line in enumerate(text.split("\n")):
                if index:
                    self._flush()
                self._append(line, context.linked)
        else:
            self._append(text, context.linked)

    def break_line(self) -> None:
        if self._parts:
            self._flush()
        self._block = object()  # whatever comes next starts afresh

    def paragraphs(self) -> tuple[Paragraph, ...]:
        self._flush()
        return tuple(self._done)

    def _append(self, text: str, linked: bool) -> None:
        self._parts.append(text)
        if linked:
            self._linked.append(text)

    def _flush(self) -> None:
        text = _squash("".join(self._parts))
        if text:
            linked = sum(len(_squash(part)) for part in self._linked)
            self._done.append(Paragraph(text, min(1.0, linked / len(text))))
        self._parts = []
        self._linked = []


def _squash(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _image(img: Tag) -> ImageRef:
    return ImageRef(
        url=str(img["src"]),
        role="inline",
        alt=_attribute(img, "alt"),
        title=_attribute(img, "title"),
        caption=_caption(img),
        width=_dimension(img.get("width")),
        height=_dimension(img.get("height")),
    )


def _attribute(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return _squash(value) or None if value else None


def _dimension(value: object) -> int | None:
    match = _NUMBER.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def _caption(img: Tag) -> str | None:
    """The figcaption, or the text of a centred paragraph right after the image's own block."""
    figure = _ancestor(img, "figure")
    if figure is not None:
        caption = figure.find("figcaption")
        return _caption_text(caption) if isinstance(caption, Tag) else None
    holder = _ancestor(img, "p") or img
    following = next((s for s in holder.next_siblings if isinstance(s, Tag)), None)
    if following is None or following.name not in ("p", "div", "center"):
        return None
    centred = following.name == "center" or following.get("align") == "center"
    if not centred and not _CENTRED.search(str(following.get("style") or "")):
        return None
    if following.find("img") is not None:
        return None
    return _caption_text(following)


def _ancestor(tag: Tag, name: str) -> Tag | None:
    # a plain walk: bs4's find_parent builds a filter object on every call
    parent = tag.parent
    while parent is not None and parent.name != name:
        parent = parent.parent
    return parent


def _caption_text(tag: Tag) -> str | None:
    text = _squash(tag.get_text())
    return text if 0 < len(text) <= MAX_CAPTION else None
