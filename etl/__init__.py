"""etl: turn folders of article files into a normalised relational database.

The Python API, for orchestrators (Airflow, Dagster, cron wrappers) and notebooks::

    import etl

    summary = etl.run(["archive/"], "postgresql+psycopg://etl@db/articles")
    print(summary.run_id, summary.status, summary.articles_inserted)

Each function raises etl's own exceptions (etl.errors.EtlError and its subclasses). They are
imported on first use, so `import etl` and `etl --help` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.lazy import lazy_attributes

__version__ = "0.7.0"

# the public API: etl.<name> is etl.api.<name>
__all__ = [
    "__version__",
    "current_revision",
    "file_problems",
    "grant_readonly",
    "rebuild_search_index",
    "recent_runs",
    "report",
    "run",
    "search",
    "stats",
    "upgrade",
]

if TYPE_CHECKING:
    from etl.api import (
        current_revision,
        file_problems,
        grant_readonly,
        rebuild_search_index,
        recent_runs,
        report,
        run,
        search,
        stats,
        upgrade,
    )


__getattr__ = lazy_attributes(__name__, {name: "etl.api" for name in __all__ if name != "__version__"})
