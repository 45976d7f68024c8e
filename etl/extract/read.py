"""Read one source file into a RawDocument."""

from __future__ import annotations

import hashlib

from etl.errors import ExtractError
from etl.extract.decode import decode_text
from etl.extract.split import split_front_matter
from etl.records import FileWarning, RawDocument, SourceFile


def read_bytes(source: SourceFile) -> bytes:
    try:
        with open(source.path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ExtractError(source.source_path, f"cannot read file: {exc.strerror}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_document(source: SourceFile) -> RawDocument:
    """Read, hash, decode and split one file; raises ExtractError with the reason."""
    data = read_bytes(source)
    return document_from_bytes(source, data, sha256_hex(data))


def document_from_bytes(source: SourceFile, data: bytes, content_sha256: str) -> RawDocument:
    """Decode and split bytes already read and hashed (the worker hashes first, to skip unchanged files)."""
    decoded = decode_text(source.source_path, data)
    split = split_front_matter(source.source_path, decoded.text)
    warnings = tuple(FileWarning("extract", w) for w in (decoded.warning, split.warning) if w)
    return RawDocument(source, content_sha256, split.metadata, split.body, decoded.encoding, warnings)
