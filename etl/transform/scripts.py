"""Traditional and Simplified Chinese: one folded form for the search index, and which script a
text is written in. Both through OpenCC, the maintained converter, with its phrase-aware `t2s`
configuration (phrases first, then characters: 頭髮 -> 头发, 乾隆 stays 乾隆)."""

from __future__ import annotations

import functools

ZH_HANS = "zh-Hans"
ZH_HANT = "zh-Hant"


@functools.cache
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """`text` with Traditional characters and phrases written in Simplified: 烏克蘭 -> 乌克兰."""
    return _converter("t2s").convert(text) if text else text


def chinese_script(text: str) -> str:
    """zh-Hant when more of `text` changes by Traditional -> Simplified than the other way, else zh-Hans."""
    traditional = _changed(text, to_simplified(text))
    simplified = _changed(text, _converter("s2t").convert(text))
    return ZH_HANT if traditional > simplified else ZH_HANS


def _changed(before: str, after: str) -> int:
    if len(before) != len(after):  # a phrase of another length: count by characters instead
        return len(set(before) ^ set(after))
    return sum(1 for a, b in zip(before, after, strict=True) if a != b)
