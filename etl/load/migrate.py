"""Schema management through Alembic: the only way tables are created or changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from etl.errors import ConfigError
from etl.load.comments import describe_views

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = PROJECT_ROOT / "migrations"


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    """The project's Alembic config, bound to `connection` when one is given."""
    if not (MIGRATIONS / "env.py").is_file():
        raise ConfigError(
            f"migrations not found at {MIGRATIONS}; install etl from a checkout (pip install -e .)"
        )
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["configure_logger"] = False
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine) -> MigrationResult:
    """Apply every pending migration in one transaction."""
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(alembic_config(connection), "head")
        after = MigrationContext.configure(connection).get_current_revision()
        describe_views(connection)
    return MigrationResult(before=before, after=after)


def require_head(engine: Engine) -> None:
    """Refuse to read a database whose schema is older than this etl (views or index missing)."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise ConfigError(
            f"the database schema is at revision {current or '(none)'}, this etl needs {head}: "
            "run `etl db upgrade` (or `etl run`) first"
        )
