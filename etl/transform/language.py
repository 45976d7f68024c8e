"""The language of an article (ISO 639-1, by py3langid, offline) and, for Chinese, its script."""

from __future__ import annotations

import functools
from typing import Any

from etl.transform.scripts import chinese_script

# the start of the text is enough to tell a language, and the identifier's time grows with length
SAMPLE_CHARS = 1000


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    # ISO 639-1 only: the model's three-letter labels (wuu, yue, …) would split Chinese by dialect
    identifier.set_languages([label for label in identifier.labels if len(label) == 2])
    return identifier


def identify(title: str | None, body_text: str) -> tuple[str | None, str | None]:
    """(language, script): ('zh', 'zh-Hant'), ('en', None), …; (None, None) for a text without words."""
    sample = f"{title or ''}\n{body_text[:SAMPLE_CHARS]}"
    if not any(ch.isalpha() for ch in sample):
        return None, None
    language = _identifier().classify(sample)[0]
    return language, chinese_script(sample) if language == "zh" else None
