"""Images, links, paragraphs and plain text out of an HTML body (raw, or rendered from Markdown)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag

from etl.records import ImageRef, LinkRef

BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tr", "td", "th", "ul", "br",
)  # fmt: skip
DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object")
# private-use characters mark block edges and link spans inside the flattened text
_BREAK, _LINK_START, _LINK_END = "\ue000", "\ue001", "\ue002"
_MARKERS = re.compile("[\ue000-\ue002]")
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

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def extract_html(html: str) -> BodyContent:
    """Parse HTML once and take its inline images, links and paragraphs, in document order."""
    soup = BeautifulSoup(_MARKERS.sub("", html), "lxml")
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    images = tuple(_image(img) for img in soup.find_all("img") if img.get("src"))
    links = tuple(
        LinkRef(url=str(a["href"]), anchor_text=" ".join(a.get_text().split()))
        for a in soup.find_all("a", href=True)
    )
    return BodyContent(paragraphs=_paragraphs(soup), images=images, links=links)


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
    text = " ".join(value.split()) if value else ""
    return text or None


def _dimension(value: object) -> int | None:
    match = _NUMBER.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def _caption(img: Tag) -> str | None:
    """The figcaption, or the text of a centred paragraph right after the image's own block."""
    figure = img.find_parent("figure")
    if figure is not None:
        caption = figure.find("figcaption")
        return _caption_text(caption) if caption is not None else None
    holder = img.find_parent("p") or img
    following = holder.find_next_sibling()
    if not isinstance(following, Tag) or following.name not in ("p", "div", "center"):
        return None
    centred = following.name == "center" or following.get("align") == "center"
    if not centred and not _CENTRED.search(str(following.get("style") or "")):
        return None
    if following.find("img") is not None:
        return None
    return _caption_text(following)


def _caption_text(tag: Tag) -> str | None:
    text = " ".join(tag.get_text().split())
    return text if 0 < len(text) <= MAX_CAPTION else None


def _paragraphs(soup: BeautifulSoup) -> tuple[Paragraph, ...]:
    for tag in soup.find_all(("a", "code")):
        if tag.find_parent("pre") is None:
            tag.insert(0, _LINK_START)
            tag.append(_LINK_END)
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before(_BREAK)
        tag.insert_after(_BREAK)
    paragraphs = []
    for chunk in soup.get_text().split(_BREAK):
        text = " ".join(chunk.split())
        if not text:
            continue
        linked = sum(len(span) for span in re.findall(f"{_LINK_START}(.*?){_LINK_END}", text))
        plain = _MARKERS.sub("", text).strip()
        if plain:
            paragraphs.append(Paragraph(plain, min(1.0, linked / len(plain))))
    return tuple(paragraphs)
