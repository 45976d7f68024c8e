"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL."""

from etl.extract.discover import Shard, discover_files
from etl.extract.read import document_from_bytes, read_bytes, read_document, sha256_hex

__all__ = ["Shard", "discover_files", "document_from_bytes", "read_bytes", "read_document", "sha256_hex"]
