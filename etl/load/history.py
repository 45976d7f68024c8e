"""The run ledger read back: recent runs, and the files a run failed, skipped or warned about, and why."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, literal, select, union_all

from etl.errors import RunNotFound
from etl.schema.tables import etl_runs, file_outcomes, file_warnings, load_errors, skipped_files


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


@dataclass(frozen=True)
class FileProblems:
    """A run's failed, skipped and warned files (those it recorded, and those it found unchanged
    since an earlier run recorded them, as that run did), and how many of each kind it counted."""

    run_id: int
    problems: list[FileProblem]
    counted: dict[str, int]  # by kind; more than are listed of a file a later run found unchanged


def file_problems(
    connection: Connection, run_id: int | None, kinds: Collection[str] = PROBLEM_KINDS
) -> FileProblems:
    """The run's problems of the given `kinds`, by path; the newest run when `run_id` is None.

    A file found unchanged since an earlier run skipped it or failed it is counted by each run
    but recorded once: it is listed, with the earlier run's record, under the newest run that
    found it so (file_outcomes.last_seen_run_id)."""
    newest = connection.execute(select(func.max(etl_runs.c.id))).scalar()
    if run_id is None:
        if newest is None:
            raise RunNotFound("this database holds no runs yet: `etl run` one first")
        run_id = int(newest)
    counts = connection.execute(
        select(etl_runs.c.files_failed, etl_runs.c.files_skipped, etl_runs.c.files_warned).where(
            etl_runs.c.id == run_id
        )
    ).first()
    if counts is None:
        known = f"runs are numbered 1 to {newest}" if newest else "it holds no runs yet"
        raise RunNotFound(f"no run {run_id} in this database ({known}); `etl runs` lists them")
    kinds = [kind for kind in PROBLEM_KINDS if kind in kinds]
    problems = _recorded(connection, [run_id], kinds) + _unchanged_since(connection, run_id, kinds)
    problems.sort(key=lambda p: (p.source_path, p.kind, p.run_id, p.reason))
    counted = dict(zip(PROBLEM_KINDS, counts, strict=True))
    return FileProblems(run_id, problems, {kind: counted[kind] for kind in kinds})


def _unchanged_since(connection: Connection, run_id: int, kinds: Collection[str]) -> list[FileProblem]:
    """The outcomes the run found again, the same as an earlier run recorded them: from
    file_outcomes (by source, so a same-named file of another source is not taken), each with
    the time of the earlier run's record (that run's start if its row is not found)."""
    found = connection.execute(
        select(
            file_outcomes.c.run_id,
            file_outcomes.c.source_path,
            file_outcomes.c.outcome,
            file_outcomes.c.stage,
            file_outcomes.c.reason,
            etl_runs.c.started_at,
        )
        .join(etl_runs, etl_runs.c.id == file_outcomes.c.run_id)
        .where(
            file_outcomes.c.last_seen_run_id == run_id,
            file_outcomes.c.run_id < run_id,
            file_outcomes.c.outcome.in_(list(kinds)),
        )
    ).all()
    if not found:
        return []
    recorded_at = {
        (p.run_id, p.source_path, p.kind, p.reason): p.created_at
        for p in _recorded(connection, sorted({row.run_id for row in found}), {row.outcome for row in found})
    }
    return [
        FileProblem(
            recorded_by,
            path,
            kind,
            "transform" if kind == "skipped" else stage,  # as skipped_files rows are listed
            reason,
            recorded_at.get((recorded_by, path, kind, reason), started_at),
        )
        for recorded_by, path, kind, stage, reason, started_at in found
    ]


def _recorded(connection: Connection, run_ids: Collection[int], kinds: Collection[str]) -> list[FileProblem]:
    """The rows these runs wrote to load_errors, skipped_files and file_warnings, of `kinds`."""
    failed = select(
        load_errors.c.run_id,
        load_errors.c.source_path,
        literal("failed").label("kind"),
        load_errors.c.stage,
        load_errors.c.error.label("reason"),
        load_errors.c.created_at,
    ).where(load_errors.c.run_id.in_(run_ids))
    skipped = select(
        skipped_files.c.run_id,
        skipped_files.c.source_path,
        literal("skipped").label("kind"),
        literal("transform").label("stage"),
        skipped_files.c.reason,
        skipped_files.c.created_at,
    ).where(skipped_files.c.run_id.in_(run_ids))
    warned = select(
        file_warnings.c.run_id,
        file_warnings.c.source_path,
        literal("warning").label("kind"),
        file_warnings.c.stage,
        file_warnings.c.warning,
        file_warnings.c.created_at,
    ).where(file_warnings.c.run_id.in_(run_ids))
    queries = {"failed": failed, "skipped": skipped, "warning": warned}
    chosen = [queries[kind] for kind in PROBLEM_KINDS if kind in kinds]
    if not chosen:
        return []
    return [FileProblem(*row) for row in connection.execute(union_all(*chosen))]
