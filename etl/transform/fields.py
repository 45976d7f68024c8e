"""Front matter fields: every key etl reads, and how its values (strings, lists, dates or nothing)
become text, names and category paths."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")

MAX_FRONT_MATTER_VALUES = 100_000
# names that are unique keys (tags, categories, authors) are cut here: index rows have size limits
MAX_NAME_CHARS = 200
# the keys etl reads, each tuple in order of preference
TITLE_KEYS = ("title",)
DATE_KEYS = ("date", "published", "published_at", "pubDate", "pubdate", "created", "created_at")
CATEGORY_KEYS = ("categories", "category")
AUTHOR_KEYS = ("author", "authors")
TAG_KEYS = ("tags", "keywords")  # all of them, merged
COVER_KEYS = ("headimg", "cover", "cover_image", "banner")
THUMBNAIL_KEYS = ("thumbnail", "thumb")
CANONICAL_KEYS = ("canonical_url", "canonical", "original_url", "source_url", "link", "url")


def first_value(metadata: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first key present with a non-empty value."""
    for key in keys:
        value = metadata.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def as_text(value: Any) -> str | None:
    """A scalar as stripped text; None for empty values and containers."""
    if value is None or isinstance(value, (list, dict)):
        return None
    text = " ".join(str(value).replace("\x00", "").split())
    return text or None


def as_names(value: Any) -> list[str]:
    """A list, or a comma-separated string, as distinct non-empty names in order."""
    if isinstance(value, str):
        items: list[Any] = _LIST_SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = [value.get("name")]
    else:
        items = [value]
    names: list[str] = []
    for item in items:
        text = as_name(item.get("name") if isinstance(item, dict) else item)
        if text and text not in names:
            names.append(text)
    return names


def as_name(value: Any) -> str | None:
    """A scalar as a name: stripped text, cut to MAX_NAME_CHARS."""
    text = as_text(value)
    return text[: MAX_NAME_CHARS - 1] + "…" if text and len(text) > MAX_NAME_CHARS else text


def category_paths(value: Any) -> tuple[tuple[str, ...], ...]:
    """Hexo categories: a flat list is one hierarchy; a list of lists is several."""
    if value is None:
        return ()
    if isinstance(value, list) and any(isinstance(item, list) for item in value):
        groups = [item if isinstance(item, list) else [item] for item in value]
    else:
        groups = [value if isinstance(value, list) else [value]]
    paths = []
    for group in groups:
        path = tuple(name for name in (as_name(item) for item in group) if name)
        if path and path not in paths:
            paths.append(path)
    return tuple(paths)


def to_json(value: Any, budget: list[int] | None = None) -> Any:
    """Front matter with dates as ISO strings, so every value survives a JSON column.

    Raises OverflowError past MAX_FRONT_MATTER_VALUES values: YAML aliases can make a few lines
    expand to billions (the "billion laughs").
    """
    budget = budget if budget is not None else [MAX_FRONT_MATTER_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise OverflowError(f"front matter expands to more than {MAX_FRONT_MATTER_VALUES:,} values")
    if isinstance(value, dict):
        return {str(key): to_json(item, budget) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_json(item, budget) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\x00", "")  # YAML's "\0" escape: JSONB refuses U+0000
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)
