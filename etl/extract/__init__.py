"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL.

Names are imported on first use: the run's own process only walks the folders (`discover_files`);
reading, decoding and splitting front matter happen in the workers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'etl.extract' has no attribute {name!r}")
