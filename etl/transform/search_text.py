"""Text as the search index sees it: every CJK character its own token, so any substring matches.

Chinese is written without spaces. A dictionary segmenter such as jieba splits names it does not
know (王毅, 布林肯, 马克龙 all come out in pieces) and its search mode emits overlapping tokens that
defeat phrase queries. Indexing each CJK character as a token and searching for a query as a phrase
of its characters finds exactly the articles that contain the query, with no dictionary and at
regex speed. Latin words stay words: the database tokenizer splits and lower-cases them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from etl.records import SearchText

# Han (with extensions A-G and compatibility ideographs), kana and hangul syllables
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
# the empty positions before and after each CJK character: a literal replacement stays in C
_CJK_EDGE = re.compile(f"(?<=[{_CJK}])|(?=[{_CJK}])")
_WORD_CHAR = re.compile(r"\w")
SNIPPET_CHARS = 120
SNIPPET_LEAD = 30


@dataclass(frozen=True)
class SearchQuery:
    """A query as phrases that must all occur; each phrase is already in index form."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]


def index_text(text: str) -> str:
    """NFKC-folded (full-width Latin becomes ASCII), with spaces around every CJK character."""
    return _CJK_EDGE.sub(" ", unicodedata.normalize("NFKC", text))


def search_text(title: str | None, body_text: str) -> SearchText:
    return SearchText(title=index_text(title or ""), body=index_text(body_text))


def parse_query(query: str) -> SearchQuery:
    """Whitespace-separated terms, each a phrase; raises ValueError when nothing is searchable."""
    terms = tuple(t for t in unicodedata.normalize("NFKC", query).split() if _WORD_CHAR.search(t))
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}: give a word or some Chinese characters")
    return SearchQuery(terms=terms, phrases=tuple(index_text(t).strip() for t in terms))


def snippet(text: str, terms: tuple[str, ...]) -> str:
    """About SNIPPET_CHARS characters of `text` around the first term found, on one line."""
    folded = text.lower()
    hits = [i for i in (folded.find(t.lower()) for t in terms) if i >= 0]
    start = max(min(hits) - SNIPPET_LEAD, 0) if hits else 0
    piece = " ".join(text[start : start + SNIPPET_CHARS].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return f"{prefix}{piece}{suffix}"
