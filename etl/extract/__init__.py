"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL."""

from etl.extract.discover import discover_files
from etl.extract.read import read_document

__all__ = ["discover_files", "read_document"]
