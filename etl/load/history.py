"""The run ledger read back: recent runs, and the files a run failed, skipped or warned about, and why."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, literal, select, union_all

from etl.errors import RunNotFound
from etl.schema.tables import etl_runs, file_warnings, load_errors, skipped_files


@dataclass(frozen=True)
class RunRecord:
    """One etl_runs row."""

    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    files_seen: int
    articles_inserted: int
    articles_updated: int
    articles_unchanged: int
    articles_deleted: int
    files_failed: int
    files_skipped: int
    files_warned: int
    shard: str | None
    etl_version: str
    host: str | None
    pid: int | None
    sources: str  # the names of the sources it loaded, one line each
    paths: str  # the input roots as given, one line each


# what a FileProblem's `kind` can be, in the order `etl errors` names them
PROBLEM_KINDS = ("failed", "skipped", "warning")


@dataclass(frozen=True)
class FileProblem:
    """A file of a run that did not load (`failed`), is not an article (`skipped`), or loaded with
    something wrong in it (`warning`), and why."""

    run_id: int
    source_path: str
    kind: str
    stage: str
    reason: str
    created_at: datetime


_RUN_COLUMNS = [
    etl_runs.c[name] for name in RunRecord.__dataclass_fields__ if name not in ("sources", "paths")
]


def recent_runs(connection: Connection, limit: int) -> list[RunRecord]:
    """The `limit` newest runs, newest first."""
    rows = connection.execute(
        select(*_RUN_COLUMNS, etl_runs.c.sources, etl_runs.c.paths)
        .order_by(etl_runs.c.id.desc())
        .limit(limit)
    )
    return [
        RunRecord(*row[:-2], sources="\n".join(row[-2] or []), paths="\n".join(row[-1] or [])) for row in rows
    ]


def file_problems(
    connection: Connection, run_id: int | None, kinds: Collection[str] = PROBLEM_KINDS
) -> tuple[int, list[FileProblem]]:
    """(the run, its failed, skipped and warned files by path, of the given `kinds`); the newest run
    when `run_id` is None."""
    newest = connection.execute(select(func.max(etl_runs.c.id))).scalar()
    if run_id is None:
        if newest is None:
            raise RunNotFound("this database holds no runs yet: `etl run` one first")
        run_id = int(newest)
    elif connection.execute(select(etl_runs.c.id).where(etl_runs.c.id == run_id)).first() is None:
        known = f"runs are numbered 1 to {newest}" if newest else "it holds no runs yet"
        raise RunNotFound(f"no run {run_id} in this database ({known}); `etl runs` lists them")
    failed = select(
        load_errors.c.run_id,
        load_errors.c.source_path,
        literal("failed").label("kind"),
        load_errors.c.stage,
        load_errors.c.error.label("reason"),
        load_errors.c.created_at,
    ).where(load_errors.c.run_id == run_id)
    skipped = select(
        skipped_files.c.run_id,
        skipped_files.c.source_path,
        literal("skipped").label("kind"),
        literal("transform").label("stage"),
        skipped_files.c.reason,
        skipped_files.c.created_at,
    ).where(skipped_files.c.run_id == run_id)
    warned = select(
        file_warnings.c.run_id,
        file_warnings.c.source_path,
        literal("warning").label("kind"),
        file_warnings.c.stage,
        file_warnings.c.warning,
        file_warnings.c.created_at,
    ).where(file_warnings.c.run_id == run_id)
    queries = {"failed": failed, "skipped": skipped, "warning": warned}
    chosen = [queries[kind] for kind in PROBLEM_KINDS if kind in kinds]
    if not chosen:
        return run_id, []
    both = union_all(*chosen).subquery()
    rows = connection.execute(select(both).order_by(both.c.source_path, both.c.kind))
    return run_id, [FileProblem(*row) for row in rows]
