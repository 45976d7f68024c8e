"""Load stage: the only code that touches the database."""

from etl.load.engine import create_load_engine
from etl.load.loader import BatchOutcome, Loader
from etl.load.migrate import MigrationResult, current_revision, head_revision, require_head, upgrade_database

__all__ = [
    "BatchOutcome",
    "Loader",
    "MigrationResult",
    "create_load_engine",
    "current_revision",
    "head_revision",
    "require_head",
    "upgrade_database",
]
