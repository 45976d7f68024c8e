"""Split a document into its front matter mapping and its body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml

from etl.errors import ExtractError
from etl.extract.salvage import salvage_front_matter

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


@dataclass(frozen=True)
class Split:
    metadata: dict[str, Any]  # empty when the text has no front matter
    body: str
    warning: str | None = None  # set when the front matter had to be read line by line


def split_front_matter(source_path: str, text: str) -> Split:
    """Split front matter from body; raises ExtractError for front matter that is unsafe or not a
    mapping. YAML that does not parse is read line by line (etl.extract.salvage), with a warning.

    Leading blank lines before `---` are allowed. A lone `---` with no closing fence is a
    Markdown thematic break, not front matter, so the whole text stays the body.
    """
    stripped = text.strip()
    handler = frontmatter.detect_format(stripped, frontmatter.handlers)
    if handler is None:
        return Split({}, stripped)
    try:
        raw, body = handler.split(stripped)
    except ValueError:
        return Split({}, stripped)
    yaml_handler = isinstance(handler, frontmatter.YAMLHandler)
    try:
        metadata = handler.load(raw, **({"Loader": _DatesAsTextLoader} if yaml_handler else {}))
    except (yaml.YAMLError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        # a tag that would construct an object is refused, never read around
        salvaged = (
            {}
            if isinstance(exc, yaml.constructor.ConstructorError) or not yaml_handler
            else salvage_front_matter(raw)
        )
        if not salvaged:
            raise ExtractError(source_path, f"front matter cannot be parsed: {reason}") from None
        return Split(
            salvaged,
            body.strip(),
            f"front matter is not valid YAML ({_yaml_problem(exc, raw)}): read line by line",
        )
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ExtractError(
            source_path,
            f"front matter must be a mapping of keys to values, found a {type(metadata).__name__}",
        )
    return Split({str(key): value for key, value in metadata.items()}, body.strip())


def _yaml_problem(exc: Exception, raw: str) -> str:
    """`could not find expected ':' in front matter line 2`: the YAML error, placed where the broken
    construct starts (the context) rather than where the parser gave up; line 1 follows the `---`."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        where = exc.context_mark or exc.problem_mark
        fence_rest = 1 if raw.startswith("\n") else 0  # the split leaves the fence line's end in raw
        return f"{exc.problem} in front matter line {where.line + 1 - fence_rest}" if where else exc.problem
    return " ".join(str(exc).split())
