"""Text as the search index sees it: every CJK character its own token, so any substring matches.

Chinese is written without spaces. A dictionary segmenter such as jieba splits names it does not
know (王毅, 布林肯, 马克龙 all come out in pieces) and its search mode emits overlapping tokens that
defeat phrase queries. Indexing each CJK character as a token and searching for a query as a phrase
of its characters finds exactly the articles that contain the query, with no dictionary, in one
str.translate pass. Latin words stay words: the database tokenizer splits and lower-cases them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from etl.records import SearchText

# CJK in the Basic Multilingual Plane: kana, Han (with extension A and compatibility ideographs),
# hangul syllables; each becomes " c " through one str.translate table
_BMP_CJK = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
# Han extensions B-G are rare: a regex spaces them, only in texts that reach beyond the BMP
_ASTRAL_CJK = "\U00020000-\U0003134f"
_ASTRAL_EDGE = re.compile(f"(?<=[{_ASTRAL_CJK}])|(?=[{_ASTRAL_CJK}])")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
# full-width and half-width forms (Ｂｉｄｅｎ, ２０２２, ｶﾀｶﾅ) fold to their usual characters
_FORMS = range(0xFF01, 0xFFEF)
_WORD_CHAR = re.compile(r"\w")
SNIPPET_CHARS = 120
SNIPPET_LEAD = 30


@dataclass(frozen=True)
class SearchQuery:
    """A query as phrases that must all occur; each phrase is already in index form."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]


def index_text(text: str) -> str:
    """`text` with every CJK character spaced apart and full-width forms folded, one char at a time.

    Character by character (no context), so a query and a document always split the same way.
    """
    spaced = text.translate(_table()).replace("  ", " ")  # 普京 -> " 普 京 ", not " 普  京 "
    if _BEYOND_BMP.search(text):  # the table leaves characters beyond the BMP as they are
        spaced = _ASTRAL_EDGE.sub(" ", spaced)
    return spaced


@functools.cache
def _table() -> dict[int, str]:
    table = {code: f" {chr(code)} " for low, high in _BMP_CJK for code in range(low, high + 1)}
    for code in _FORMS:
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code):
            table[code] = table.get(ord(folded), folded) if len(folded) == 1 else folded
    table[0x3000] = " "  # ideographic space
    return table


def search_text(title: str | None, body_text: str) -> SearchText:
    return SearchText(title=index_text(title or ""), body=index_text(body_text))


def parse_query(query: str) -> SearchQuery:
    """Whitespace-separated terms, each a phrase; raises ValueError when nothing is searchable."""
    terms = tuple(t for t in query.split() if _WORD_CHAR.search(t))
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}: give a word or some Chinese characters")
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
