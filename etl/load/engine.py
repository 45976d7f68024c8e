"""Engines for loading: SQLite in WAL mode with a busy timeout, Postgres through psycopg 3.

A SQLite file is in WAL mode while etl writes it, and the last command to end leaves it checkpointed
and in rollback-journal mode: a file in WAL mode cannot be opened, even to read, where its -shm file
cannot be created (a read-only folder or mount).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigError, DatabaseError

SQLITE_BUSY_TIMEOUT_S = 60
# tries to leave WAL when another connection is open: enough for two commands that end together
LEAVE_WAL_ATTEMPTS = 3
LEAVE_WAL_PAUSE_S = 0.1
_SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
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
    """An engine for `url`; SQLite connections get foreign keys and a busy timeout, and WAL when
    the engine `writes` (a reader leaves the journal mode as it finds it).

    SQLite transactions begin IMMEDIATE: a second writer then waits for the lock (up to the busy
    timeout) instead of failing with "database is locked" when its read turns into a write. On a
    connection that cannot write (mode=ro, a read-only file) SQLite takes no lock for it.
    """
    if url.get_backend_name() == "sqlite":
        if writes:
            _check_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        wal = writes and not _read_only(url)
        event.listen(engine, "connect", _sqlite_pragmas_with_wal if wal else _sqlite_pragmas)
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
        if url.get_backend_name() == "sqlite":
            leave_wal(url)


def leave_wal(url: URL) -> str | None:
    """Checkpoint the SQLite file of `url` and switch it from WAL to rollback-journal mode
    (journal_mode=DELETE), so that it can be read where nothing can be written; the journal mode
    the file is left in, None when there is no file to switch or it cannot be opened.

    Only the last connection to a file can take it out of WAL. While another is open (a second run
    loading another source, a reader) this gives up after a few short tries and leaves WAL: the
    other one, ending through this function too, switches it.
    """
    path = _sqlite_file(url)
    if path is None or _read_only(url) or not os.path.isfile(path):
        return None
    mode = None
    for attempt in range(LEAVE_WAL_ATTEMPTS):
        if attempt:  # with no connection open, so that another command ending now can switch
            time.sleep(LEAVE_WAL_PAUSE_S * (1 + random.random()))
        mode = _try_leaving_wal(path)
        if mode != "wal":
            break
    return mode


def _try_leaving_wal(path: str) -> str | None:
    try:  # mode=rw never creates a file; no busy timeout: a busy file is tried again later
        connection = sqlite3.connect(_file_uri(path, "rw"), uri=True, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    except sqlite3.OperationalError as exc:
        # busy: another connection is open; anything else (a read-only file in WAL mode): give up
        return "wal" if exc.sqlite_errorcode & 0xFF in _SQLITE_BUSY_CODES else None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


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


def _sqlite_file(url: URL) -> str | None:
    """The file a SQLite URL names; None for an in-memory database."""
    database = url.database or ""
    if url.query.get("uri") == "true" or database.startswith("file:"):
        database = urllib.parse.unquote(database.removeprefix("file:").split("?", 1)[0])
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    return database


def _file_uri(path: str, mode: str) -> str:
    return f"file:{urllib.parse.quote(os.path.abspath(path))}?mode={mode}"


def _read_only(url: URL) -> bool:
    return url.query.get("mode") == "ro" or url.query.get("immutable") in ("1", "true")


def _check_sqlite_folder(url: URL) -> None:
    """A clear error for a database in a folder that is missing or cannot be written, instead of
    SQLite's "unable to open database file" later."""
    database = _sqlite_file(url)
    if database is None or url.query.get("mode") == "ro":
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


def _sqlite_pragmas_with_wal(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record, wal=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, wal: bool = False) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    if wal and cursor.execute("PRAGMA database_list").fetchone()[2]:  # not for in-memory databases
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
