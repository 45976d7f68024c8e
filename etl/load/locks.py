"""One run at a time per source and database, so a scheduled run never overlaps the previous one.

A run of a whole source takes its lock exclusively. A shard takes it shared, plus its own shard's
lock exclusively: the shards of one sharded run proceed side by side, the same shard twice does
not, and neither does a whole-input run while any shard is loading.

The locks live in the database and die with the run, and nobody who may only read can take them:

- Postgres: a table lock (`LOCK TABLE … IN SHARE|EXCLUSIVE MODE`) on a table of its own in the
  `etl_locks` schema, held by a session whose transaction stays open for the run. Those modes need
  UPDATE privilege, which a read-only login never has (advisory locks, used before, could be taken
  by anyone who can read the key), and a table lock takes no transaction id or snapshot, so the
  open transaction holds back no vacuum. The server drops it when the session ends.
- SQLite: a row in `etl_run_locks` naming the process that holds it. A row whose process is gone
  (same machine: its pid no longer runs the process that wrote it) is stale and taken over, so a
  killed run never blocks the next, and no lock file is left beside the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from etl.errors import RunLocked
from etl.schema.tables import RUN_LOCKS
from etl.shards import Shard

# (lock name, shared?)
Lock = tuple[str, bool]
LOCK_SCHEMA = "etl_locks"
LOCK_NOT_AVAILABLE = "55P03"
WAIT_POLL_S = 1.0


def run_locks(sources: list[str], shard: Shard | None) -> list[Lock]:
    """The locks a run of these sources (one shard of them, if `shard`) must hold."""
    if shard is None:
        return [(f"source {name}", False) for name in sources]
    return [
        lock
        for name in sources
        for lock in ((f"source {name}", True), (f"source {name}\nshard {shard[0]}/{shard[1]}", False))
    ]


@contextmanager
def hold_run_locks(
    engine: Engine, locks: list[Lock], wait: bool, waiting: Callable[[], None]
) -> Iterator[None]:
    """Hold `locks` for the duration; without `wait`, raise RunLocked at once when one is taken.

    `waiting` is called once, before blocking, when `wait` is set and a lock is taken. The schema
    must be migrated first: the locks live in it.
    """
    holder = _postgres if engine.dialect.name == "postgresql" else _sqlite
    if engine.dialect.name != "postgresql" and _in_memory(engine):
        yield  # no other process can reach it
        return
    with holder(engine, sorted(locks), wait, waiting):
        yield


def lock_table(name: str) -> str:
    """The table in LOCK_SCHEMA that stands for lock `name` (Postgres)."""
    return "run_" + hashlib.blake2b(name.encode("utf-8"), digest_size=10).hexdigest()


@contextmanager
def _postgres(engine: Engine, locks: list[Lock], wait: bool, waiting: Callable[[], None]) -> Iterator[None]:
    _create_lock_tables(engine, [name for name, _ in locks])
    connection = engine.connect()
    try:
        # the run's transaction must outlive idle spells, whatever the server's default
        connection.exec_driver_sql("SET idle_in_transaction_session_timeout = 0")
        try:
            _lock_tables(connection, locks, nowait=True)
        except DBAPIError as exc:
            connection.rollback()
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            if not wait:
                raise _locked() from None
            waiting()
            connection.exec_driver_sql("SET idle_in_transaction_session_timeout = 0")
            _lock_tables(connection, locks, nowait=False)
        yield
    finally:
        with contextlib.suppress(DBAPIError):  # a lost session has dropped its locks already
            connection.rollback()
        connection.close()


def _lock_tables(connection: Connection, locks: list[Lock], nowait: bool) -> None:
    for name, shared in locks:
        mode = "SHARE" if shared else "EXCLUSIVE"
        connection.exec_driver_sql(
            f'LOCK TABLE {LOCK_SCHEMA}."{lock_table(name)}" IN {mode} MODE{" NOWAIT" if nowait else ""}'
        )


def _create_lock_tables(engine: Engine, names: list[str]) -> None:
    """Make sure each lock's table exists (loaders starting together may race to create one)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in names:
            for attempt in range(3):
                try:
                    connection.exec_driver_sql(
                        f'CREATE TABLE IF NOT EXISTS {LOCK_SCHEMA}."{lock_table(name)}" ()'
                    )
                    break
                except DBAPIError:
                    if attempt == 2:
                        raise
                    time.sleep(0.1)  # another loader created it at the same instant


@contextmanager
def _sqlite(engine: Engine, locks: list[Lock], wait: bool, waiting: Callable[[], None]) -> Iterator[None]:
    me = (socket.gethostname(), os.getpid(), process_identity(os.getpid()) or "")
    told = False
    while not _take_sqlite_locks(engine, locks, me):
        if not wait:
            raise _locked()
        if not told:
            waiting()
            told = True
        time.sleep(WAIT_POLL_S)
    try:
        yield
    finally:
        with contextlib.suppress(DBAPIError), engine.begin() as connection:
            connection.execute(
                text(f"DELETE FROM {RUN_LOCKS} WHERE host = :h AND pid = :p AND process = :i"),
                dict(zip("hpi", me, strict=True)),
            )


def _take_sqlite_locks(engine: Engine, locks: list[Lock], me: tuple[str, int, str]) -> bool:
    """Take every lock in one write transaction, or none; stale rows of dead processes are removed."""
    names = {name for name, _ in locks}
    with engine.begin() as connection:
        held = [
            row
            for row in connection.execute(text(f"SELECT name, shared, host, pid, process FROM {RUN_LOCKS}"))
            if row.name in names
        ]
        live = []
        for row in held:
            if row.host == me[0] and process_identity(row.pid) != row.process:
                connection.execute(
                    text(f"DELETE FROM {RUN_LOCKS} WHERE host = :h AND pid = :p AND process = :i"),
                    {"h": row.host, "p": row.pid, "i": row.process},
                )
            else:
                live.append(row)
        for name, shared in locks:
            if any(row.name == name and not (shared and row.shared) for row in live):
                return False
        connection.execute(
            text(
                f"INSERT INTO {RUN_LOCKS} (name, shared, host, pid, process, since)"
                " VALUES (:name, :shared, :h, :p, :i, datetime('now'))"
            ),
            [{"name": name, "shared": shared, **dict(zip("hpi", me, strict=True))} for name, shared in locks],
        )
    return True


def process_identity(pid: int) -> str | None:
    """Who `pid` is: its start time since this boot, so a pid the system reused is not mistaken for
    the process that wrote a lock (Linux /proc); the bare pid elsewhere; None when nothing runs it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # another user's live process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return str(pid)
    # the command name (field 2) may hold spaces and parentheses: fields after its closing one
    start_ticks = stat[stat.rindex(")") + 2 :].split()[19]
    return f"{boot}:{start_ticks}"


def _in_memory(engine: Engine) -> bool:
    database = (engine.url.database or "").removeprefix("file:").split("?", 1)[0]
    return not database or database == ":memory:" or engine.url.query.get("mode") == "memory"


def _locked() -> RunLocked:
    return RunLocked(
        "another etl run is still loading the same source into this database, so this one did not "
        "start; run with --wait to wait for it instead"
    )
