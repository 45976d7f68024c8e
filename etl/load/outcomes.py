"""What is remembered of files that are not loaded as articles (file_outcomes): each file's newest
skip or failure, so that a re-run neither reads an unchanged one again nor records it again.

A file's outcome is recorded (a skipped_files or load_errors row) when it is new: the first time,
or when its outcome, stage or reason changed; each later run that finds it so is noted in
last_seen_run_id. The memory goes when the file loads as an article,
or when a run of its folder no longer finds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, delete, text, update

from etl.batches import chunked
from etl.load.sql import fetch_rows, in_chunks, placeholder, rows_of_files
from etl.records import KnownOutcome, SourceFile
from etl.schema.tables import file_outcomes

Key = tuple[int, str]  # (source_id, source_path)

_KNOWN_COLUMNS = (
    file_outcomes.c.source_path,
    file_outcomes.c.outcome,
    file_outcomes.c.stage,
    file_outcomes.c.reason,
    file_outcomes.c.was_read,
    file_outcomes.c.source_size,
    file_outcomes.c.source_mtime_ns,
    file_outcomes.c.extractor_version,
)
_KNOWN = (
    f"SELECT {', '.join(c.name for c in _KNOWN_COLUMNS)} FROM {file_outcomes.name}"
    f" WHERE {file_outcomes.c.source_id.name} = {{mark}} AND {file_outcomes.c.source_path.name} "
)
# one upsert of many rows, the same on both backends (the SET expressions read the row as it was):
# the stat, version and last run to see it are always renewed, the run that recorded the outcome
# only when the outcome is new, and the run it returns tells which
_SAME = " AND ".join(f"{file_outcomes.name}.{c} = excluded.{c}" for c in ("outcome", "stage", "reason"))
_COLUMNS = [c.name for c in file_outcomes.c]
_RENEWED = ("outcome", "stage", "reason", "was_read", "source_size", "source_mtime_ns", "extractor_version")
_RENEWED += ("last_seen_run_id",)
_REMEMBER = (
    f"INSERT INTO {file_outcomes.name} ({', '.join(_COLUMNS)}) VALUES {{rows}}"
    f" ON CONFLICT ({file_outcomes.c.source_id.name}, {file_outcomes.c.source_path.name}) DO UPDATE SET"
    f" run_id = CASE WHEN {_SAME} THEN {file_outcomes.name}.run_id ELSE excluded.run_id END, "
    + ", ".join(f"{c} = excluded.{c}" for c in _RENEWED)
    + f" RETURNING {file_outcomes.c.source_id.name}, {file_outcomes.c.source_path.name}, run_id"
)
# rows per statement: 11 values each, well inside either backend's limit on bound values
REMEMBER_ROWS = 500
_SEEN = (
    update(file_outcomes)
    .where(
        file_outcomes.c.source_id == bindparam("source"),
        file_outcomes.c.source_path.in_(bindparam("paths", expanding=True)),
    )
    .values(last_seen_run_id=bindparam("seen_by"))
)
_FORGET = delete(file_outcomes).where(
    file_outcomes.c.source_id == bindparam("source"),
    file_outcomes.c.source_path.in_(bindparam("paths", expanding=True)),
)


def known_outcomes(connection: Connection, keys: Sequence[Key]) -> dict[Key, KnownOutcome]:
    """The remembered outcomes of these files, by (source, path), looked up by primary key on the
    driver's own cursor (like runs.known_articles: this runs for every file of a re-run)."""
    found: dict[Key, KnownOutcome] = {}
    for source_id, (path, outcome, stage, reason, was_read, size, mtime_ns, version) in rows_of_files(
        connection, _KNOWN, keys
    ):
        found[(source_id, path)] = KnownOutcome(
            outcome, stage, reason, bool(was_read), size, mtime_ns, version
        )
    return found


def remember(
    connection: Connection,
    run_id: int,
    source: SourceFile,
    outcome: str,
    stage: str,
    reason: str,
    was_read: bool,
    version: str,
) -> bool:
    """Remember the file's newest outcome; True when it is new (nothing was remembered, or another
    outcome, stage or reason), and so to be recorded by this run."""
    return bool(remember_all(connection, run_id, [(source, outcome, stage, reason, was_read)], version))


def remember_all(
    connection: Connection, run_id: int, files: Sequence[tuple[SourceFile, str, str, str, bool]], version: str
) -> set[Key]:
    """Remember each (file, outcome, stage, reason, was_read), a few hundred to a statement; the
    keys of those whose outcome is new. A file appears at most once."""
    new: set[Key] = set()
    for chunk in chunked(files, REMEMBER_ROWS):
        values: dict[str, object] = {}
        rows = []
        for n, (source, outcome, stage, reason, was_read) in enumerate(chunk):
            row = {
                "source_id": source.source_id,
                "source_path": source.source_path,
                "outcome": outcome,
                "stage": stage,
                "reason": reason,
                "was_read": was_read,
                "source_size": source.size,
                "source_mtime_ns": source.mtime_ns,
                "extractor_version": version,
                "run_id": run_id,
                "last_seen_run_id": run_id,
            }
            values.update({f"{name}_{n}": row[name] for name in _COLUMNS})
            rows.append("(" + ", ".join(f":{name}_{n}" for name in _COLUMNS) + ")")
        statement = text(_REMEMBER.format(rows=", ".join(rows)))
        new.update((sid, path) for sid, path, by in connection.execute(statement, values) if by == run_id)
    return new


def mark_seen(connection: Connection, run_id: int, files: Iterable[SourceFile]) -> None:
    """These files were found unchanged with their remembered outcome: the run counted it again
    (without recording it again), and `etl errors` for the run lists the earlier record."""
    keys = ((source.source_id, source.source_path) for source in files)
    for source_id, paths in _by_source(keys).items():
        for chunk in in_chunks(paths):
            connection.execute(_SEEN, {"source": source_id, "paths": chunk, "seen_by": run_id})


def forget(connection: Connection, keys: Iterable[Key]) -> None:
    """Drop what is remembered of these files (they loaded as articles)."""
    for source_id, paths in _by_source(keys).items():
        for chunk in in_chunks(paths):
            connection.execute(_FORGET, {"source": source_id, "paths": chunk})


def forget_missing(
    connection: Connection, source_id: int, prefix: str, seen: set[str], kept: tuple[str, ...] = ()
) -> int:
    """Drop what is remembered of the source's files under folder `prefix` that were not seen, but
    for those under the `kept` prefixes (folders the walk could not list); how many."""
    mark = placeholder(connection)
    rows = fetch_rows(
        connection,
        f"SELECT {file_outcomes.c.source_path.name} FROM {file_outcomes.name}"
        f" WHERE {file_outcomes.c.source_id.name} = {mark}",
        (source_id,),
    )
    gone = [
        path
        for (path,) in rows
        if path.startswith(prefix) and path not in seen and not (kept and path.startswith(kept))
    ]
    forget(connection, ((source_id, path) for path in gone))
    return len(gone)


def _by_source(keys: Iterable[Key]) -> dict[int, list[str]]:
    by_source: dict[int, list[str]] = {}
    for source_id, path in keys:
        by_source.setdefault(source_id, []).append(path)
    return by_source
