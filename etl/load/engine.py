"""Engines for loading: SQLite in WAL mode with a busy timeout, Postgres through psycopg 3."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigError, DatabaseError

SQLITE_BUSY_TIMEOUT_S = 60
# SQLite result codes (the low byte of an extended code) after which no write can succeed
_SQLITE_STOPS = {
    3: "permission denied",  # SQLITE_PERM
    5: "the database stayed locked by another writer",  # SQLITE_BUSY
    7: "out of memory",  # SQLITE_NOMEM
    8: "the database is read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    11: "the database file is corrupt",  # SQLITE_CORRUPT
    13: "the database or the disk is full",  # SQLITE_FULL
    14: "cannot open the database file",  # SQLITE_CANTOPEN
    26: "not a database file",  # SQLITE_NOTADB
}
# Postgres SQLSTATE classes and codes after which no write can succeed: connection (08),
# resources such as a full disk (53), operator intervention (57), system and internal errors
# (58, XX), a read-only transaction, missing privileges
_POSTGRES_STOP_CLASSES = ("08", "53", "57", "58", "XX")
_POSTGRES_STOP_CODES = ("25006", "42501")


def create_load_engine(url: URL, writes: bool = True) -> Engine:
    """An engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout.

    SQLite transactions begin IMMEDIATE: a second writer then waits for the lock (up to the busy
    timeout) instead of failing with "database is locked" when its read turns into a write.
    """
    if url.get_backend_name() == "sqlite":
        if writes:
            _check_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def engine_for(url: URL, writes: bool = True) -> Iterator[Engine]:
    """A load engine for one command, its connections closed when the command is done.

    A database failure leaves as etl's DatabaseError with the driver's own first line, so callers
    (the CLI, the Python API) never need to know SQLAlchemy's exceptions.
    """
    engine = create_load_engine(url, writes)
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


def lost_connection(exc: BaseException) -> bool:
    """Whether `exc` says the connection to the server is gone (Postgres: SQLSTATE class 08, or the
    driver's own "the connection is lost" from its COPY path)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    if not type(error).__module__.startswith("psycopg"):
        return False
    import psycopg

    state = getattr(error, "sqlstate", None)
    return isinstance(error, psycopg.OperationalError) and (state is None or state.startswith("08"))


def stops_the_run(exc: BaseException) -> bool:
    """Whether `exc`, raised while writing, means no write can succeed now (a full disk, a lost or
    read-only database), rather than that the database refused one article's values."""
    if lost_connection(exc):
        return True
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_STOPS
    state = getattr(error, "sqlstate", None)
    return bool(state) and (state[:2] in _POSTGRES_STOP_CLASSES or state in _POSTGRES_STOP_CODES)


def driver_error(exc: BaseException) -> bool:
    """Whether `exc` comes from the database or its driver (through SQLAlchemy or straight from the
    driver's own cursor, which the bulk paths use)."""
    return isinstance(exc, DBAPIError) or type(exc).__module__.startswith(("sqlite3", "psycopg"))


def _check_sqlite_folder(url: URL) -> None:
    """A clear error for a database in a folder that is missing or cannot be written, instead of
    SQLite's "unable to open database file" later."""
    database = (url.database or "").removeprefix("file:").split("?", 1)[0]
    if not database or database == ":memory:" or url.query.get("mode") in ("memory", "ro"):
        return
    folder = os.path.dirname(os.path.abspath(database)) or "."
    if not os.path.isdir(folder):
        raise ConfigError(f"the database's folder does not exist: {folder} (create it first)")
    if not os.access(folder, os.W_OK) and not url.query.get("immutable"):
        raise ConfigError(
            f"cannot write in the database's folder {folder}: SQLite needs it for its journal "
            "(open it read-only with sqlite:///file:PATH?mode=ro&uri=true to read it)"
        )


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
