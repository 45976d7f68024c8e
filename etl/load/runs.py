"""The run ledger: etl_runs rows, load_errors and skipped_files, and what is known of loaded files."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from etl.errors import FileError
from etl.load import search_index
from etl.load.sql import fetch_rows, in_chunks, placeholder
from etl.records import KnownFile, Skipped, SourceFile
from etl.schema.tables import articles, etl_runs, load_errors, skipped_files

COUNTERS = (
    "files_seen",
    "articles_inserted",
    "articles_updated",
    "articles_unchanged",
    "articles_deleted",
    "files_failed",
    "files_skipped",
    "files_warned",
)


def start_run(connection: Connection, paths: Sequence[str], shard: str | None, version: str) -> int:
    row = {name: 0 for name in COUNTERS}
    row |= {
        "started_at": now_utc(),
        "status": "running",
        "etl_version": version,
        "paths": list(paths),
        "shard": shard,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    return connection.execute(insert(etl_runs).returning(etl_runs.c.id), row).scalar_one()


def mark_dead_runs(connection: Connection) -> int:
    """Runs still `running` whose process on this machine is gone were killed: mark them interrupted."""
    query = select(etl_runs.c.id, etl_runs.c.pid).where(
        etl_runs.c.status == "running", etl_runs.c.host == socket.gethostname()
    )
    dead = [run_id for run_id, pid in connection.execute(query) if pid is None or not _alive(pid)]
    if dead:
        connection.execute(update(etl_runs).where(etl_runs.c.id.in_(dead)).values(status="interrupted"))
    return len(dead)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def finish_run(connection: Connection, run_id: int, status: str, counts: Mapping[str, int] | None) -> None:
    """The run's end; without `counts`, those its last write stored stand (an interrupted run)."""
    values = {name: counts[name] for name in COUNTERS} if counts is not None else {}
    connection.execute(
        update(etl_runs).where(etl_runs.c.id == run_id).values(**values, status=status, finished_at=now_utc())
    )


def store_counts(connection: Connection, run_id: int, counts: Mapping[str, int]) -> None:
    """The run's counts as they stand once the current transaction commits."""
    connection.execute(
        update(etl_runs).where(etl_runs.c.id == run_id).values({name: counts[name] for name in COUNTERS})
    )


def record_error(connection: Connection, run_id: int, error: FileError) -> None:
    connection.execute(
        insert(load_errors),
        {
            "run_id": run_id,
            "source_path": error.source_path,
            "stage": error.stage,
            "error": error.message,
            "created_at": now_utc(),
        },
    )


def record_skip(connection: Connection, run_id: int, skipped: Skipped) -> int:
    """Note the skip, and retire an article loaded from this file by an earlier etl; 1 if one was."""
    now = now_utc()
    path = skipped.source.source_path
    connection.execute(
        insert(skipped_files),
        {"run_id": run_id, "source_path": path, "reason": skipped.reason, "created_at": now},
    )
    live = select(articles.c.id).where(articles.c.source_path == path, articles.c.deleted_at.is_(None))
    return _retire(connection, connection.execute(live).scalars().all(), now)


def retire_missing(connection: Connection, root: str, seen: set[str], kept: tuple[str, ...] = ()) -> int:
    """Soft-delete the live articles of `root` whose files were not seen, but for those under the
    `kept` folder prefixes (folders the walk could not list); how many.

    Every live article of the folder is read, so on the driver's own cursor (sql.fetch_rows).
    """
    rows = fetch_rows(
        connection,
        f"SELECT {articles.c.id.name}, {articles.c.source_path.name} FROM {articles.name}"
        f" WHERE {articles.c.source_root.name} = {placeholder(connection)}"
        f" AND {articles.c.deleted_at.name} IS NULL",
        (root,),
    )
    gone = [row_id for row_id, path in rows if path not in seen and not path.startswith(kept)]
    return _retire(connection, gone, now_utc())


def _retire(connection: Connection, article_ids: Sequence[int], now: datetime) -> int:
    """The one way an article is soft-deleted: deleted_at set, its search entry removed."""
    for chunk in in_chunks(article_ids):
        connection.execute(
            update(articles).where(articles.c.id.in_(chunk)).values(deleted_at=now, updated_at=now)
        )
    search_index.remove_entries(connection, article_ids)
    return len(article_ids)


_KNOWN_COLUMNS = (
    articles.c.source_path,
    articles.c.content_sha256,
    articles.c.extractor_version,
    articles.c.source_size,
    articles.c.source_mtime_ns,
)
_KNOWN = (
    f"SELECT {', '.join(c.name for c in _KNOWN_COLUMNS)} FROM {articles.name}"
    f" WHERE {articles.c.deleted_at.name} IS NULL AND {articles.c.source_path.name} "
)


def known_articles(connection: Connection, paths: list[str]) -> dict[str, KnownFile]:
    """What is remembered of the live articles loaded from `paths`, by source_path.

    The driver's own SQL (columns named from the table): this runs for every file of a re-run,
    and building and binding a Core select was 40 % of an unchanged 20,000-file lookup.
    """
    found: dict[str, KnownFile] = {}
    postgres = connection.dialect.name == "postgresql"
    for chunk in in_chunks(paths):
        if postgres:
            rows = fetch_rows(connection, _KNOWN + "= ANY(%s)", (chunk,))
        else:
            rows = fetch_rows(connection, _KNOWN + f"IN ({', '.join('?' * len(chunk))})", chunk)
        for path, *rest in rows:
            found[path] = KnownFile(*rest)
    return found


def refresh_stats(connection: Connection, files: list[SourceFile]) -> None:
    """Remember the new size and mtime of files whose bytes did not change (e.g. after a copy)."""
    connection.execute(
        update(articles)
        .where(articles.c.source_path == bindparam("path"))
        .values(source_size=bindparam("size"), source_mtime_ns=bindparam("mtime")),
        [{"path": f.source_path, "size": f.size, "mtime": f.mtime_ns} for f in files],
    )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
