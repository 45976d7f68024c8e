"""What each Hexo tag plugin renders to: arguments split as Hexo splits them, then HTML the extractor
reads (images, links, quotes, code), with URLs checked before they go into an attribute.

Hexo's renderers (`lib/plugins/tag/*.ts`) are the reference; where Hexo needs its database
(`post_link`, `asset_img`) the output names what was meant so the caller can resolve it.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from urllib.parse import quote

_ARG_PIECE = re.compile(r'"(?:[^"\\]|\\.)*"?|\'(?:[^\'\\]|\\.)*\'?|[^\s"\']+|\s+', re.DOTALL)
_STRING_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,9}:\S|www\.|[-;:&=+$,\w]+@[A-Za-z0-9.-]")
_WEB_URL = re.compile(r"https?://\S", re.IGNORECASE)
_DIMENSION = re.compile(r"\d{1,6}(?:px|%)?")
_UNSAFE_SCHEME = re.compile(r"(?:javascript|vbscript|data):", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_LINK_DISPLAY = re.compile(r"^https?://|/(?:index.html?)?$")
# Hexo's img title/alt split: `"title" "alt"`, `'title' 'alt'`, `title 'alt'`; everything is optional,
# so the match at position 0 always succeeds without backtracking
_QUOTED = {'"': r'"?([^"]+)?"?', "'": r"'?([^']+)?'?"}
_TITLE_ALT = {(a, b): re.compile(_QUOTED[a] + r"\s*" + _QUOTED[b]) for a in _QUOTED for b in _QUOTED}
_CODE_OPTIONS = frozenset(
    {"lang", "line_number", "line_threshold", "first_line", "wrap", "mark", "language_attr", "highlight"}
)


def split_args(text: str) -> list[str]:
    """Hexo's arguments: whitespace separates, a quoted string is part of one argument, unquoted."""
    args: list[str] = []
    current: list[str] = []
    for piece in _ARG_PIECE.finditer(text):
        value = piece.group()
        if value.isspace():
            _flush_arg(current, args)
        elif value[0] in "\"'":
            inner = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
            current.append(_STRING_ESCAPE.sub(_unescape, inner))
        else:
            current.append(value)
    _flush_arg(current, args)
    return args


def _flush_arg(current: list[str], args: list[str]) -> None:
    value = "".join(current).strip()
    if value:
        args.append(value)
    current.clear()


def _unescape(escape: re.Match[str]) -> str:
    char = escape.group(1)
    return {"n": "\n", "t": "\t", "r": "\r"}.get(char, char)


# what the tags stand for


def _element(name: str, attrs: dict[str, str | None], text: str | None = None, markup: bool = False) -> str:
    """An HTML element with escaped attributes (empty ones left out) and escaped text (or markup)."""
    rendered = "".join(f' {key}="{html.escape(value)}"' for key, value in attrs.items() if value)
    if text is None:
        return f"<{name}{rendered}>"
    return f"<{name}{rendered}>{text if markup else html.escape(text, quote=False)}</{name}>"


def marker(name: str, source: str) -> str:
    """A tag kept in body_html but out of body_text: `template` is among the extractor's dropped tags,
    and the tag's text sits in an attribute, where Markdown cannot pair its `*` or `_` with the text's."""
    return _element("template", {"data-hexo-tag": name, "data-source": " ".join(source.split())}, "")


def _safe_url(url: str, image: bool = False) -> str | None:
    """The URL, unless its scheme runs code (`javascript:`); data: URLs are only for images."""
    scheme = _UNSAFE_SCHEME.match(_URL_NOISE.sub("", url))
    if scheme and not (image and scheme.group().lower() == "data:"):
        return None
    return url


def _is_web(arg: str) -> bool:
    """Hexo's own test for a URL (scheme, `www.`, `user@host`), anchored at the start."""
    return bool(_SCHEME.match(arg))


def _is_url(arg: str) -> bool:
    return _is_web(arg) or arg.startswith(("/", "#", "./", "../"))


def _first(args: list[str], *tests: Callable[[str], bool]) -> int | None:
    """The index of the first argument passing the first test any argument passes."""
    return next((i for test in tests for i, arg in enumerate(args) if test(arg)), None)


def _is_path(arg: str) -> bool:
    return "." in arg or "/" in arg


def _asset(slug: str, folder: str | None) -> str:
    return f"{folder}/{slug.removeprefix('./')}" if folder else slug


