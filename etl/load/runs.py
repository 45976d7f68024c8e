"""The run ledger: etl_runs rows, load_errors and skipped_files, and what is known of loaded files."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from etl.load import matching, outcomes, search_index
from etl.load.sql import fetch_rows, in_chunks, placeholder, rows_of_files
from etl.records import Failed, KnownFile, Skipped, SourceFile
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


def start_run(
    connection: Connection, paths: Sequence[str], shard: str | None, version: str, source_names: Sequence[str]
) -> int:
    row = {name: 0 for name in COUNTERS}
    row |= {
        "started_at": now_utc(),
        "status": "running",
        "etl_version": version,
        "paths": list(paths),
        "sources": list(source_names),
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


# built once: every write stores the counts, every skip looks for an article to retire
_STORE_COUNTS = (
    update(etl_runs)
    .where(etl_runs.c.id == bindparam("run"))
    .values({name: bindparam(f"new_{name}") for name in COUNTERS})
)
_LIVE_ARTICLES = select(articles.c.id).where(
    articles.c.source_id == bindparam("source"),
    articles.c.source_path.in_(bindparam("paths", expanding=True)),
    articles.c.deleted_at.is_(None),
)


def store_counts(connection: Connection, run_id: int, counts: Mapping[str, int]) -> None:
    """The run's counts as they stand once the current transaction commits."""
    connection.execute(_STORE_COUNTS, {"run": run_id} | {f"new_{name}": counts[name] for name in COUNTERS})


def record_error(connection: Connection, run_id: int, failed: Failed, version: str) -> None:
    """Note the failure in load_errors, unless it is what this file failed with before."""
    error = failed.error
    new = outcomes.remember(
        connection,
        run_id,
        failed.source,
        "failed",
        error.stage,
        error.message,
        failed.origin == "read",
        version,
    )
    if not new:
        return
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


def record_skips(connection: Connection, run_id: int, skips: Sequence[Skipped], version: str) -> int:
    """Note each skip in skipped_files (unless the file was skipped for this reason before), and
    retire the articles loaded from these files by an earlier etl; how many were."""
    now = now_utc()
    noted = [
        (s.source, "skipped", "transform" if s.origin == "read" else "extract", s.reason, s.origin == "read")
        for s in skips
    ]
    new = outcomes.remember_all(connection, run_id, noted, version)
    rows = [
        {"run_id": run_id, "source_path": s.source.source_path, "reason": s.reason, "created_at": now}
        for s in skips
        if (s.source.source_id, s.source.source_path) in new
    ]
    if rows:
        connection.execute(insert(skipped_files), rows)
    live: list[int] = []
    by_source: dict[int, list[str]] = {}
    for s in skips:
        by_source.setdefault(s.source.source_id, []).append(s.source.source_path)
    for source_id, paths in by_source.items():
        for chunk in in_chunks(paths):
            live += connection.execute(_LIVE_ARTICLES, {"source": source_id, "paths": chunk}).scalars().all()
    return _retire(connection, live, now)


def retire_missing(
    connection: Connection, source_id: int, prefix: str, seen: set[str], kept: tuple[str, ...] = ()
) -> int:
    """Soft-delete the live articles of the source under folder `prefix` whose files were not
    seen, but for those under the `kept` prefixes (folders the walk could not list); how many.
    What is remembered of skipped and failed files that were not seen goes too.

    Every live article of the source is read, so on the driver's own cursor (sql.fetch_rows).
    """
    outcomes.forget_missing(connection, source_id, prefix, seen, kept)
    mark = placeholder(connection)
    rows = fetch_rows(
        connection,
        f"SELECT {articles.c.id.name}, {articles.c.source_path.name} FROM {articles.name}"
        f" WHERE {articles.c.source_id.name} = {mark} AND {articles.c.deleted_at.name} IS NULL",
        (source_id,),
    )
    gone = [
        row_id
        for row_id, path in rows
        if path.startswith(prefix) and path not in seen and not (kept and path.startswith(kept))
    ]
    return _retire(connection, gone, now_utc())


def _retire(connection: Connection, article_ids: Sequence[int], now: datetime) -> int:
    """The one way an article is soft-deleted: deleted_at set, its search entry removed, its
    copies and revisions regrouped without it."""
    if not article_ids:
        return 0
    matching.serialise(connection)
    for chunk in in_chunks(article_ids):
        connection.execute(
            update(articles).where(articles.c.id.in_(chunk)).values(deleted_at=now, updated_at=now)
        )
    search_index.remove_entries(connection, article_ids)
    matching.regroup(connection, (), article_ids)
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
    f" WHERE {articles.c.deleted_at.name} IS NULL AND {articles.c.source_id.name} = {{mark}}"
    f" AND {articles.c.source_path.name} "
)
Key = tuple[int, str]  # (source_id, source_path)


def known_articles(connection: Connection, keys: list[Key]) -> dict[Key, KnownFile]:
    """What is remembered of the live articles loaded from these files, by (source, path).

    The driver's own SQL (columns named from the table): this runs for every file of a re-run,
    and building and binding a Core select was 40 % of an unchanged 20,000-file lookup.
    """
    return {
        (source_id, path): KnownFile(*rest)
        for source_id, (path, *rest) in rows_of_files(connection, _KNOWN, keys)
    }


def refresh_stats(connection: Connection, files: list[SourceFile]) -> None:
    """Remember the new size and mtime of files whose bytes did not change (e.g. after a copy); a
    failure remembered of them is over."""
    outcomes.forget(connection, ((f.source_id, f.source_path) for f in files))
    connection.execute(
        update(articles)
        .where(articles.c.source_id == bindparam("source"), articles.c.source_path == bindparam("path"))
        .values(source_size=bindparam("size"), source_mtime_ns=bindparam("mtime")),
        [{"source": f.source_id, "path": f.source_path, "size": f.size, "mtime": f.mtime_ns} for f in files],
    )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
