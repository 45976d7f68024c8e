"""Rows for people (an aligned table that counts CJK characters as two columns) or programs, and
text from files made safe to show.

Titles, names, paths and snippets come from strangers' files. A terminal obeys control
characters (an OSC sequence sets its title, its clipboard or a fake link) and bidirectional
overrides reorder what it shows; a spreadsheet runs a cell that starts with `=`. So everything
printed goes through `printable`, every CSV cell through `spreadsheet_safe`, and JSON escapes the
same characters as `\\uXXXX`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "csv", "json")
# C0 and C1 controls, DEL, bidirectional embeddings, overrides and isolates, lone surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")  # json escapes C0
# OWASP (CSV injection): a cell that starts with one of these is a formula to a spreadsheet
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape (`\\x1b`, `\\u202e`)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a formula-like string gets a leading `'`."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def json_text(value: Any, indent: int | None = 2) -> str:
    """JSON with non-ASCII text as it is, but the characters `printable` escapes as `\\uXXXX`."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    if fmt == "json":
        return json_text([dict(zip(columns, row, strict=True)) for row in rows])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([spreadsheet_safe(v) for v in row] for row in rows)
        return buffer.getvalue().rstrip("\n")
    return _table(columns, rows)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_text(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], int | float) for row in rows if row[i] is not None)
        for i in range(len(columns))
    ]
    widths = [max([_width(c) for c in [name, *(row[i] for row in cells)]]) for i, name in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        padded = [
            " " * (w - _width(v)) + v if right else v + " " * (w - _width(v))
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _text(value: Any) -> str:
    return "" if value is None else printable(str(value))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
