"""Full-text search over loaded articles, and rebuilding its index from the articles table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from etl.load import engine_at_head, search_index
from etl.query import parse_query, snippet
from etl.transform.index_text import search_text

REBUILD_BATCH = 500


@dataclass(frozen=True)
class Match:
    article: search_index.SearchHit
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    matches: list[Match]
    indexed: int
    live: int

    @property
    def complete(self) -> bool:
        """False when some live articles are missing from the index (e.g. right after an upgrade)."""
        return self.indexed >= self.live


def find(url: URL, query: str, limit: int) -> SearchResult:
    """Live articles containing every term of `query`; raises ValueError for an empty query."""
    parsed = parse_query(query)
    with engine_at_head(url) as engine, engine.connect() as connection:
        hits = search_index.search(connection, parsed.phrases, limit)
        indexed, live = search_index.coverage(connection)
    matches = [Match(hit, snippet(hit.body_text, parsed.terms)) for hit in hits]
    return SearchResult(matches=matches, indexed=indexed, live=live)


def rebuild(url: URL) -> int:
    """Recreate the whole index from the articles table, in one transaction; articles indexed."""
    total = 0
    with engine_at_head(url) as engine, engine.begin() as connection:
        search_index.clear(connection)
        for rows in search_index.live_articles(connection, REBUILD_BATCH):
            search_index.add_entries(connection, [(i, search_text(title, body)) for i, title, body in rows])
            total += len(rows)
    return total
