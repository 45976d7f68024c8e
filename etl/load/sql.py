"""Dialect-specific statements the loader needs on both SQLite and Postgres.

The bulk inserts go to the driver itself, with statements built from the SQLAlchemy tables (one
source of truth): per row, SQLAlchemy's parameter handling cost more than SQLite's own insert, and
on Postgres a multi-row statement's text was longer to build and parse than COPY's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect, String, Table, text

from etl.batches import chunked

T = TypeVar("T")
Row = Sequence[Any]
# values bound in one IN (…) list: far below SQLite's bound-parameter limit
MAX_IN_LIST = 500


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Row],
    conflict_key: str | None = None,
) -> None:
    """Insert `rows`, each a tuple in the order of `columns`; values pass through the columns' own
    bind processors (UTCDateTime, JSON) as SQLAlchemy would apply them. With `conflict_key`, rows
    already there are skipped (ON CONFLICT DO NOTHING: concurrent loaders never duplicate a shared row).

    SQLite: the driver's executemany. Postgres: COPY, or, with a conflict key (COPY has no ON
    CONFLICT), the columns as arrays in one `INSERT … SELECT FROM unnest(…)`.
    """
    if not rows:
        return
    processors = _processors(connection.dialect, table, tuple(columns))
    if processors:
        rows = [tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in rows]
    raw = connection.connection.dbapi_connection
    assert raw is not None  # an open connection in a transaction
    if connection.dialect.name != "postgresql":
        statement = (
            f"INSERT INTO {_names(connection, table, columns)} VALUES ({', '.join('?' * len(columns))})"
        )
        if conflict_key:
            statement += f" ON CONFLICT ({_quote(connection, conflict_key)}) DO NOTHING"
        raw.executemany(statement, rows)
    elif conflict_key:
        _insert_unnest(connection, table, columns, rows, conflict_key)
    else:
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {_names(connection, table, columns)} FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


def _insert_unnest(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Row], key: str
) -> None:
    dialect = connection.dialect
    arrays = [f"CAST(:c{n} AS {table.c[name].type.compile(dialect)}[])" for n, name in enumerate(columns)]
    statement = text(
        f"INSERT INTO {_names(connection, table, columns)} SELECT * FROM unnest({', '.join(arrays)})"
        f" ON CONFLICT ({_quote(connection, key)}) DO NOTHING"
    )
    connection.execute(statement, {f"c{n}": list(values) for n, values in enumerate(zip(*rows, strict=True))})


@lru_cache(maxsize=64)  # bounded: a host process may open engine after engine
def _processors(
    dialect: Dialect, table: Table, columns: tuple[str, ...]
) -> tuple[Callable[[Any], Any] | None, ...]:
    """Each column's bind processor (None when values go to the driver as they are); none at all: ()."""
    found = tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns)
    return found if any(found) else ()


def _names(connection: Connection, table: Table, columns: Sequence[str]) -> str:
    preparer = connection.dialect.identifier_preparer
    return f"{preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in columns)})"


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` new primary keys for `table`, so rows can be inserted without RETURNING.

    Postgres takes them from the id sequence (safe with concurrent loaders); SQLite continues
    after the largest id, which is safe because its write transactions begin IMMEDIATE (one
    writer holds the lock until it commits).
    """
    if connection.dialect.name == "postgresql":
        statement = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"
        )
        return list(connection.execute(statement, {"n": count}).scalars())
    last = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar_one()
    return list(range(last + 1, last + 1 + count))


def fetch_rows(connection: Connection, statement: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
    """All rows of `statement` (in the driver's own paramstyle) on the driver's own cursor: rows are
    fetched in C rather than one by one through SQLAlchemy, for reads that touch every file."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def rows_of_files(
    connection: Connection, select_where: str, keys: Iterable[tuple[int, str]]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(source id, row) for each row of `select_where` (a SELECT ending `source_id = {mark} AND
    source_path `) that matches one of these (source, path) keys, a chunk of paths per statement,
    on the driver's own cursor: this runs for every file of a re-run."""
    by_source: dict[int, list[str]] = {}
    for source_id, path in keys:
        by_source.setdefault(source_id, []).append(path)
    postgres = connection.dialect.name == "postgresql"
    for source_id, paths in by_source.items():
        for chunk in in_chunks(paths):
            if postgres:
                statement, values = select_where.format(mark="%s") + "= ANY(%s)", (source_id, chunk)
            else:
                marks = ", ".join("?" * len(chunk))
                statement, values = select_where.format(mark="?") + f"IN ({marks})", (source_id, *chunk)
            for row in fetch_rows(connection, statement, values):
                yield source_id, row


def placeholder(connection: Connection) -> str:
    """The driver's parameter marker: psycopg's `%s`, sqlite3's `?`."""
    return "%s" if connection.dialect.name == "postgresql" else "?"


def in_chunks(values: Sequence[T]) -> Iterator[list[T]]:
    """`values` in lists short enough for one `IN (…)` list on any backend."""
    return chunked(values, MAX_IN_LIST)


def sql_literal(connection: Connection, value: str) -> str:
    """`value` as a quoted SQL string, for statements that take no bound parameters (COMMENT, ROLE)."""
    render = String().literal_processor(connection.dialect)
    assert render is not None  # every dialect renders string literals
    return str(render(value))
