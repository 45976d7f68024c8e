"""Transform stage: pure functions from RawDocument to Article (or Skipped). No I/O, no database.

`transform` is the entry point. Names are imported on first use: the search commands need only
`etl.transform.index_text`, not the HTML and Markdown parsers behind `transform`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.lazy import lazy_attributes

__all__ = ["transform", "warm_up"]

if TYPE_CHECKING:
    from etl.transform.article import transform


def warm_up() -> None:
    """Load the lazily built tables and models (Public Suffix List, search-text table, OpenCC, the
    language identifier, rensa) now.

    Called by the fork server the workers are forked from (etl.transform.warm), so each worker,
    and each replacement of one, starts with them instead of spending ~1.5 s of CPU on them.
    """
    from etl.transform.language import identify

    # py3langid's model first: loading it briefly takes ~30 MB more than it keeps, which then
    # does not add to the parsers' memory in the peak
    identify(None, "text")
    identify("中", "文")  # OpenCC's table, by the path CJK text takes
    from etl.transform.article import transform  # noqa: F401  (the parsers, imported once)
    from etl.transform.fingerprint import fingerprint
    from etl.transform.index_text import index_text
    from etl.transform.urls import registered_domain

    registered_domain("example.com")
    index_text("中")
    fingerprint("warm up the signature's hashing and rensa once, before the workers fork")


__getattr__ = lazy_attributes(__name__, {"transform": "etl.transform.article"})
