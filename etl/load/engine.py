"""Engines for loading: SQLite in WAL mode with a busy timeout, Postgres through psycopg 3."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from etl.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_S = 60


def create_load_engine(url: URL) -> Engine:
    """An engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout.

    SQLite transactions begin IMMEDIATE: a second writer then waits for the lock (up to the busy
    timeout) instead of failing with "database is locked" when its read turns into a write.
    """
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def engine_for(url: URL) -> Iterator[Engine]:
    """A load engine for one command, its connections closed when the command is done.

    A database failure leaves as etl's DatabaseError with the driver's own first line, so callers
    (the CLI, the Python API) never need to know SQLAlchemy's exceptions.
    """
    engine = create_load_engine(url)
    try:
        yield engine
    except DBAPIError as exc:
        raise DatabaseError(f"database error: {database_message(exc)}") from exc
    finally:
        engine.dispose()


def database_message(exc: DBAPIError) -> str:
    """The first line of what the database or its driver said."""
    lines = str(exc.orig).strip().splitlines() if exc.orig is not None else []
    return lines[0] if lines else type(exc.orig or exc).__name__


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # not for in-memory databases
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
