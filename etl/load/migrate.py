"""Schema management through Alembic: the only way tables are created or changed.

Alembic is imported only when a migration has to run: a database already at SCHEMA_HEAD is
recognised with one query, which keeps `etl run` over unchanged files, `etl search` and
`etl stats` from paying Alembic's start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigError
from etl.load.comments import describe_views
from etl.load.drift import find_drift, repair_views
from etl.load.engine import engine_for
from etl.load.locks import LOCK_NOT_AVAILABLE

if TYPE_CHECKING:
    from alembic.config import Config

PACKAGE = Path(__file__).resolve().parents[1]
# the newest revision in migrations/versions; tests/test_migrations.py keeps the two equal
SCHEMA_HEAD = "0016"
VERSION_TABLE = "alembic_version"
# a Postgres advisory lock key of its own, "etl-migr" as a number: only for a database without
# alembic_version yet (once there is one, migrators lock that table, which a reader cannot)
MIGRATION_LOCK = int.from_bytes(b"etl-migr", "big")
# a migration that waits longer than this for a table (a BI session's open transaction) says so
MIGRATION_LOCK_TIMEOUT = "60s"


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str | None
    repaired: tuple[str, ...] = ()  # views that had been dropped or replaced and were recreated

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def describe(self) -> str:
        if self.changed:
            said = f"Migrations applied: {self.before or '(empty database)'} -> {self.after}"
        else:
            said = f"Schema up to date at revision {self.after}"
        if self.repaired:
            said += f"; recreated the views {', '.join(self.repaired)}, which had been dropped or changed"
        return said


def migrations_home() -> Path:
    """The folder holding alembic.ini and migrations/: the installed package (a wheel carries them
    inside it), else the top of the checkout this etl runs from."""
    for home in (PACKAGE, PACKAGE.parent):
        if (home / "migrations" / "env.py").is_file() and (home / "alembic.ini").is_file():
            return home
    raise ConfigError(
        f"migrations not found in {PACKAGE} or {PACKAGE.parent}: this etl installation is incomplete, "
        "reinstall it (pip install etl-*.whl, or pip install -e . in a checkout)"
    )


def alembic_config(connection: Connection | None = None) -> Config:
    """The project's Alembic config, bound to `connection` when one is given."""
    from alembic.config import Config

    home = migrations_home()
    config = Config(str(home / "alembic.ini"))
    config.set_main_option("script_location", str(home / "migrations"))
    config.attributes["configure_logger"] = False
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _stamped(connection)


def upgrade_database(engine: Engine) -> MigrationResult:
    """Apply every pending migration in one transaction, then repair what drifted: views someone
    dropped or replaced are recreated; a missing table or column is a ConfigError that says so.

    Loaders started together on an empty database (the shards of a Kubernetes Job) migrate one
    after the other: on Postgres a transaction lock makes the others wait and then find the schema
    at head (SQLite's BEGIN IMMEDIATE does the same).
    """
    with engine.connect() as connection, _foreign_keys_deferred_to_the_end(connection), connection.begin():
        before = _stamped(connection)
        if before != SCHEMA_HEAD and connection.dialect.name == "postgresql":
            _lock_for_migration(connection)
            before = _stamped(connection)
        if before != SCHEMA_HEAD:
            from alembic import command
            from alembic.util import CommandError

            try:
                command.upgrade(alembic_config(connection), "head")
            except CommandError as exc:
                raise ConfigError(
                    f"cannot migrate the database from revision {before}: {exc} (was it made by a newer etl?)"
                ) from None
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                    raise
                raise ConfigError(
                    f"the migration from revision {before} waited {MIGRATION_LOCK_TIMEOUT} for a table that "
                    "another session holds (an open transaction of a BI tool?) and gave up; nothing changed. "
                    "Run again when that session has ended"
                ) from None
        after = _stamped(connection)
        if after != before:  # only a migration runs with SQLite's foreign keys off (0.2 s on 250 MB)
            _check_foreign_keys(connection)
        drift = find_drift(connection)
        problem = drift.problem()
        if problem:
            raise ConfigError(problem)
        repaired = repair_views(connection, drift.broken_views) if drift.broken_views else ()
        describe_views(connection)
    return MigrationResult(before=before, after=after, repaired=repaired)


@contextmanager
def _foreign_keys_deferred_to_the_end(connection: Connection) -> Iterator[None]:
    """SQLite: no foreign key enforcement while migrating. Alembic rebuilds a table to change its
    constraints (copy, drop, rename), and dropping a parent table with enforcement on would first
    delete every child row by cascade. The pragma works only outside a transaction, hence on the
    driver's connection before the migration's transaction begins; _check_foreign_keys verifies
    the result before it commits."""
    raw = connection.connection.dbapi_connection
    if connection.dialect.name != "sqlite" or raw is None:
        yield
        return
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ConfigError(f"the migration left rows whose references are broken: {broken[:5]}")


def _lock_for_migration(connection: Connection) -> None:
    """One migrator at a time. The version table is locked in a mode a read-only login cannot take
    (it needs UPDATE); an empty database has none yet, and gets an advisory lock instead."""
    if inspect(connection).has_table(VERSION_TABLE):
        connection.exec_driver_sql(f"LOCK TABLE {VERSION_TABLE} IN EXCLUSIVE MODE")
    else:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'")


def require_head(engine: Engine) -> None:
    """Refuse to read a database whose schema is older than this etl (views or index missing)."""
    current = current_revision(engine)
    if current != SCHEMA_HEAD:
        raise ConfigError(
            f"the database schema is at revision {current or '(none)'}, this etl needs {SCHEMA_HEAD}: "
            "run `etl db upgrade` (or `etl run`) first"
        )


@contextmanager
def engine_at_head(url: URL) -> Iterator[Engine]:
    """An engine on a database whose schema this etl can read (require_head), disposed after."""
    with engine_for(url, writes=False) as engine:
        require_head(engine)
        yield engine


def _stamped(connection: Connection) -> str | None:
    """The revision recorded in the database; None for a database Alembic never touched."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
