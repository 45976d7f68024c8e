"""Hexo tag plugins (`{% img %}`, `{% blockquote %}…{% endblockquote %}`, …) turned into the HTML they
stand for before the Markdown is rendered, so their images, links, quotes and code reach the extractor.

Argument parsing follows Hexo's (`lib/extend/tag.ts`, `lib/plugins/tag/*.ts`): arguments split on
whitespace, quoted strings stay one argument with their quotes removed. Where Hexo needs its database
(`post_link`, `asset_img`) the output names what was meant and the caller resolves it later. Tags in
fenced code, inline code, `<code>` and `{% raw %}` stay as written. One left-to-right pass over the body
with cached look-aheads, no recursion and no backtracking regexes: time is linear in the body.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import PurePosixPath

from etl.transform.tag_renderers import INLINE, codeblock, marker, quote_closing, quote_opening, split_args

# what the scan stops at: a fence opening a line, a backtick run, a tag, an HTML <code>
_NEXT = re.compile(
    r"(?P<fence>^[ ]{0,3}(?:`{3,}[^`\n]*|~{3,}[^\n]*)$)|(?P<ticks>`+)|(?P<tag>\{%)|(?P<code><code\b)",
    re.MULTILINE | re.IGNORECASE,
)
_CODE_OPEN = re.compile(r"<code\b[^<>]*>", re.IGNORECASE)
_CODE_CLOSE = re.compile(r"</code\s*>", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_TAG = re.compile(r"\s*([A-Za-z_][\w-]*)(.*)", re.DOTALL)
_GUARD = "<!-- hexo tag plugins -->\n"  # keeps a body that now opens with HTML classified as Markdown

_VERBATIM = frozenset({"raw", "verbatim", "codeblock", "code"})
_QUOTES = frozenset({"blockquote", "quote", "pullquote"})
_NEEDS_FILES = frozenset({"include_code", "include-code"})


@dataclass(frozen=True)
class Expanded:
    """A body ready for `render_body`, with what the caller records or resolves."""

    body: str  # every known tag replaced by HTML; cmark passes raw HTML through
    warnings: tuple[str, ...]  # names tags kept out of the text; not escaped (the caller escapes output)
    post_links: tuple[str, ...]  # slugs of {% post_link %} / {% post_path %}, first mention order


def expand_tag_plugins(body: str, asset_folder: str | None) -> Expanded:
    """The body with Hexo tag plugins expanded; `asset_folder` is the post's asset folder relative to
    the source root (`_posts/my-post` for `_posts/my-post.md`), or None to keep asset slugs as written."""
    if "{%" not in body:
        return Expanded(body, (), ())
    return _Expander(body, asset_folder).run()


def asset_folder_of(source_path: str) -> str:
    """The asset folder Hexo gives a post: its path without the extension (`_posts/a.md` → `_posts/a`)."""
    return str(PurePosixPath(source_path).with_suffix(""))


@dataclass
class _Open:
    """A quote tag waiting for its end tag: where its opening went and what closes it."""

    name: str
    index: int
    source: str
    closing: str


class _Finder:
    """Next occurrence of a needle at or after a position; positions only grow, so text is read once."""

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._searched_from = len(text) + 1
        self._found = -1

    def next(self, pos: int) -> int:
        if self._found == -1 and pos >= self._searched_from:
            return -1
        if self._found >= pos:
            return self._found
        self._searched_from = pos
        self._found = self._text.find(self._needle, pos)
        return self._found


class _Expander:
    """One pass over a body: copies text, skips code, replaces tags, pairs quote tags with a stack."""

    def __init__(self, body: str, asset_folder: str | None) -> None:
        self.body = body
        self.asset_folder = asset_folder.rstrip("/") if asset_folder else None
        self.parts: list[str] = []
        self.done = 0  # body[:done] is in parts
        self.stack: list[_Open] = []
        self.open_count: dict[str, int] = {}
        self.warnings: dict[str, None] = {}
        self.unknown: set[str] = set()
        self.post_links: dict[str, None] = {}
        self.closes = _Finder(body, "%}")
        self.opens = _Finder(body, "{%")
        self.missing_ends: set[str] = set()
        self.code_closed = True  # False once a </code> was looked for and not found
        self.tick_runs: dict[int, list[int]] | None = None
        self.blank_lines: list[int] = []

    def run(self) -> Expanded:
        pos = 0
        body = self.body
        while (found := _NEXT.search(body, pos)) is not None:
            kind = found.lastgroup
            if kind == "tag":
                pos = self._tag(found.start())
            elif kind == "fence":
                pos = self._fence(found)
            elif kind == "ticks":
                pos = self._code_span(found)
            else:
                pos = self._html_code(found)
        for entry in reversed(self.stack):
            self.parts[entry.index] = marker(entry.name, entry.source)
            self._warn(f"unclosed {{% {entry.name} %}} kept out of the text")
        self.parts.append(body[self.done :])
        expanded = "".join(self.parts)
        if expanded.lstrip().startswith("<") and not body.lstrip().startswith("<"):
            expanded = _GUARD + expanded
        return Expanded(expanded, tuple(self.warnings), tuple(self.post_links))

    # code: tags inside it stay as written

    def _fence(self, found: re.Match[str]) -> int:
        opening = found.group().lstrip(" ")
        char = opening[0]
        length = len(opening) - len(opening.lstrip(char))
        closing = re.compile(rf"^[ ]{{0,3}}{re.escape(char)}{{{length},}}[ \t\r]*$", re.MULTILINE)
        end = closing.search(self.body, found.end() + 1)
        return end.end() if end else len(self.body)  # an unclosed fence runs to the end (CommonMark)

    def _code_span(self, found: re.Match[str]) -> int:
        start, length = found.start(), len(found.group())
        if start and self.body[start - 1] == "\\":
            return found.end()
        if self.tick_runs is None:
            self._index_code_spans()
        runs = self.tick_runs.get(length, []) if self.tick_runs is not None else []
        at = bisect_right(runs, start)
        if at == len(runs):
            return found.end()
        close = runs[at]
        blank = bisect_right(self.blank_lines, start)
        if blank < len(self.blank_lines) and self.blank_lines[blank] < close:
            return found.end()  # a code span never crosses a paragraph break
        return close + length

    def _index_code_spans(self) -> None:
        self.tick_runs = {}
        for run in re.finditer(r"`+", self.body):
            self.tick_runs.setdefault(len(run.group()), []).append(run.start())
        self.blank_lines = [blank.start() for blank in _BLANK_LINE.finditer(self.body)]

    def _html_code(self, found: re.Match[str]) -> int:
        opening = _CODE_OPEN.match(self.body, found.start()) if self.code_closed else None
        if opening is None:
            return found.end()
        closing = _CODE_CLOSE.search(self.body, opening.end())
        if closing is None:
            self.code_closed = False
            return found.end()
        return closing.end()

    # tags

    def _tag(self, start: int) -> int:
        close = self.closes.next(start + 2)
        if close == -1:
            return len(self.body)  # no `%}` left: nothing after this is a tag
        following = self.opens.next(start + 2)
        if following != -1 and following < close:
            return start + 2  # `{%` without its own `%}`: text
        end = close + 2
        parsed = _TAG.match(self.body[start + 2 : close].removeprefix("-").removesuffix("-"))
        if parsed is None:
            return end  # `{% %}`, `{% 3 %}`: text
        name, args = parsed.group(1), split_args(parsed.group(2))
        source = self.body[start:end]
        if name in _VERBATIM:
            return self._verbatim(name, args, start, end)
        if name in _QUOTES:
            self._emit(start, end, quote_opening(name, args))
            closing = quote_closing(name, args)
            self.stack.append(_Open(name, len(self.parts) - 1, source, closing))
            self.open_count[name] = self.open_count.get(name, 0) + 1
        elif name.startswith("end") and (name[3:] in _QUOTES or name[3:] in _VERBATIM):
            self._close(name[3:], start, end, source)
        else:
            self._inline(name, args, start, end, source)
        return end

    def _verbatim(self, name: str, args: list[str], start: int, end: int) -> int:
        closing = None
        if name not in self.missing_ends:
            closing = re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}").search(self.body, end)
        if closing is None:
            self.missing_ends.add(name)
            self._emit(start, end, marker(name, self.body[start:end]))
            self._warn(f"unclosed {{% {name} %}} kept out of the text")
            return end
        content = self.body[end : closing.start()]
        if name in ("raw", "verbatim"):
            self._emit(start, closing.end(), content)
        else:
            self._emit(start, closing.end(), codeblock(args, content))
        return closing.end()

    def _close(self, name: str, start: int, end: int, source: str) -> None:
        if not self.open_count.get(name):
            self._emit(start, end, marker(f"end{name}", source))
            self._warn(f"{{% end{name} %}} without its opening tag kept out of the text")
            return
        while self.stack:
            entry = self.stack.pop()
            self.open_count[entry.name] -= 1
            if entry.name == name:
                self._emit(start, end, entry.closing)
                return
            self.parts[entry.index] = marker(entry.name, entry.source)
            self._warn(f"unclosed {{% {entry.name} %}} kept out of the text")

    def _inline(self, name: str, args: list[str], start: int, end: int, source: str) -> None:
        render = INLINE.get(name)
        if render is None:
            self._emit(start, end, marker(name, source))
            if name in _NEEDS_FILES:
                self._warn(f"tag plugin {{% {name} %}} needs files outside the post; kept out of the text")
            elif not (name.startswith("end") and name[3:] in self.unknown):
                self.unknown.add(name)
                self._warn(f"unknown tag plugin {{% {name} %}} kept out of the text")
            return
        output = render(args, self.asset_folder)
        if output is None:
            self._emit(start, end, marker(name, source))
            self._warn(f"{{% {name} %}} without what it points to kept out of the text")
            return
        if name in ("post_link", "post_path"):
            self.post_links[args[0]] = None
        self._emit(start, end, output)

    def _emit(self, start: int, end: int, output: str) -> None:
        self.parts.append(self.body[self.done : start])
        self.parts.append(output)
        self.done = end

    def _warn(self, message: str) -> None:
        self.warnings[message] = None
