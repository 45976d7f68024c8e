"""Transform stage: pure functions from RawDocument to Article (or Skipped). No I/O, no database."""

from etl.transform.article import transform
from etl.transform.index_text import index_text
from etl.transform.language import identify
from etl.transform.urls import registered_domain


def warm_up() -> None:
    """Load the lazily built tables and models (Public Suffix List, search-text table, OpenCC, the
    language identifier) now.

    Called in the parent before it forks workers, so each worker, and each replacement of one,
    starts with them instead of spending ~0.6 s of CPU importing and building them again.
    """
    registered_domain("example.com")
    index_text("中")
    identify("中", "文")


__all__ = ["transform", "warm_up"]