def _image(src: str, classes: list[str], rest: list[str]) -> str:
    """Hexo's `img` after its source: optional width and height, then `"title" "alt"`."""
    width = rest.pop(0) if rest and _DIMENSION.fullmatch(rest[0]) else None
    height = rest.pop(0) if width and rest and _DIMENSION.fullmatch(rest[0]) else None
    title, alt = _title_alt(" ".join(rest))
    attrs = {"src": _safe_url(src, image=True), "class": " ".join(classes)}
    return _element("img", {**attrs, "width": width, "height": height, "title": title, "alt": alt})


def _title_alt(meta: str) -> tuple[str | None, str | None]:
    if not meta:
        return None, None
    first = '"' if meta.startswith('"') else "'"
    last = '"' if meta.endswith('"') else "'"
    found = _TITLE_ALT[first, last].match(meta)
    title, alt = found.groups() if found else (None, None)
    return (title or "").strip() or None, (alt or "").strip() or None


def _img(args: list[str], folder: str | None) -> str | None:
    # Hexo takes the first URL or /path as the source; failing those, a relative path
    at = _first(args, _is_url, _is_path)
    return None if at is None else _image(args[at], args[:at], args[at + 1 :])


def _asset_img(args: list[str], folder: str | None) -> str | None:
    at = _first(args, _is_path, bool)
    return None if at is None else _image(_asset(args[at], folder), args[:at], args[at + 1 :])


def _link(args: list[str], folder: str | None) -> str | None:
    at = _first(args, _is_web, _is_url)  # Hexo's URLs first, so `/r/python` can still be link text
    if at is None:
        return None
    rest = args[at + 1 :]
    external = rest.pop(0) == "true" if rest and rest[0] in ("true", "false") else False
    attrs = {"href": _safe_url(args[at]), "title": " ".join(rest), "target": "_blank" if external else None}
    return _element("a", attrs, " ".join(args[:at]) or args[at])


def _url_for(args: list[str], folder: str | None) -> str | None:
    return _element("a", {"href": _safe_url(args[1])}, args[0]) if len(args) >= 2 else None


def _titled(args: list[str]) -> tuple[str, bool]:
    """`slug [title] [escape]`: the title (or the slug) and whether to escape it (Hexo's default)."""
    rest = args[1:]
    escape = rest.pop() == "true" if rest and rest[-1] in ("true", "false") else True
    return " ".join(rest) or args[0], escape


def _post_link(args: list[str], folder: str | None) -> str | None:
    """An anchor without href: the caller resolves the slug to an article (or its URL) later."""
    if not args:
        return None
    title, escape = _titled(args)
    return _element("a", {"data-post-link": args[0]}, title, markup=not escape)


def _post_path(args: list[str], folder: str | None) -> str | None:
    return html.escape(args[0]) if args else None


def _asset_link(args: list[str], folder: str | None) -> str | None:
    if not args:
        return None
    title, escape = _titled(args)
    attrs = {"href": _safe_url(_asset(args[0], folder)), "title": title}
    return _element("a", attrs, title, markup=not escape)


def _asset_path(args: list[str], folder: str | None) -> str | None:
    return html.escape(_asset(args[0], folder)) if args else None


def _embed(site: str, page: str, what: str) -> Callable[[list[str], str | None], str | None]:
    """A video or snippet site's tag as a link to its page with readable text, so it is a link row."""

    def render(args: list[str], folder: str | None) -> str | None:
        if not args:
            return None
        text = " ".join(filter(None, (site, what, args[0])))
        return _element("a", {"href": page.format(quote(args[0], safe="/-_.~"))}, text)

    return render


_YOUTUBE_VIDEO = _embed("YouTube", "https://www.youtube.com/watch?v={}", "video")
_YOUTUBE_PLAYLIST = _embed("YouTube", "https://www.youtube.com/playlist?list={}", "playlist")
_GIST = _embed("Gist", "https://gist.github.com/{}", "")


def _youtube(args: list[str], folder: str | None) -> str | None:
    """`{% youtube id [type] [cookie] %}`: `type` is `video` (the default) or `playlist`."""
    playlist = len(args) > 1 and args[1] == "playlist"
    return (_YOUTUBE_PLAYLIST if playlist else _YOUTUBE_VIDEO)(args, folder)


def _gist(args: list[str], folder: str | None) -> str | None:
    """`{% gist id [filename] %}`: a link to the gist, the file named in its text."""
    link = _GIST(args[:1], folder)
    if link is None or len(args) < 2:
        return link
    return link.removesuffix("</a>") + f" {html.escape(args[1], quote=False)}</a>"


