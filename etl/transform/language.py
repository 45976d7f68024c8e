"""The language of an article (ISO 639-1) and, for Chinese, its script.

Text written in CJK scripts is told by its script, as py3langid itself concludes: Han characters
alone are Chinese, Han with kana Japanese, hangul Korean. That is a count of characters, where the
identifier's n-gram walk costs about a millisecond per article, most of the language cost of a
Chinese archive. Every other text goes to py3langid, the maintained offline identifier.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from etl.transform.scripts import chinese_script

# the start of the text is enough to tell a language, and the identifier's time grows with length
SAMPLE_CHARS = 300
# a text whose letters are at least this share CJK is told by its script; Japanese when at least
# this share of its CJK is kana (Chinese writers borrow a の now and then)
CJK_SHARE = 0.5
KANA_SHARE = 0.05
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def identify(title: str | None, body_text: str) -> tuple[str | None, str | None]:
    """(language, script): ('zh', 'zh-Hant'), ('en', None), …; (None, None) for a text without words."""
    sample = f"{title or ''}\n{body_text[:SAMPLE_CHARS]}"
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None, None
    han, kana, hangul = (len(pattern.findall(sample)) for pattern in (_HAN, _KANA, _HANGUL))
    if han + kana + hangul >= CJK_SHARE * letters:
        if hangul > han + kana:
            return "ko", None
        if kana >= KANA_SHARE * (han + kana):
            return "ja", None
        return "zh", chinese_script(sample)
    # ISO 639-1 only: the model's three-letter labels (wuu, yue, …) split Chinese by dialect
    language = next(label for label, _ in _identifier().rank(sample) if len(label) == 2)
    return language, chinese_script(sample) if language == "zh" else None
