"""Drift: what someone changed in the schema by hand, found before a run depends on it.

Views are derived, so a dropped or replaced view is recreated from the newest migration that
defines the views; a missing table or column holds data etl cannot invent, so it is reported
plainly instead of failing every file later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigError
from etl.schema.tables import metadata
from etl.schema.views import VIEWS

POSTGRES_RELATIONS = text("""
    SELECT c.relname, c.relkind, a.attname
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
    ORDER BY c.relname, a.attnum
""")


@dataclass(frozen=True)
class Drift:
    missing_tables: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()  # table.column
    broken_views: tuple[str, ...] = ()  # missing, or with other columns than etl's

    def problem(self) -> str | None:
        """What etl cannot repair, for a person to read; None when it can repair everything."""
        parts = [f"table {t} is missing" for t in self.missing_tables]
        parts += [f"column {c} is missing" for c in self.missing_columns]
        if not parts:
            return None
        return (
            "the database schema differs from what etl needs and etl cannot repair it: "
            + "; ".join(parts)
            + ". Restore it from a backup (or recreate the column as the migrations define it), "
            "or load into a new database"
        )


def find_drift(connection: Connection) -> Drift:
    """Compare the tables, columns and views in the database with the models and the view list."""
    columns = _relations(connection)
    missing_tables = tuple(t for t in metadata.tables if t not in columns)
    missing_columns = tuple(
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        if table.name in columns
        for column in table.columns
        if column.name not in columns[table.name]
    )
    broken = tuple(v.name for v in VIEWS if columns.get(v.name) != [c.name for c in v.columns])
    return Drift(missing_tables, missing_columns, broken)


def repair_views(connection: Connection, broken: tuple[str, ...]) -> tuple[str, ...]:
    """Recreate the broken views (and those defined after them, which may read them); their names."""
    from alembic.script import ScriptDirectory

    from etl.load.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    newest = next(r.module for r in script.walk_revisions() if hasattr(r.module, "view_definitions"))
    definitions = newest.view_definitions(connection.dialect.name, script)
    first = min(i for i, (name, _) in enumerate(definitions) if name in broken)
    again = definitions[first:]
    for name, _ in reversed(again):
        try:
            connection.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        except DBAPIError as exc:  # another view of someone's reads it
            raise ConfigError(f"cannot recreate view {name}: {exc.orig}") from None
    for name, body in again:
        connection.exec_driver_sql(f"CREATE VIEW {name} AS {body}")
    return tuple(name for name, _ in again)


def _relations(connection: Connection) -> dict[str, list[str]]:
    """Every table and view of the schema with its columns, in their order."""
    found: dict[str, list[str]] = {}
    if connection.dialect.name == "postgresql":
        for name, _kind, column in connection.execute(POSTGRES_RELATIONS):
            found.setdefault(name, []).append(column)
        return found
    names = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    for (name,) in names.all():
        try:
            found[name] = [row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{name}")')]
        except DBAPIError:
            found[name] = []  # a view that reads a view that is gone
    return found
