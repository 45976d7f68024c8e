"""Front matter that YAML refuses, read line by line, so one bad line does not lose the article.

RSS-to-Hexo generators write titles unquoted and unescaped: a title that runs over several lines,
or one wrapped in runs of double quotes. YAML rejects the whole block, yet every other line (date,
categories, images) is fine. Each top-level `key: value` line starts a field; indented or
unkeyed lines continue it (joined by a space, as YAML folds lines); `- item` lines make a list.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# a top-level key: an identifier at the start of the line (Hexo keys are), then a colon
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s+(?P<value>.*?))?\s*$")
_ITEM = re.compile(r"^\s*-\s+(?P<item>.*?)\s*$")


def salvage_front_matter(raw: str) -> dict[str, Any]:
    """The fields that can be read from `raw` line by line; empty when no line is a `key: value`."""
    fields: dict[str, Any] = {}
    key: str | None = None
    for line in raw.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if match:
            key = match["key"]
            fields[key] = match["value"] or ""
            continue
        if key is None:
            continue  # text before the first key: nothing to attach it to
        item = _ITEM.match(line)
        if item and fields[key] == "":
            fields[key] = []
        if item and isinstance(fields[key], list):
            fields[key].append(_scalar(item["item"]))
        elif isinstance(fields[key], str):
            fields[key] = f"{fields[key]} {line.strip()}".strip()
    return {name: value if isinstance(value, list) else _scalar(value) for name, value in fields.items()}


def _scalar(text: str) -> Any:
    """A value as YAML reads it (`'a''b'`, `[a, b]`, `3`), else the text without its runs of quotes."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return _unquoted(text)
    if value is None or isinstance(value, str | list | int | float | bool):
        return value
    return text  # dates and mappings stay as written: the transform reads dates itself


def _unquoted(text: str) -> str:
    """The text without its wrapping quotes: as many off each end as the shorter run of them has."""
    text = text.strip()
    if not text or text[0] not in "\"'":
        return text
    quote = text[0]
    runs = min(len(text) - len(text.lstrip(quote)), len(text) - len(text.rstrip(quote)))
    return text[runs : max(runs, len(text) - runs)].strip()
