"""File names as text that every database and terminal takes, and back.

A POSIX file name is bytes. Python reads the bytes that are not UTF-8 as lone surrogates
(PEP 383), which neither SQLite, Postgres nor a UTF-8 terminal accepts. Such bytes are written
`\\xNN` and a backslash `\\\\`, so every name is valid UTF-8 text and the escaped form still names
exactly one file: `filesystem_name(text_name(name)) == name` for every name.
"""

from __future__ import annotations

import os
import re

_ESCAPED = re.compile(r"\\(\\|x[0-9a-f]{2})")


def text_name(name: str) -> str:
    """`name` (as os.scandir gives it) as UTF-8 text: undecodable bytes `\\xNN`, backslashes doubled."""
    if name.isascii() and "\\" not in name:
        return name  # nearly every name: nothing to escape
    name = name.replace("\\", "\\\\")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in name)
    return name


def filesystem_name(text: str) -> str:
    """The file name that `text_name` turned into `text`, ready for open() or os.stat()."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: "\\" if m[1] == "\\" else chr(0xDC00 + int(m[1][1:], 16)), text)


def text_path(path: str | os.PathLike[str]) -> str:
    """A whole path as text (see text_name), e.g. an input root given on the command line."""
    return text_name(os.fspath(path))
