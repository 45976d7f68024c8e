"""Where front matter is, in the forms static-site generators accept: which lines are metadata, in
which language, and where the body starts. Nothing here parses the metadata's values.

- YAML between lines of three or more dashes (Hexo, Jekyll, Hugo), and Hexo's form without the
  opening line (`title: x` … `---`).
- JSON between lines of three or more semicolons (Hexo), again with the opening line optional, its
  members without braces.
- TOML between `+++` lines (Hugo), and JSON in braces opening the file (Hugo).

The form without an opening line is taken only where the lines before the first separator read as
front matter (etl.extract.split decides, after parsing): a body that starts with a paragraph and a
thematic break stays a body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

import frontmatter

Language = Literal["yaml", "json", "toml"]
# how the front matter was written: Hexo's forms, and Hugo's (`toml`, `json` in braces), whose lists of
# categories are lists of terms rather than one hierarchy
Form = Literal["yaml", "hexo-json", "toml", "json"]
HUGO_FORMS = frozenset({"toml", "json"})

_YAML_FENCE = frontmatter.YAMLHandler.FM_BOUNDARY
_JSON_FENCE = re.compile(r"^;{3,}[ \t]*$", re.MULTILINE)
TOML_FENCE = re.compile(r"^\+{3}[ \t]*$", re.MULTILINE)
# a key opening a line: what the first line of front matter without its opening separator must be
_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
_JSON_KEY_LINE = re.compile(r'"[A-Za-z_][\w-]*"[ \t]*:')
# how far to look for the separator that closes front matter given without its opening line
MAX_UNOPENED_LINES = 60


@dataclass(frozen=True)
class Found:
    """Front matter located: its text in `language`, written in `form`, and the body after it."""

    language: Language
    form: Form
    raw: str
    body: str
    opened: bool = True  # False: Hexo's form without the opening separator


def locate(text: str) -> Found | None:
    """The front matter of `text` (already stripped), or None when the text opens with none."""
    first_line = text.split("\n", 1)[0]
    for fence, language in ((_YAML_FENCE, "yaml"), (_JSON_FENCE, "json"), (TOML_FENCE, "toml")):
        if fence.fullmatch(first_line):
            return _fenced(text, fence, language)  # type: ignore[arg-type]
    if first_line.rstrip() == "{":
        return _braced(text)
    return _unopened(text, first_line)


def _fenced(text: str, fence: re.Pattern[str], language: Language) -> Found | None:
    """Between the first line and the next fence; a lone opening line is a thematic break, no front
    matter."""
    opening = fence.search(text)
    closing = fence.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    raw, body = text[opening.end() : closing.start()], text[closing.end() :]
    if language == "json":
        return Found("json", "hexo-json", _members(raw), body)
    return Found(language, language, raw, body)


def _braced(text: str) -> Found:
    """A JSON object opening the file; the body starts after its closing brace. JSON that does not
    decode is handed on whole, so the caller reports it as front matter that cannot be parsed."""
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return Found("json", "json", text, "")
    return Found("json", "json", text[:end], text[end:])


def _unopened(text: str, first_line: str) -> Found | None:
    """Hexo's front matter without its opening line: the lines before the first `---` or `;;;`
    line, when the first of them is a key and the separator comes within MAX_UNOPENED_LINES."""
    yaml_key = _KEY_LINE.match(first_line)
    if not yaml_key and not _JSON_KEY_LINE.match(first_line):
        return None
    head = "\n".join(text.split("\n", MAX_UNOPENED_LINES + 1)[: MAX_UNOPENED_LINES + 1])
    closing = (_YAML_FENCE if yaml_key else _JSON_FENCE).search(head)
    if closing is None:
        return None
    raw, body = text[: closing.start()], text[closing.end() :]
    if yaml_key:
        return Found("yaml", "yaml", raw, body, opened=False)
    return Found("json", "hexo-json", _members(raw), body, opened=False)


def _members(raw: str) -> str:
    """Hexo's JSON front matter lists an object's members without the braces."""
    stripped = raw.strip()
    return stripped if stripped.startswith("{") else "{" + stripped + "}"
