"""Front matter fields: every key etl reads, and how its values (strings, lists, dates or nothing)
become text, names and category paths."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from etl.transform.cleaning import clean_text, storable

_LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")

MAX_FRONT_MATTER_VALUES = 100_000
# names that are unique keys (tags, categories, authors) are cut here: index rows have size limits
MAX_NAME_CHARS = 200
# a category path is a unique key too (Postgres' b-tree rows hold ~2,700 bytes): deeper levels
# past this many UTF-8 bytes are dropped
MAX_CATEGORY_PATH_BYTES = 2000
# the keys etl reads, each tuple in order of preference
TITLE_KEYS = ("title",)
DATE_KEYS = ("date", "published", "published_at", "pubDate", "pubdate", "created", "created_at")
CATEGORY_KEYS = ("categories", "category")
AUTHOR_KEYS = ("author", "authors")
TAG_KEYS = ("tags", "keywords")  # all of them, merged
COVER_KEYS = ("headimg", "cover", "cover_image", "banner")
THUMBNAIL_KEYS = ("thumbnail", "thumb")
CANONICAL_KEYS = ("canonical_url", "canonical", "original_url", "source_url", "link", "url")
UPDATED_KEYS = ("updated", "lastmod", "modified", "last_modified", "updated_at")
GALLERY_KEYS = ("photos",)  # Hexo's gallery: image URLs, in order
EXCERPT_KEYS = ("excerpt", "description", "summary")


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
    text = " ".join(clean_text(str(value)).split())
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


def category_paths(value: Any, terms: bool = False) -> tuple[tuple[str, ...], ...]:
    """Hexo categories: a flat list is one hierarchy; a list of lists is several. With `terms`
    (Hugo's taxonomies), each item of a flat list is a category of its own."""
    if value is None:
        return ()
    if isinstance(value, list) and (terms or any(isinstance(item, list) for item in value)):
        groups = [item if isinstance(item, list) else [item] for item in value]
    else:
        groups = [value if isinstance(value, list) else [value]]
    paths = []
    for group in groups:
        path = _fitting(tuple(name for name in (as_name(item) for item in group) if name))
        if path and path not in paths:
            paths.append(path)
    return tuple(paths)


def _fitting(path: tuple[str, ...]) -> tuple[str, ...]:
    """The levels of `path` that fit in MAX_CATEGORY_PATH_BYTES, from the top."""
    size = 0
    for depth, name in enumerate(path):
        size += len(name.encode("utf-8")) + 1
        if size > MAX_CATEGORY_PATH_BYTES:
            return path[:depth]
    return path


def front_matter_json(metadata: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Front matter as JSON values that both backends store alike, and what had to change.

    Dates become ISO strings; NaN and ±Infinity, which JSON has no numbers for, become the strings
    "NaN", "Infinity" and "-Infinity" (a warning names the keys); keys and strings lose NUL, and lone
    surrogates become U+FFFD. Raises OverflowError past MAX_FRONT_MATTER_VALUES values: YAML aliases can
    make a few lines expand to billions (the "billion laughs").
    """
    converted = _JsonValues()
    document = converted.value(metadata, "")
    warnings = ()
    if converted.not_numbers:
        keys = ", ".join(converted.not_numbers[:5]) + (" …" if len(converted.not_numbers) > 5 else "")
        warnings = (f"front matter numbers that JSON cannot hold ({keys}) stored as strings",)
    return document, warnings


class _JsonValues:
    def __init__(self) -> None:
        self.budget = MAX_FRONT_MATTER_VALUES
        self.not_numbers: list[str] = []

    def value(self, value: Any, where: str) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise OverflowError(f"front matter expands to more than {MAX_FRONT_MATTER_VALUES:,} values")
        if isinstance(value, dict):
            return {
                (name := storable(str(key))): self.value(item, f"{where}.{name}" if where else name)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple, set)):
            return [self.value(item, f"{where}[{n}]") for n, item in enumerate(value)]
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, str):
            return storable(value)
        if isinstance(value, float) and not math.isfinite(value):
            self.not_numbers.append(f"{where}: {value}")
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        if value is None or isinstance(value, (int, float, bool)):
            return value
        return storable(str(value))
