"""Text that every backend stores and every terminal shows as text.

Control characters (C0 but for whitespace, DEL, C1) carry no text; in a title or a name they can
move a terminal's cursor, set its window title or its clipboard. NUL and lone surrogates (YAML's
`"\\0"` and `"\\ud800"` escapes) are refused by Postgres, and surrogates by SQLite's UTF-8 too.
"""

from __future__ import annotations

import re

_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text to show: no control characters (tab, line feed and carriage return stay), lone
    surrogates as U+FFFD."""
    if _UNWANTED.search(text) is None:
        return text
    return _UNWANTED.sub(_replacement, text)


def storable(text: str) -> str:
    """Text kept as written (front matter values), but for NUL, dropped, and lone surrogates, U+FFFD."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return "\ufffd" if match[0] >= "\ud800" else ""
