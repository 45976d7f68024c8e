"""Read one source file into a RawDocument."""

from __future__ import annotations

import hashlib

from etl.errors import ExtractError
from etl.extract.decode import decode_text
from etl.extract.frontmatter import split_front_matter
from etl.records import RawDocument, SourceFile


def read_document(source: SourceFile) -> RawDocument:
    """Read, hash, decode and split one file; raises ExtractError with the reason."""
    try:
        with open(source.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ExtractError(source.source_path, f"cannot read file: {exc.strerror}") from None
    text = decode_text(source.source_path, data)
    metadata, body, has_front_matter = split_front_matter(source.source_path, text)
    return RawDocument(
        source_path=source.source_path,
        content_sha256=hashlib.sha256(data).hexdigest(),
        metadata=metadata,
        body=body,
        has_front_matter=has_front_matter,
        source_root=source.root,
        size=source.size,
        mtime_ns=source.mtime_ns,
    )
