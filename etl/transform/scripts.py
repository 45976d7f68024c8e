"""Traditional and Simplified Chinese: one folded form for the search index, and which script a
text is written in. Both through OpenCC, the maintained converter, with its phrase-aware `t2s`
configuration (phrases first, then characters: 頭髮 -> 头发, 乾隆 stays 乾隆)."""

from __future__ import annotations

import functools
from typing import Any

ZH_HANS = "zh-Hans"
ZH_HANT = "zh-Hant"
# the Han characters of the Basic Multilingual Plane: where OpenCC's character tables live
_HAN = range(0x4E00, 0xA000)


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` with Traditional characters and phrases written in Simplified: 烏克蘭 -> 乌克兰."""
    return _t2s().convert(text) if text else text


@functools.cache
def _simplified_forms() -> frozenset[str]:
    """Characters that are the Simplified form of some Traditional one (乌 of 烏, 发 of 發 and 髮).

    Taken from OpenCC's own t2s table, one character at a time (a line each, so no phrase joins
    two): the reverse direction's much larger phrase tables are not needed to tell the script.
    """
    characters = "\n".join(map(chr, _HAN))
    return frozenset(s for t, s in zip(characters, to_simplified(characters), strict=True) if s != t)


def chinese_script(text: str) -> str:
    """zh-Hant when more of `text` is Traditional-only characters than Simplified forms, else zh-Hans."""
    folded = to_simplified(text)
    if len(folded) == len(text):
        traditional = sum(1 for before, after in zip(text, folded, strict=True) if before != after)
    else:  # a phrase of another length: count by characters instead
        traditional = len(set(text) - set(folded))
    simplified_forms = _simplified_forms()
    simplified = sum(1 for character in folded if character in simplified_forms) - traditional
    return ZH_HANT if traditional > simplified else ZH_HANS
