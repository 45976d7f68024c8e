"""Dialect-specific statements the loader needs on both SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, String, Table, text
from sqlalchemy.dialects import sqlite

from etl.batches import chunked

T = TypeVar("T")
# values bound in one IN (…) list: far below SQLite's bound-parameter limit
MAX_IN_LIST = 500


def insert_rows(
    connection: Connection, table: Table, rows: list[dict[str, Any]], conflict_key: str | None = None
) -> None:
    """Insert rows that all have the same keys; with `conflict_key`, rows already there are skipped
    (ON CONFLICT DO NOTHING, so concurrent loaders never duplicate a shared row).

    On Postgres the rows go column-wise as arrays in one `INSERT … SELECT FROM unnest(…)`: an
    executemany costs a statement per row on both ends, which made the child rows most of the
    client's time. Only for columns whose values go to the driver as they are (no type decorator).
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        statement = sqlite.insert(table)
        if conflict_key:
            statement = statement.on_conflict_do_nothing(index_elements=[conflict_key])
        connection.execute(statement, rows)
        return
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    columns = [table.c[name] for name in rows[0]]
    for column in columns:
        if column.type.bind_processor(dialect) is not None:
            raise TypeError(f"{table.name}.{column.name} converts its values: insert it with insert()")
    arrays = [f"CAST(:c{n} AS {column.type.compile(dialect)}[])" for n, column in enumerate(columns)]
    conflict = f" ON CONFLICT ({preparer.quote(conflict_key)}) DO NOTHING" if conflict_key else ""
    statement = text(
        f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(c.name) for c in columns)})"
        f" SELECT * FROM unnest({', '.join(arrays)}){conflict}"
    )
    connection.execute(statement, {f"c{n}": [row[c.name] for row in rows] for n, c in enumerate(columns)})


def in_chunks(values: Sequence[T]) -> Iterator[list[T]]:
    """`values` in lists short enough for one `IN (…)` list on any backend."""
    return chunked(values, MAX_IN_LIST)


def sql_literal(connection: Connection, value: str) -> str:
    """`value` as a quoted SQL string, for statements that take no bound parameters (COMMENT, ROLE)."""
    render = String().literal_processor(connection.dialect)
    assert render is not None  # every dialect renders string literals
    return str(render(value))
