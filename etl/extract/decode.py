"""Turn file bytes into text, saying exactly why when they are not text."""

from __future__ import annotations

import codecs

from etl.errors import ExtractError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(source_path: str, data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is an error."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractError(source_path, f"invalid UTF-16 at byte {exc.start}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(
            source_path, f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None
    # NUL is never text, and Postgres refuses it: drop it so both backends load the same article
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
