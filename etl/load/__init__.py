"""Load stage: the only code that touches the database."""

from etl.load.engine import create_load_engine, engine_for
from etl.load.loader import BatchOutcome, Loader
from etl.load.migrate import (
    MigrationResult,
    current_revision,
    engine_at_head,
    head_revision,
    upgrade_database,
)

__all__ = [
    "BatchOutcome",
    "Loader",
    "MigrationResult",
    "create_load_engine",
    "current_revision",
    "engine_at_head",
    "engine_for",
    "head_revision",
    "upgrade_database",
]
