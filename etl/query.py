"""Search queries as people type them, turned into phrases the index matches; snippets of the hits.

Query-time code: the index text itself is built by etl.transform.index_text, which a query goes
through too, so a query and a document always split the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.errors import QueryError
from etl.transform.index_text import index_text

_WORD_CHAR = re.compile(r"\w")
SNIPPET_CHARS = 120
SNIPPET_LEAD = 30


@dataclass(frozen=True)
class SearchQuery:
    """A query as phrases that must all occur; each phrase is already in index form."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]


def parse_query(query: str) -> SearchQuery:
    """Whitespace-separated terms, each a phrase; raises QueryError when nothing is searchable."""
    terms = tuple(t for t in query.split() if _WORD_CHAR.search(t))
    if not terms:
        raise QueryError(f"nothing to search for in {query!r}: give a word or some Chinese characters")
    return SearchQuery(terms=terms, phrases=tuple(" ".join(index_text(t).split()) for t in terms))


def snippet(text: str, terms: tuple[str, ...]) -> str:
    """About SNIPPET_CHARS characters of `text` around the first term found, on one line."""
    folded = text.lower()
    hits = [i for i in (folded.find(t.lower()) for t in terms) if i >= 0]
    start = max(min(hits) - SNIPPET_LEAD, 0) if hits else 0
    piece = " ".join(text[start : start + SNIPPET_CHARS].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return f"{prefix}{piece}{suffix}"
