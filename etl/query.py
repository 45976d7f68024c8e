"""Search queries as people type them into a web search box, and snippets of what they find.

    普京 拜登          both words (every term must occur)
    普京 OR 拜登       either word
    普京 -拜登         普京, and not 拜登
    "Joe Biden"        the words together, as written

Everything else is taken literally: a query becomes phrases of index text, and the database is
only ever asked whether a phrase occurs, so no query is passed on as FTS5 or tsquery syntax.
Query-time code: the index text is made by etl.transform.index_text, which a query goes through
too (Traditional folded to Simplified, CJK characters spaced), so both split the same way.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from etl.transform.index_text import index_text
from etl.transform.scripts import to_simplified

# a quoted phrase (maybe unclosed, maybe excluded), or a run of anything else
_TOKEN = re.compile(r'(?P<minus>-?)"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_SEARCHABLE = re.compile(r"[^\W_]")  # a letter or digit: something a tokenizer keeps
OR = "OR"
# terms beyond these are ignored: a pasted page must not become a thousand-term query
MAX_TERMS = 32
SNIPPET_CHARS = 120
SNIPPET_LEAD = 30
_WORD_PIECE = re.compile(r"[^\W_]+")
_CJK_PIECE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class SearchQuery:
    """Every group must match, a group when any of its phrases occurs; no excluded phrase may.

    Phrases are in index form (Simplified, CJK spaced); `terms` are the wanted terms as typed.
    """

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Nothing to find: no term holds a letter or digit, or every term is excluded."""
        return not self.groups


@dataclass(frozen=True)
class _Term:
    text: str
    excluded: bool


def parse_query(query: str) -> SearchQuery:
    """The query's terms, OR-groups, exclusions and phrases; never raises."""
    terms = [
        _Term(m["phrase"], bool(m["minus"])) if m["word"] is None else _word(m["word"])
        for m in _TOKEN.finditer(query)
    ]
    groups: list[list[str]] = []
    excluded: list[str] = []
    wanted: list[str] = []
    joins_next = False
    for index, term in enumerate(terms):
        phrase = " ".join(index_text(term.text).split())
        if not _SEARCHABLE.search(phrase):
            continue
        if term.excluded:
            excluded.append(phrase)
        elif term.text == OR and _or_between(terms, index):
            joins_next = True
            continue
        elif joins_next and groups:
            groups[-1].append(phrase)
            wanted.append(term.text)
        else:
            groups.append([phrase])
            wanted.append(term.text)
        joins_next = False
    return SearchQuery(
        tuple(tuple(g) for g in groups[:MAX_TERMS]), tuple(excluded[:MAX_TERMS]), tuple(wanted[:MAX_TERMS])
    )


def _word(word: str) -> _Term:
    if word.startswith("-") and len(word) > 1:
        return _Term(word[1:], True)
    return _Term(word, False)


def _or_between(terms: list[_Term], index: int) -> bool:
    """An OR joins the terms around it only when both are wanted terms; otherwise it is a word."""
    before, after = terms[index - 1] if index else None, terms[index + 1] if index + 1 < len(terms) else None
    return bool(before and after and not before.excluded and not after.excluded and after.text != OR)


def snippet(text: str, terms: tuple[str, ...]) -> str:
    """About SNIPPET_CHARS characters of the article's own `text` around the first match, in
    either script, on one line. A match is where the index matched: a whole word for Latin words
    (`edited` is not inside `accredited`), the words of a phrase with anything between them that
    is not a letter or digit (`Miles.Guo` for "Miles Guo"), a run of characters for CJK."""
    folded = to_simplified(text)
    if len(folded) != len(text):  # a phrase changed length: offsets in it are not offsets in text
        folded = text
    hits = [found.start() for found in (_where(term).search(folded) for term in terms) if found]
    start = max(min(hits) - SNIPPET_LEAD, 0) if hits else 0
    piece = " ".join(text[start : start + SNIPPET_CHARS].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return f"{prefix}{piece}{suffix}"


@functools.lru_cache(maxsize=256)
def _where(term: str) -> re.Pattern[str]:
    """Where `term` occurs as the index sees it (see snippet)."""
    pieces = _WORD_PIECE.findall(to_simplified(term))
    if not pieces:
        return re.compile(re.escape(term), re.IGNORECASE)
    parts = [
        re.escape(p) if _CJK_PIECE.search(p) else rf"(?<![^\W_]){re.escape(p)}(?![^\W_])" for p in pieces
    ]
    return re.compile(r"[\W_]*".join(parts), re.IGNORECASE)
