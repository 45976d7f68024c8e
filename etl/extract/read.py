"""Read one source file into a RawDocument."""

from __future__ import annotations

import hashlib
import os
from stat import S_ISREG

from etl.errors import ExtractError
from etl.extract.decode import decode_text
from etl.extract.discover import DEFAULT_MAX_FILE_SIZE, format_size
from etl.extract.split import split_front_matter
from etl.records import FileWarning, RawDocument, SourceFile

# never follow a symlink (the walk resolved the ones it allows), never block on a FIFO
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_READ_CHUNK = 2**20


def read_bytes(source: SourceFile, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The file's bytes, if it is still the regular file the walk found and no larger than the limit."""
    try:
        descriptor = os.open(source.path, _OPEN_FLAGS)
    except OSError as exc:
        raise ExtractError(source.source_path, f"cannot read file: {exc.strerror}") from None
    try:
        stat = os.fstat(descriptor)
        if not S_ISREG(stat.st_mode):
            raise ExtractError(source.source_path, "not a regular file any more: not read")
        if source.inode and (stat.st_dev, stat.st_ino) != (source.device, source.inode):
            raise ExtractError(source.source_path, "replaced by another file while the run read the folder")
        return _read_at_most(source, descriptor, max_file_size)
    except OSError as exc:
        raise ExtractError(source.source_path, f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(descriptor)


def _read_at_most(source: SourceFile, descriptor: int, max_file_size: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total <= max_file_size:
        part = os.read(descriptor, min(_READ_CHUNK, max_file_size + 1 - total))
        if not part:
            return b"".join(parts)
        parts.append(part)
        total += len(part)
    raise ExtractError(
        source.source_path,
        f"the file grew over the limit of {format_size(max_file_size)} (--max-file-size): not read",
    )


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
    return RawDocument(
        source, content_sha256, split.metadata, split.body, decoded.encoding, warnings, split.form
    )
