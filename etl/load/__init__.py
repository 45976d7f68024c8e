"""Load stage: the only code that touches the database.

`Loader` writes a run's articles and keeps its ledger; `engine_for` opens a database for one
command; `upgrade_database` applies the migrations. Names are imported on first use, so a command
that needs one part of this package (or none, like `etl --help`) does not pay for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.lazy import lazy_attributes

_EXPORTS = {
    "BatchOutcome": "etl.load.loader",
    "Loader": "etl.load.loader",
    "SCHEMA_HEAD": "etl.load.migrate",
    "MigrationResult": "etl.load.migrate",
    "current_revision": "etl.load.migrate",
    "engine_at_head": "etl.load.migrate",
    "upgrade_database": "etl.load.migrate",
    "create_load_engine": "etl.load.engine",
    "engine_for": "etl.load.engine",
}
__all__ = [
    "SCHEMA_HEAD",
    "BatchOutcome",
    "Loader",
    "MigrationResult",
    "create_load_engine",
    "current_revision",
    "engine_at_head",
    "engine_for",
    "upgrade_database",
]

if TYPE_CHECKING:
    from etl.load.engine import create_load_engine, engine_for
    from etl.load.loader import BatchOutcome, Loader
    from etl.load.migrate import (
        SCHEMA_HEAD,
        MigrationResult,
        current_revision,
        engine_at_head,
        upgrade_database,
    )


__getattr__ = lazy_attributes(__name__, _EXPORTS)
