"""The Python API: what the `etl` command does, as functions that return typed results.

Orchestrators (Airflow, Dagster, cron wrappers) call these; so does the command line. Every
function takes the database URL as `database_url` (a string or SQLAlchemy URL; default
$ETL_DATABASE_URL, else sqlite:///etl.db) and raises etl.errors.EtlError subclasses only:
ConfigError for a bad setting, DatabaseError when the database fails, RunLocked when another run
loads the same input, RunNotFound for an unknown run id.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

if TYPE_CHECKING:
    from etl.query import SearchQuery

from etl.config import build_settings, redact_url, resolve_database_url
from etl.errors import ConfigError
from etl.fsnames import text_path
from etl.load import (
    SCHEMA_HEAD,
    MigrationResult,
    engine_at_head,
    engine_for,
    history,
    search_index,
    upgrade_database,
)
from etl.load import access as load_access
from etl.load import current_revision as stamped_revision
from etl.load import stats as load_stats
from etl.load.access import ReadOnlyGrant
from etl.load.history import PROBLEM_KINDS, FileProblem, FileProblems, RunRecord
from etl.load.stats import Counts
from etl.recording import Reporter, RunSummary
from etl.shards import Shard

DatabaseURL = str | URL | None

__all__ = [
    "Counts",
    "FileProblem",
    "FileProblems",
    "Match",
    "MigrationResult",
    "ReadOnlyGrant",
    "ReportResult",
    "RunRecord",
    "RunSummary",
    "SchemaRevision",
    "SearchResult",
    "current_revision",
    "file_problems",
    "grant_readonly",
    "rebuild_search_index",
    "recent_runs",
    "report",
    "run",
    "search",
    "stats",
    "upgrade",
]


def run(
    paths: Sequence[str | Path] | str | Path,
    database_url: DatabaseURL = None,
    *,
    timezone: str | None = None,
    workers: int | None = None,
    full: bool = False,
    shard: str | Shard | None = None,
    shards: int | None = None,
    wait: bool = False,
    max_file_size: int | str | None = None,
    source: str | None = None,
    reporter: Reporter | None = None,
) -> RunSummary:
    """Load the article files under `paths`, migrating the database first.

    Args:
        paths: folders (searched recursively) or single files.
        database_url: where to load; default $ETL_DATABASE_URL, else sqlite:///etl.db.
        timezone: zone for dates written without one (default $ETL_TIMEZONE, else UTC).
        workers: processes that parse files (default $ETL_WORKERS, else one per CPU).
        full: re-process files whose size, mtime and content are unchanged.
        shard: "K/N" or (K, N) to load one shard of N; "auto" to read it from the job runner.
        shards: with shard="auto", how many shards there are, when the runner does not say.
        wait: wait for another run loading the same input instead of raising RunLocked.
        max_file_size: bytes, or "64M", "1G": larger files are refused unread (default
            $ETL_MAX_FILE_SIZE, else 64 MiB).
        source: the name of the source the paths load into (default: the known source whose
            folder holds them, else a new one named after the folder); a known name on a new
            folder moves that source there.
        reporter: told of progress (see etl.recording.Reporter); silent by default.

    Returns:
        The run's summary; `summary.status` is "succeeded", "partial" (some files failed, listed
        in `summary.errors` and the load_errors table) or "interrupted".

    Raises:
        RunFailed: the database stopped taking writes during the run; `error.summary` tells
            what was committed before.
    """
    from etl import pipeline  # the parsers and workers: only for runs

    settings = build_settings(
        db=database_url,
        paths=paths,
        timezone=timezone,
        workers=workers,
        full=full,
        shard=shard,
        shards=shards,
        wait=wait,
        max_file_size=max_file_size,
        source=source,
    )
    return pipeline.run(settings, reporter)


def upgrade(database_url: DatabaseURL = None) -> MigrationResult:
    """Apply every pending migration (one transaction)."""
    with engine_for(resolve_database_url(database_url)) as engine:
        return upgrade_database(engine)


@dataclass(frozen=True)
class SchemaRevision:
    current: str | None  # None: a database etl never touched
    head: str  # the newest revision this etl knows

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def current_revision(database_url: DatabaseURL = None) -> SchemaRevision:
    """The database's schema revision, and the newest one this etl brings."""
    with engine_for(resolve_database_url(database_url)) as engine:
        return SchemaRevision(stamped_revision(engine), SCHEMA_HEAD)


