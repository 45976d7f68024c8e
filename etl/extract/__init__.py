"""Extract stage: find files and read them into RawDocuments. Knows nothing of SQL."""

from etl.extract.discover import Shard, discover_files
from etl.extract.read import read_document

__all__ = ["Shard", "discover_files", "read_document"]
