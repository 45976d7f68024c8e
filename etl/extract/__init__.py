"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL.

Names are imported on first use: the run's own process only walks the folders (`discover_files`);
reading, decoding and splitting front matter happen in the workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.lazy import lazy_attributes

_EXPORTS = {
    "discover_files": "etl.extract.discover",
    "document_from_bytes": "etl.extract.read",
    "read_bytes": "etl.extract.read",
    "read_document": "etl.extract.read",
    "sha256_hex": "etl.extract.read",
}
__all__ = ["discover_files", "document_from_bytes", "read_bytes", "read_document", "sha256_hex"]

if TYPE_CHECKING:
    from etl.extract.discover import discover_files
    from etl.extract.read import document_from_bytes, read_bytes, read_document, sha256_hex


__getattr__ = lazy_attributes(__name__, _EXPORTS)
