"""One run's record of its files: every outcome counted, reported, and written through the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from etl.errors import FileError
from etl.load import Loader, MigrationResult
from etl.records import Article, Failed, Outcome, Skipped, SourceFile, Unchanged

if TYPE_CHECKING:
    from etl.config import Settings

# errors beyond this many are in load_errors only, not kept in memory for the summary
MAX_REPORTED_ERRORS = 20


class Reporter(Protocol):
    """What a front end hears during a run; the CLI prints, tests and libraries may ignore it."""

    def started(self, settings: Settings) -> None:
        """The run's settings are resolved; nothing has touched the database yet."""

    def waiting(self) -> None:
        """Another run holds the input's lock and this one waits for it (--wait)."""

    def migrated(self, result: MigrationResult) -> None: ...

    def advanced(self, files: int) -> None: ...


class SilentReporter:
    def started(self, settings: Settings) -> None:
        pass

    def waiting(self) -> None:
        pass

    def migrated(self, result: MigrationResult) -> None:
        pass

    def advanced(self, files: int) -> None:
        pass


@dataclass
class RunSummary:
    """What a run did: its id in etl_runs, its status and counts, and the first errors."""

    run_id: int
    database: str  # the URL with its password hidden
    paths: list[str]
    shard: str | None = None  # K/N
    files_seen: int = 0
    articles_inserted: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_deleted: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    files_warned: int = 0  # of the inserted and updated, those loaded with a warning
    interrupted: bool = False
    elapsed_s: float = 0.0
    errors: list[FileError] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        return "partial" if self.files_failed else "succeeded"

    def to_dict(self) -> dict[str, object]:
        """Everything as plain JSON values, for `etl run --json` and orchestrators."""
        return {
            "run_id": self.run_id,
            "status": self.status,
            "database": self.database,
            "paths": self.paths,
            "shard": self.shard,
            **self.counts(),
            "elapsed_s": round(self.elapsed_s, 3),
            "errors": [
                {"source_path": e.source_path, "stage": e.stage, "error": e.message} for e in self.errors
            ],
        }

    def counts(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "articles_inserted": self.articles_inserted,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "articles_deleted": self.articles_deleted,
            "files_failed": self.files_failed,
            "files_skipped": self.files_skipped,
            "files_warned": self.files_warned,
        }


class RunRecorder:
    """Holds what a run has seen and done; `record` takes every outcome, whatever its kind.

    Articles wait in a batch and are written `batch_size` at a time; every other outcome is
    written when it is recorded. `finish` writes what is still waiting.
    """

    def __init__(self, loader: Loader, summary: RunSummary, reporter: Reporter, batch_size: int) -> None:
        self.loader = loader
        self.summary = summary
        self.reporter = reporter
        self.batch_size = batch_size
        self.seen: dict[str, set[str]] = {}  # root -> source paths found under it
        self._batch: list[Article] = []
        self._moved: list[SourceFile] = []  # unchanged files whose size or mtime changed

    def record(self, outcome: Outcome) -> None:
        source = outcome.source
        self.summary.files_seen += 1
        self.seen.setdefault(source.root, set()).add(source.source_path)
        if isinstance(outcome, Article):
            self._batch.append(outcome)
            if len(self._batch) >= self.batch_size:
                self.flush()
        elif isinstance(outcome, Unchanged):
            self.summary.articles_unchanged += 1
            if outcome.stat_changed:
                self._moved.append(source)
                if len(self._moved) >= self.batch_size:
                    self.flush()
        elif isinstance(outcome, Skipped):
            self.summary.files_skipped += 1
            self.summary.articles_deleted += self.loader.record_skip(outcome)
        else:
            self._fail(outcome)
        self.reporter.advanced(1)

    def flush(self) -> None:
        """Write the waiting articles (one transaction) and the new stats of unchanged files."""
        outcome = self.loader.load(self._batch)
        self.summary.articles_inserted += outcome.inserted
        self.summary.articles_updated += outcome.updated
        self.summary.files_warned += outcome.warned
        for failed in outcome.failures:
            self._fail(failed)
        self._batch.clear()
        self.loader.refresh_stats(self._moved)
        self._moved.clear()

    def retire_missing(self, roots: list[str]) -> None:
        """Soft-delete what was loaded from these roots and not seen in this run."""
        for root in roots:
            self.summary.articles_deleted += self.loader.retire_missing(root, self.seen.get(root, set()))

    def _fail(self, failed: Failed) -> None:
        self.summary.files_failed += 1
        if len(self.summary.errors) < MAX_REPORTED_ERRORS:
            self.summary.errors.append(failed.error)
        self.loader.record_failure(failed)
