"""Dialect-specific statements the loader needs on both SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

T = TypeVar("T")
# stays far below SQLite's bound-parameter limit
CHUNK = 500


def insert_ignoring_conflicts(connection: Connection, table: Table, key: str) -> Insert:
    """INSERT … ON CONFLICT (key) DO NOTHING, so concurrent loaders never duplicate a shared row."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[key])


def chunked(items: Sequence[T] | Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def execute_many(connection: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(statement, rows)


def sql_literal(connection: Connection, value: str) -> str:
    """`value` as a quoted SQL string, for statements that take no bound parameters (COMMENT, ROLE)."""
    render = String().literal_processor(connection.dialect)
    assert render is not None  # every dialect renders string literals
    return str(render(value))
