"""One run at a time per input and database, so a scheduled run never overlaps the previous one.

The lock lives as long as the run's process: a Postgres session advisory lock (the server drops it
when the session ends) or a POSIX record lock on a file next to the SQLite database (the kernel
drops it when the process exits). A killed run therefore never leaves a stale lock behind.

A run of the whole input takes its input's lock exclusively. A shard takes it shared, plus its own
shard's lock exclusively: the shards of one sharded run proceed side by side, the same shard twice
does not, and neither does a whole-input run while any shard is loading.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from etl.errors import RunLocked
from etl.shards import Shard

# (lock name, shared?)
Lock = tuple[str, bool]
# record locks are taken on single bytes at offsets below this, in the lock file
_OFFSETS = 2**40


def run_locks(input_key: str, shard: Shard | None) -> list[Lock]:
    """The locks a run of `input_key` (one shard of it, if `shard`) must hold."""
    if shard is None:
        return [(input_key, False)]
    return [(input_key, True), (f"{input_key}\nshard {shard[0]}/{shard[1]}", False)]


@contextmanager
def hold_run_locks(
    engine: Engine, locks: list[Lock], wait: bool, waiting: Callable[[], None]
) -> Iterator[None]:
    """Hold `locks` for the duration; without `wait`, raise RunLocked at once when one is taken.

    `waiting` is called once, before blocking, when `wait` is set and a lock is taken.
    """
    if engine.dialect.name == "postgresql":
        with _postgres(engine, locks, wait, waiting):
            yield
        return
    lock_file = sqlite_lock_file(engine.url)
    if lock_file is None:  # an in-memory database: no other process can reach it
        yield
        return
    with _sqlite(lock_file, locks, wait, waiting):
        yield


def sqlite_lock_file(url: URL) -> Path | None:
    """`etl.db.lock` beside `etl.db`; None for an in-memory database."""
    database = (url.database or "").removeprefix("file:").split("?", 1)[0]
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    return Path(f"{database}.lock")


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def _postgres(engine: Engine, locks: list[Lock], wait: bool, waiting: Callable[[], None]) -> Iterator[None]:
    # a session of its own, outside any transaction: a session lock outlives transactions, and an
    # idle-in-transaction session for the whole run would hold back vacuum
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        for name, shared in locks:
            suffix = "_shared" if shared else ""
            if not _try(connection, f"SELECT pg_try_advisory_lock{suffix}(:k)", name):
                if not wait:
                    raise _locked()
                waiting()
                connection.execute(text(f"SELECT pg_advisory_lock{suffix}(:k)"), {"k": _key(name)})
        yield
    finally:
        with contextlib.suppress(DBAPIError):  # a lost session has dropped its locks already
            connection.execute(text("SELECT pg_advisory_unlock_all()"))
        connection.close()


def _try(connection: Connection, statement: str, name: str) -> bool:
    return bool(connection.execute(text(statement), {"k": _key(name)}).scalar())


@contextmanager
def _sqlite(lock_file: Path, locks: list[Lock], wait: bool, waiting: Callable[[], None]) -> Iterator[None]:
    # one descriptor for the run: closing any descriptor of a file drops all of a process's locks on it
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        for name, shared in locks:
            mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
            offset = _key(name) % _OFFSETS
            try:
                fcntl.lockf(descriptor, mode | fcntl.LOCK_NB, 1, offset)
            except OSError:
                if not wait:
                    raise _locked() from None
                waiting()
                fcntl.lockf(descriptor, mode, 1, offset)
        yield
    finally:
        os.close(descriptor)


def _locked() -> RunLocked:
    return RunLocked(
        "another etl run is still loading the same input into this database, so this one did not "
        "start; run with --wait to wait for it instead"
    )