def _iframe(args: list[str], folder: str | None) -> str | None:
    return _element("a", {"href": _safe_url(args[0])}, args[0]) if args else None


INLINE: dict[str, Callable[[list[str], str | None], str | None]] = {
    "img": _img,
    "image": _img,
    "asset_img": _asset_img,
    "asset_image": _asset_img,
    "link": _link,
    "a": _link,
    "anchor": _link,
    "url_for": _url_for,
    "full_url_for": _url_for,
    "post_link": _post_link,
    "post_path": _post_path,
    "asset_link": _asset_link,
    "asset_path": _asset_path,
    "youtube": _youtube,
    "vimeo": _embed("Vimeo", "https://vimeo.com/{}", "video"),
    "gist": _gist,
    "jsfiddle": _embed("jsFiddle", "https://jsfiddle.net/{}/", ""),
    "iframe": _iframe,
}


def quote_opening(name: str, args: list[str]) -> str:
    # an HTML block ends at a blank line (CommonMark type 6): the content between stays Markdown
    if name == "pullquote":
        return "\n\n" + _element("blockquote", {"class": " ".join(["pullquote", *args])}) + "\n\n"
    return "\n\n<blockquote>\n\n"


def quote_closing(name: str, args: list[str]) -> str:
    footer = "" if name == "pullquote" else _footer(args)
    return f"\n\n{footer}</blockquote>\n\n"


def _footer(args: list[str]) -> str:
    """Hexo's `[author[, source]] [link] [source_link_title]` as `— author, source`."""
    if not args:
        return ""
    author, url, title = _cite(args)
    parts = [f"<strong>{html.escape(author, quote=False)}</strong>"] if author else []
    if url:
        link = _element("a", {"href": _safe_url(url)}, title or _LINK_DISPLAY.sub("", url))
        parts.append(f"<cite>{link}</cite>")
    elif title:
        parts.append(f"<cite>{html.escape(title, quote=False)}</cite>")
    return f"<footer>— {', '.join(parts)}</footer>"


def _cite(args: list[str]) -> tuple[str, str, str]:
    """Author, link and title as Hexo's blockquote regexes find them: the last web URL after the author
    (with a title after it if any), else `author, title`, else all of it the author."""
    urls = [i for i, arg in enumerate(args) if i and _WEB_URL.match(arg)]
    titled = [i for i in urls if i < len(args) - 1]
    if titled or urls:
        at = (titled or urls)[-1]
        return " ".join(args[:at]), args[at], " ".join(args[at + 1 :])
    text = " ".join(args)
    author, comma, title = text.partition(",")
    title = title.split(",")[0].strip()
    if comma and author.strip() and title:
        return author.strip(), "", title
    return text, "", ""


def codeblock(args: list[str], content: str) -> str:
    """`{% codeblock [title] [lang:x] [url] [link text] [option:value…] %}` as an escaped `<pre>`;
    the `<pre>` opens its own HTML block (type 1), which blank lines in the code do not end."""
    lang = None
    caption: list[str] = []
    for arg in args:
        key, colon, value = arg.partition(":")
        if colon and key in _CODE_OPTIONS:
            lang = value if key == "lang" else lang
        else:
            caption.append(arg)
    code = textwrap.dedent(content).removeprefix("\n").removesuffix("\n")
    attrs = {"class": f"language-{lang}" if lang else None}
    pre = f"{_element('code', attrs)}{html.escape(code, quote=False)}\n</code>"
    title = _code_caption(caption)
    return f"\n\n{title}\n\n<pre>{pre}</pre>\n\n" if title else f"\n\n<pre>{pre}</pre>\n\n"


def _code_caption(args: list[str]) -> str:
    if not args:
        return ""
    urls = [i for i, arg in enumerate(args) if i and _WEB_URL.match(arg)]
    if not urls:
        return f'<div class="code-caption"><span>{html.escape(" ".join(args), quote=False)}</span></div>'
    at = next((i for i in reversed(urls) if i < len(args) - 1), urls[-1])
    text = " ".join(args[at + 1 :]) or "link"
    link = _element("a", {"href": _safe_url(args[at])}, text)
    caption = html.escape(" ".join(args[:at]), quote=False)
    return f'<div class="code-caption"><span>{caption}</span> {link}</div>'
