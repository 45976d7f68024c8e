"""etl: turn folders of article files into a normalised relational database."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("etl")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
