"""Text as the search index sees it: Traditional folded to Simplified, and every CJK character its
own token, so any substring matches in either script.

Chinese is written without spaces. A dictionary segmenter such as jieba splits names it does not
know (王毅, 布林肯, 马克龙 all come out in pieces) and its search mode emits overlapping tokens that
defeat phrase queries. Indexing each CJK character as a token and searching for a query as a phrase
of its characters finds exactly the articles that contain the query, with no dictionary, in one
str.translate pass. Latin words stay words: the database tokenizer lower-cases them.

The two databases split words differently (Postgres keeps `Miles.Guo`, `a-b`, `3.14` and
`x@y.com` as single tokens, SQLite's FTS5 splits them) and fold accents differently (FTS5 finds
`café` for `cafe`, Postgres does not), so the same table turns every punctuation mark and symbol
into a space and folds Latin letters to their base letters: both see the same words.
Queries go through the same function, so 乌克兰 and 烏克蘭 find the same articles.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from etl.records import SearchText
from etl.transform.scripts import to_simplified

# CJK in the Basic Multilingual Plane: kana, Han (with extension A and compatibility ideographs),
# hangul syllables; each becomes " c " through one str.translate table
_BMP_CJK = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
# Han extensions B-G are rare: a regex spaces them, only in texts that reach beyond the BMP
_ASTRAL_CJK = "\U00020000-\U0003134f"
_ASTRAL_EDGE = re.compile(f"(?<=[{_ASTRAL_CJK}])|(?=[{_ASTRAL_CJK}])")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
# full-width and half-width forms (Ｂｉｄｅｎ, ２０２２, ｶﾀｶﾅ) fold to their usual characters
_FORMS = range(0xFF01, 0xFFEF)
# Latin-1 Supplement to Latin Extended-B, and Latin Extended Additional (Vietnamese)
_ACCENTED_LATIN = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))


def index_text(text: str) -> str:
    """`text` in Simplified (phrase-aware, so 乾隆 stays 乾隆 while a lone 乾 becomes 干), with
    every CJK character spaced apart and full-width forms folded."""
    return space_cjk(to_simplified(text))


def space_cjk(text: str) -> str:
    """Every CJK character spaced apart, full-width forms and accented Latin letters folded,
    punctuation and symbols made spaces, one character at a time.

    No context, so a query and a document always split the same way.
    """
    spaced = text.translate(_table()).replace("  ", " ")  # 普京 -> " 普 京 ", not " 普  京 "
    if _BEYOND_BMP.search(text):  # the table leaves characters beyond the BMP as they are
        spaced = _ASTRAL_EDGE.sub(" ", _BEYOND_BMP.sub(_astral_symbol_spaced, spaced))
    return spaced


def _astral_symbol_spaced(found: re.Match[str]) -> str:
    """Emoji and other symbols beyond the BMP separate words, as in the BMP."""
    return " " if unicodedata.category(found[0])[0] in "PS" else found[0]


@functools.cache
def _table() -> dict[int, str]:
    table = {code: " " for code in range(0x10000) if unicodedata.category(chr(code))[0] in "PS"}
    for codes in _ACCENTED_LATIN:
        for code in codes:
            parts = unicodedata.normalize("NFKD", chr(code))
            base = "".join(c for c in parts if not unicodedata.combining(c))
            if base and base != chr(code) and base.isascii():
                table[code] = base
    table.update({code: f" {chr(code)} " for low, high in _BMP_CJK for code in range(low, high + 1)})
    for code in _FORMS:
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code):
            table[code] = table.get(ord(folded), folded) if len(folded) == 1 else folded
    table[0x3000] = " "  # ideographic space
    return table


def search_text(title: str | None, body_text: str) -> SearchText:
    return SearchText(title=index_text(title or ""), body=index_text(body_text))
