"""The only place the stages meet: discover -> extract -> transform -> load, one file at a time."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from etl import __version__
from etl.config import Settings
from etl.errors import FileError
from etl.extract import discover_files
from etl.load import Loader, MigrationResult, engine_for, upgrade_database
from etl.load.sql import chunked
from etl.records import Article, Unchanged
from etl.work import Job, process_files


class Reporter(Protocol):
    """What a front end hears during a run; the CLI prints, tests and libraries may ignore it."""

    def migrated(self, result: MigrationResult) -> None: ...

    def advanced(self, files: int) -> None: ...


class SilentReporter:
    def migrated(self, result: MigrationResult) -> None:
        pass

    def advanced(self, files: int) -> None:
        pass


# files whose loaded state is looked up in one query
KNOWN_WINDOW = 1000
# errors beyond this many are in load_errors only, not kept in memory for the summary
MAX_REPORTED_ERRORS = 20


@dataclass
class RunSummary:
    run_id: int
    files_seen: int = 0
    articles_inserted: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_deleted: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    interrupted: bool = False
    elapsed_s: float = 0.0
    errors: list[FileError] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        return "partial" if self.files_failed else "succeeded"

    def counts(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "articles_inserted": self.articles_inserted,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "articles_deleted": self.articles_deleted,
            "files_failed": self.files_failed,
            "files_skipped": self.files_skipped,
        }


def count_files(settings: Settings) -> int:
    """How many input files there are: a walk of its own, so the run itself can stream them."""
    return sum(1 for _ in discover_files(settings.paths, settings.shard))


def run(settings: Settings, reporter: Reporter | None = None) -> RunSummary:
    """Migrate the database, then load every file under `settings.paths`; a bad file is recorded
    and the run goes on.

    A first Ctrl-C (SIGINT) stops the run after the batch in hand is loaded: the summary comes back
    with `interrupted` set and the run is marked so. A second one stops at once.

    Raises:
        KeyboardInterrupt: on a second Ctrl-C, after marking the run `interrupted`.
        DatabaseUnavailable: when the connection is lost while loading a batch.
        sqlalchemy.exc.DBAPIError: when the database fails otherwise.
        In both cases the run is marked `failed` if the database can still be written.
    """
    started = time.monotonic()
    reporter = reporter or SilentReporter()
    with engine_for(settings.database_url) as engine:
        reporter.migrated(upgrade_database(engine))
        loader = Loader(engine, __version__)
        run_id = loader.start_run([str(p) for p in settings.paths])
        summary = RunSummary(run_id=run_id)
        try:
            with _StopOnInterrupt() as stop:
                _load_files(settings, loader, summary, reporter, stop)
        except KeyboardInterrupt:
            loader.finish_run("interrupted", summary.counts())
            raise
        except Exception:
            loader.mark_failed(summary.counts())
            raise
        loader.finish_run(summary.status, summary.counts())
    summary.elapsed_s = time.monotonic() - started
    return summary


class _StopOnInterrupt:
    """The first SIGINT asks the run to stop at the next file; the second interrupts outright."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> _StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._request)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _request(self, _signum: int, _frame: object) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _load_files(
    settings: Settings, loader: Loader, summary: RunSummary, reporter: Reporter, stop: _StopOnInterrupt
) -> None:
    batch: list[Article] = []
    refreshed: list[Unchanged] = []
    seen: dict[str, set[str]] = {}
    for outcome in process_files(_jobs(settings, loader, summary, reporter, seen), settings.workers):
        if isinstance(outcome, FileError):
            _fail(loader, summary, outcome)
        elif isinstance(outcome, Unchanged):
            summary.articles_unchanged += 1
            refreshed.append(outcome)
        elif outcome.skip_reason:
            summary.files_skipped += 1
            summary.articles_deleted += loader.record_skip(outcome.source_path, outcome.skip_reason)
        else:
            batch.append(outcome)
        if len(batch) >= settings.batch_size:
            _flush(loader, summary, batch)
        reporter.advanced(1)
        if stop.requested:
            summary.interrupted = True
            break
    _flush(loader, summary, batch)
    loader.refresh_stats(refreshed)
    if summary.interrupted or settings.shard:
        return  # a shard sees only its own files: it cannot tell which of the others are gone
    # only a walk that finished knows what is gone; single-file arguments retire nothing
    for root in {str(p.resolve()) for p in settings.paths if p.is_dir()}:
        summary.articles_deleted += loader.retire_missing(root, seen.get(root, set()))


def _jobs(
    settings: Settings,
    loader: Loader,
    summary: RunSummary,
    reporter: Reporter,
    seen: dict[str, set[str]],
) -> Iterator[Job]:
    """Work for the pool: every file, except those whose size and mtime say they are unchanged.

    Files stream from the walk in windows, and what the database knows is fetched per window, so
    memory stays flat however large the archive.
    """
    for window in chunked(discover_files(settings.paths, settings.shard), KNOWN_WINDOW):
        known = {} if settings.full else loader.known_articles([f.source_path for f in window])
        for source in window:
            summary.files_seen += 1
            seen.setdefault(source.root, set()).add(source.source_path)
            entry = known.get(source.source_path)
            if entry is not None and entry.same_stat(source, __version__):
                summary.articles_unchanged += 1
                reporter.advanced(1)
                continue
            loaded_sha = entry.content_sha256 if entry and entry.extractor_version == __version__ else None
            yield source, loaded_sha, settings.timezone


def _flush(loader: Loader, summary: RunSummary, batch: list[Article]) -> None:
    outcome = loader.load(batch)
    summary.articles_inserted += outcome.inserted
    summary.articles_updated += outcome.updated
    for failure in outcome.failures:
        _fail(loader, summary, failure)
    batch.clear()


def _fail(loader: Loader, summary: RunSummary, error: FileError) -> None:
    summary.files_failed += 1
    if len(summary.errors) < MAX_REPORTED_ERRORS:
        summary.errors.append(error)
    loader.record_failure(error)
