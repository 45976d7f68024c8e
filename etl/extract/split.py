"""Split a document into its front matter mapping and its body."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler

from etl.errors import ExtractError
from etl.extract.forms import TOML_FENCE, Found, locate
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
    form: str = ""  # how the front matter was written (etl.extract.forms.Form); '' without any


def split_front_matter(source_path: str, text: str) -> Split:
    """Split front matter from body; raises ExtractError for front matter that is unsafe or not a
    mapping. YAML that does not parse is read line by line (etl.extract.salvage), with a warning.

    Every form of etl.extract.forms is read. Leading blank lines are allowed. A lone `---` with no
    closing fence is a Markdown thematic break, not front matter, so the whole text stays the body;
    so is a `---` after lines that do not read as front matter (etl.extract.forms).
    """
    stripped = text.strip()
    found = locate(stripped)
    if found is None:
        return Split({}, stripped)
    if not found.opened:
        metadata = _front_matter_unopened(found)
        return Split(metadata, found.body.strip(), form=found.form) if metadata else Split({}, stripped)
    if found.language != "yaml":
        try:
            loaded = _load(found)
        except ValueError as exc:  # json.JSONDecodeError, tomllib.TOMLDecodeError
            reason = " ".join(str(exc).split())
            raise ExtractError(source_path, f"front matter cannot be parsed: {reason}") from None
        return _mapping(source_path, loaded, found)
    try:
        metadata = _load(found)
    except (yaml.YAMLError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        # a tag that would construct an object is refused, never read around
        salvaged = (
            {} if isinstance(exc, yaml.constructor.ConstructorError) else salvage_front_matter(found.raw)
        )
        if not salvaged:
            raise ExtractError(source_path, f"front matter cannot be parsed: {reason}") from None
        return Split(
            salvaged,
            found.body.strip(),
            f"front matter is not valid YAML ({_yaml_problem(exc, found.raw)}): read line by line",
            found.form,
        )
    return _mapping(source_path, metadata, found)


def _mapping(source_path: str, metadata: Any, found: Found) -> Split:
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ExtractError(
            source_path,
            f"front matter must be a mapping of keys to values, found a {type(metadata).__name__}",
        )
    return Split({str(key): value for key, value in metadata.items()}, found.body.strip(), form=found.form)


def _load(found: Found) -> Any:
    return _HANDLERS[found.language].load(found.raw, **_LOAD_OPTIONS[found.language])


def _front_matter_unopened(found: Found) -> dict[str, Any]:
    """Hexo's front matter without its opening line, if it is that: a mapping of identifier keys, one
    of them a key front matter has. Anything else (a `Note:` paragraph above a thematic break, lines
    that do not parse) is the body's, so nothing here raises."""
    try:
        loaded = _load(found)
    except (yaml.YAMLError, ValueError):
        return {}
    if not isinstance(loaded, dict) or not loaded:
        return {}
    keys = [key for key in loaded if isinstance(key, str) and _IDENTIFIER.fullmatch(key)]
    if len(keys) != len(loaded) or not FRONT_MATTER_KEYS.intersection(keys):
        return {}
    return loaded


class _TomlHandler(BaseHandler):  # type: ignore[misc]
    """Hugo's TOML front matter through the standard library's parser (python-frontmatter's own
    TOML handler needs the unmaintained `toml` package). Dates stay the text they were, as in YAML."""

    FM_BOUNDARY = TOML_FENCE
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return _dates_as_text(tomllib.loads(fm))


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    return value.isoformat() if isinstance(value, (datetime, date, time)) else value


_HANDLERS: dict[str, BaseHandler] = {
    "yaml": frontmatter.YAMLHandler(),
    "json": frontmatter.JSONHandler(),
    "toml": _TomlHandler(),
}
_LOAD_OPTIONS: dict[str, dict[str, Any]] = {"yaml": {"Loader": _DatesAsTextLoader}, "json": {}, "toml": {}}
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
# the keys Hexo, Hugo and Jekyll document (and the ones etl reads): one of them must be among the
# lines before a `---` given without its opening line, for those lines to be front matter
FRONT_MATTER_KEYS = frozenset(
    {
        "title", "date", "updated", "lastmod", "tags", "categories", "category", "author", "authors",
        "layout", "permalink", "slug", "comments", "lang", "published", "draft", "excerpt",
        "description", "photos", "keywords", "thumbnail", "headimg", "cover", "disableNunjucks",
    }
)  # fmt: skip


def _yaml_problem(exc: Exception, raw: str) -> str:
    """`could not find expected ':' in front matter line 2`: the YAML error, placed where the broken
    construct starts (the context) rather than where the parser gave up; line 1 follows the `---`."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        where = exc.context_mark or exc.problem_mark
        fence_rest = 1 if raw.startswith("\n") else 0  # the split leaves the fence line's end in raw
        return f"{exc.problem} in front matter line {where.line + 1 - fence_rest}" if where else exc.problem
    return " ".join(str(exc).split())
