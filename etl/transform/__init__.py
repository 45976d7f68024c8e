"""Transform stage: pure functions from RawDocument to Article. No I/O, no database."""

from etl.transform.article import transform

__all__ = ["transform"]