@dataclass(frozen=True)
class Match:
    article: search_index.SearchHit
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery  # what was searched for: the groups, exclusions and phrases
    matches: list[Match]
    indexed: int
    live: int

    @property
    def complete(self) -> bool:
        """False when some live articles are missing from the index (e.g. right after an upgrade)."""
        return self.indexed >= self.live


def search(query: str, database_url: DatabaseURL = None, *, limit: int = 20) -> SearchResult:
    """Live articles matching `query` (web search syntax, see etl.query), best first.

    A query with nothing to search for (`*`, only exclusions) finds nothing: `result.query.empty`.
    """
    from etl.query import parse_query, snippet  # OpenCC and the index text: only when searching

    parsed = parse_query(query)
    with engine_at_head(resolve_database_url(database_url)) as engine, engine.connect() as connection:
        hits = search_index.search(connection, parsed, limit)
        indexed, live = search_index.coverage(connection)
    matches = [Match(hit, snippet(hit.body_text, parsed.terms)) for hit in hits]
    return SearchResult(parsed, matches, indexed, live)


def rebuild_search_index(database_url: DatabaseURL = None) -> int:
    """Recreate the whole search index from the articles table, in one transaction; articles indexed."""
    with engine_at_head(resolve_database_url(database_url)) as engine, engine.begin() as connection:
        return search_index.rebuild(connection)


def recent_runs(database_url: DatabaseURL = None, *, limit: int = 10) -> list[RunRecord]:
    """The newest runs recorded in etl_runs, newest first."""
    with engine_at_head(resolve_database_url(database_url)) as engine, engine.connect() as connection:
        return history.recent_runs(connection, limit)


def file_problems(
    database_url: DatabaseURL = None, *, run_id: int | None = None, kinds: Collection[str] | None = None
) -> FileProblems:
    """The files a run (default: the newest) failed, skipped or loaded with a warning, with the
    reasons; only those of `kinds` ("failed", "skipped", "warning"; default: all). A file found
    unchanged since an earlier run recorded it is listed with that run's record, under the newest
    run that found it so. RunNotFound if there is no such run, ConfigError for an unknown kind."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    unknown = sorted(set(kinds or ()) - set(PROBLEM_KINDS))
    if unknown:
        raise ConfigError(f"unknown kind {unknown[0]!r}: choose from {', '.join(PROBLEM_KINDS)}")
    with engine_at_head(resolve_database_url(database_url)) as engine, engine.connect() as connection:
        return history.file_problems(connection, run_id, kinds or PROBLEM_KINDS)


def stats(database_url: DatabaseURL = None, *, by: str = "category") -> Counts:
    """Live articles counted by category, month, domain or role (see etl.load.stats.DIMENSIONS)."""
    with engine_at_head(resolve_database_url(database_url)) as engine:
        return load_stats.counts_by(engine, by)


def grant_readonly(
    role: str, database_url: DatabaseURL = None, *, password: str | None = None
) -> ReadOnlyGrant:
    """Create or update a Postgres login that can read every table and view and change nothing."""
    with engine_for(resolve_database_url(database_url)) as engine:
        return load_access.grant_readonly(engine, role, password)


@dataclass(frozen=True)
class ReportResult:
    path: Path
    size: int  # bytes
    seconds: float  # to read the database, draw, render and write


def report(
    database_url: DatabaseURL = None, *, output: str | Path | None = None, source: str | None = None
) -> ReportResult:
    """Write the self-contained HTML report of the database (of one source, if given) to `output`
    (default etl-report.html); ConfigError for an unknown source or a file that cannot be written."""
    from etl.load.report import read_report
    from etl.report_page import DEFAULT_OUTPUT, render_page  # matplotlib and Jinja2: only for reports

    started = time.perf_counter()
    url = resolve_database_url(database_url)
    with engine_at_head(url) as engine, engine.connect() as connection:
        data = read_report(connection, source)
    page = render_page(data, redact_url(url), datetime.now(UTC).replace(microsecond=0)).encode("utf-8")
    path = Path(DEFAULT_OUTPUT if output is None else output)
    try:  # rendered in full first, so only a failing disk leaves a partial file
        path.write_bytes(page)
    except OSError as exc:
        raise ConfigError(f"cannot write the report to {text_path(path)}: {exc.strerror or exc}") from None
    return ReportResult(path, len(page), time.perf_counter() - started)
