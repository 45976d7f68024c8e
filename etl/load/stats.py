"""Counts for `etl stats`, read from the BI views so they agree with what dashboards show: each
real article once (a file that is a copy or revision of another counts with it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from etl.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# real articles: live, not drafts, and the representative of their copies and revisions
LIVE = (
    "JOIN articles a ON a.id = {alias}.article_id AND a.deleted_at IS NULL AND a.kind <> 'draft'"
    " AND a.canonical_article_id = a.id"
)

QUERIES = {
    # every level counts the live articles filed under it or below it
    "category": (
        "SELECT c.path AS category, c.depth, count(DISTINCT ac.article_id) AS articles FROM categories c"
        " JOIN categories leaf ON leaf.path = c.path"
        " OR substr(leaf.path, 1, length(c.path) + 1) = c.path || '/'"
        " JOIN article_categories ac ON ac.category_id = leaf.id "
        + LIVE.format(alias="ac")
        + " GROUP BY c.path, c.depth ORDER BY c.path"
    ),
    # the only count with the drafts in it: the views leave them out
    "kind": (
        "SELECT kind, count(*) AS articles FROM articles WHERE deleted_at IS NULL"
        " AND canonical_article_id = id GROUP BY kind ORDER BY articles DESC, kind"
    ),
    "feed": "SELECT feed, count(*) AS articles FROM v_articles GROUP BY feed ORDER BY articles DESC, feed",
    "month": (
        "SELECT month, count(*) AS articles FROM v_articles GROUP BY month ORDER BY month IS NULL, month"
    ),
    "domain": (
        "SELECT registered_domain AS domain, link_rows AS links, article_count AS articles,"
        " link_count AS urls FROM v_domain_stats ORDER BY link_rows DESC, registered_domain"
    ),
    "language": (
        "SELECT language, script, count(*) AS articles FROM v_articles"
        " GROUP BY language, script ORDER BY articles DESC, language, script"
    ),
    "encoding": (
        "SELECT source_encoding AS encoding, count(*) AS articles FROM v_articles"
        " GROUP BY source_encoding ORDER BY articles DESC, source_encoding"
    ),
    # people, not spellings: authors that share a person key are one person (see etl.transform.people)
    "role": (
        "SELECT x.role, count(*) AS credits, count(DISTINCT coalesce(au.person, au.name)) AS people,"
        " count(DISTINCT x.article_id) AS articles FROM article_authors x "
        + LIVE.format(alias="x")
        + " JOIN authors au ON au.id = x.author_id GROUP BY x.role ORDER BY credits DESC, x.role"
    ),
}
DIMENSIONS = tuple(QUERIES)
# what a missing value is called in a table or CSV (JSON keeps null): a month unknown, a script
# that does not apply (only Chinese has one)
MISSING = {"month": "(undated)", "script": "(none)"}
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Counts:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def named_rows(self) -> list[tuple[Any, ...]]:
        """The rows with a name for each missing value, so no row of a table or CSV is blank."""
        names = [MISSING.get(column, UNKNOWN) for column in self.columns]
        return [
            tuple(name if value is None else value for name, value in zip(names, row, strict=True))
            for row in self.rows
        ]


def counts_by(engine: Engine, dimension: str) -> Counts:
    from sqlalchemy import text  # here, so the command line can read DIMENSIONS without SQLAlchemy

    if dimension not in QUERIES:
        raise ConfigError(f"cannot count by {dimension!r}: choose one of {', '.join(DIMENSIONS)}")
    with engine.connect() as connection:
        result = connection.execute(text(QUERIES[dimension]))
        return Counts(columns=tuple(result.keys()), rows=[tuple(row) for row in result])
