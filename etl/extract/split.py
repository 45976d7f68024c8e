"""Split a document into its front matter mapping and its body."""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml

from etl.errors import ExtractError

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DatesAsTextLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, but `date: 2022-02-21` stays the text it was.

    The transform reads dates itself (time zone, precision, impossible dates such as 0000-00-00
    become NULL instead of failing the file), and the front_matter JSON keeps what the author wrote.
    """


_DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(source_path: str, text: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body); metadata is empty when the text has no front matter.

    Leading blank lines before `---` are allowed. A lone `---` with no closing fence is a
    Markdown thematic break, not front matter, so the whole text stays the body.
    """
    stripped = text.strip()
    handler = frontmatter.detect_format(stripped, frontmatter.handlers)
    if handler is None:
        return {}, stripped
    try:
        raw, body = handler.split(stripped)
    except ValueError:
        return {}, stripped
    options = {"Loader": _DatesAsTextLoader} if isinstance(handler, frontmatter.YAMLHandler) else {}
    try:
        metadata = handler.load(raw, **options)
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
    return {str(key): value for key, value in metadata.items()}, body.strip()
