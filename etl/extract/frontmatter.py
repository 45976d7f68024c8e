"""Split a document into its front matter mapping and its body."""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml

from etl.errors import ExtractError


def split_front_matter(source_path: str, text: str) -> tuple[dict[str, Any], str, bool]:
    """Return (metadata, body, has_front_matter).

    Leading blank lines before `---` are allowed. A lone `---` with no closing fence is a
    Markdown thematic break, not front matter, so the whole text stays the body.
    """
    stripped = text.strip()
    handler = frontmatter.detect_format(stripped, frontmatter.handlers)
    if handler is None:
        return {}, stripped, False
    try:
        raw, body = handler.split(stripped)
    except ValueError:
        return {}, stripped, False
    try:
        metadata = handler.load(raw)
    except (yaml.YAMLError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        raise ExtractError(source_path, f"front matter cannot be parsed: {reason}") from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ExtractError(
            source_path,
            f"front matter must be a mapping of keys to values, found a {type(metadata).__name__}",
        )
    return {str(key): value for key, value in metadata.items()}, body.strip(), True
