"""Turn file bytes into text: UTF-8 first, then the legacy encodings of older archives, and exactly
why not when the bytes are not text.

UTF-8 (with or without BOM) and BOM-marked UTF-16 are read directly. A file that is UTF-8 but for
a few broken sequences (a cut emoji) keeps its text, with U+FFFD in their place and a warning that
names the byte offsets. Anything else goes to BeautifulSoup's UnicodeDammit with two candidates in
order: the encoding an HTML `<meta charset>` declares, then charset-normalizer's detection, which
first weighs the encodings of Chinese, Japanese, Korean and Western archives and only then every
other. A file none of them reads is refused. Detection runs only when UTF-8 fails.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from etl.errors import ExtractError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# at most this many broken sequences, each a tenth of the file's valid non-ASCII bytes at most, make
# a file "UTF-8 with damage" rather than another encoding (one byte of Latin-1 breaks UTF-8 too)
MAX_BROKEN_SEQUENCES = 8
VALID_PER_BROKEN_BYTE = 10
# a file more than this share NUL bytes is binary, even where the bytes happen to be valid UTF-8
BINARY_NUL_SHARE = 1 / 8
# the legacy encodings of the archives etl is made for, weighed first (and preferred in a tie)
ARCHIVE_ENCODINGS = ("gb18030", "big5", "cp932", "euc_jp", "cp949", "cp1252")
# decode with the superset browsers use (WHATWG Encoding Standard): a file labelled or detected
# as GB2312 often holds GBK characters, Shift_JIS holds Windows extensions, and so on
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the Python codec that read it: utf-8, utf-16, gb18030, big5hkscs, cp932, …
    warning: str | None = None


def decode_text(source_path: str, data: bytes) -> Decoded:
    """Decode a file's bytes; raises ExtractError when no encoding reads them as text."""
    if data.startswith(_UTF16_BOMS):
        try:
            return _cleaned(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractError(source_path, f"invalid UTF-16 at byte {exc.start}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_error = exc.start
    else:
        nuls = text.count("\x00")
        if nuls > BINARY_NUL_SHARE * len(data):
            raise ExtractError(source_path, f"binary data: {nuls:,} of its {len(data):,} bytes are NUL")
        return _cleaned(text, "utf-8")
    damaged = _utf8_with_damage(data)
    if damaged is not None:
        return damaged
    not_utf8 = f"not valid UTF-8 (byte 0x{data[first_error]:02x} at offset {first_error})"
    if b"\x00" in data:
        raise ExtractError(source_path, f"binary data: it holds NUL bytes and is {not_utf8}")
    return _detected(source_path, data, not_utf8)


def _cleaned(text: str, encoding: str, warning: str | None = None) -> Decoded:
    # NUL is never text, and Postgres refuses it: drop it so both backends load the same article
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return Decoded(text, encoding, warning)


def _utf8_with_damage(data: bytes) -> Decoded | None:
    """UTF-8 with a few invalid sequences replaced by U+FFFD, or None when it is not UTF-8 at all."""
    parts: list[str] = []
    broken: list[tuple[int, int]] = []  # byte offsets in the file, end excluded
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while True:
        try:
            parts.append(data[start:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            if len(broken) == MAX_BROKEN_SEQUENCES:
                return None
            parts.append(data[start : start + exc.start].decode("utf-8"))
            parts.append("\ufffd")
            broken.append((start + exc.start, start + exc.end))
            start += exc.end
    broken_bytes = sum(end - begin for begin, end in broken)
    valid_non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES)) - broken_bytes
    if valid_non_ascii < VALID_PER_BROKEN_BYTE * broken_bytes:
        return None
    offsets = ", ".join(str(begin) if end - begin == 1 else f"{begin}-{end - 1}" for begin, end in broken)
    warning = (
        f"not valid UTF-8 at byte offset{'s' if len(broken) > 1 else ''} {offsets}: "
        f"{len(broken)} sequence{'s' if len(broken) > 1 else ''} replaced by U+FFFD"
    )
    return _cleaned("".join(parts), "utf-8", warning)


def _detected(source_path: str, data: bytes, not_utf8: str) -> Decoded:
    """The text in the declared encoding, else the detected one; ExtractError when neither reads it."""
    from bs4.dammit import EncodingDetector, UnicodeDammit

    declared = EncodingDetector.find_declared_encoding(data, is_html=True, search_entire_document=True)
    candidates = [_superset(name) for name in (declared, _detect(data)) if name]
    if candidates:
        dammit = UnicodeDammit(data, known_definite_encodings=candidates, is_html=True)
        # UnicodeDammit falls back to UTF-8 and windows-1252 by itself: only a candidate counts
        if dammit.unicode_markup is not None and dammit.original_encoding in candidates:
            return _cleaned(dammit.unicode_markup, dammit.original_encoding)
    raise ExtractError(source_path, f"{not_utf8}, and no declared or detected encoding reads it as text")


def _detect(data: bytes) -> str | None:
    """charset-normalizer's choice: among the archive encodings first (the earliest in a tie), then any."""
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data, cp_isolation=list(ARCHIVE_ENCODINGS)))
    if matches:
        best = matches[0]
        tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        return min(tied, key=lambda name: ARCHIVE_ENCODINGS.index(name) if name in ARCHIVE_ENCODINGS else 99)
    found = charset_normalizer.from_bytes(data).best()
    return found.encoding if found else None


def _superset(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return SUPERSETS.get(canonical, canonical)
