"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL."""

from etl.extract.discover import discover_files
from etl.extract.read import document_from_bytes, read_bytes, read_document, sha256_hex

__all__ = ["discover_files", "document_from_bytes", "read_bytes", "read_document", "sha256_hex"]
