"""One run's record of its files: every outcome counted, reported, and written through the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from etl.errors import FileError
from etl.extract.discover import ARTICLE_SUFFIXES
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
    failed: bool = False  # the database stopped taking writes (see the error raised with it)
    elapsed_s: float = 0.0
    errors: list[FileError] = field(default_factory=list)
    unlinked: list[tuple[str, str]] = field(default_factory=list)  # {% post_link %}s to no loaded article

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.failed:
            return "failed"
        return "partial" if self.files_failed else "succeeded"

    @property
    def warnings(self) -> list[str]:
        """What a run that succeeded may still need to say: it found nothing to load.

        A wrong path or a folder of other files would otherwise "succeed" with a zero.
        """
        if self.interrupted or self.failed:
            return []
        if not self.files_seen:
            suffixes = ", ".join(sorted(ARTICLE_SUFFIXES))
            where = f"in shard {self.shard} of " if self.shard else "under "
            return [f"no article files ({suffixes}) {where}{', '.join(self.paths)}"]
        if self.files_skipped == self.files_seen:
            return [f"none of the {self.files_seen} files is an article: each was skipped (`etl errors`)"]
        if self.unlinked:
            shown = ", ".join(f"{path} → {slug}" for path, slug in self.unlinked[:5])
            more = f" and {len(self.unlinked) - 5} more" if len(self.unlinked) > 5 else ""
            return [f"{len(self.unlinked)} {{% post_link %}} point to no loaded article: {shown}{more}"]
        return []

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
            "warnings": self.warnings,
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

    Articles, skips and the failures remembered of unchanged files wait in batches and are
    written `batch_size` at a time; every other outcome is written when it is recorded. The
    summary counts an outcome once it is committed (an unchanged article needs no write), so at
    any moment, whatever interrupts the run, files_seen equals the sum of the other counts, and
    every write stores those counts in etl_runs with itself.
    """

    def __init__(self, loader: Loader, summary: RunSummary, reporter: Reporter, batch_size: int) -> None:
        self.loader = loader
        self.summary = summary
        self.reporter = reporter
        self.batch_size = batch_size
        self.seen: dict[int, set[str]] = {}  # source -> paths found in it
        self.unlisted: dict[int, list[str]] = {}  # source -> folders (prefixes) the walk could not list
        self._batch: list[Article] = []
        self._moved: list[SourceFile] = []  # unchanged files whose size or mtime changed
        self._skips: list[Skipped] = []
        self._unchanged_failures: list[Failed] = []  # failures remembered of unchanged files

    def record(self, outcome: Outcome) -> None:
        source = outcome.source
        self.seen.setdefault(source.source_id, set()).add(source.source_path)
        if isinstance(outcome, Article):
            self._batch.append(outcome)
            if len(self._batch) >= self.batch_size:
                self.flush()
        elif isinstance(outcome, Unchanged):
            self.summary.files_seen += 1
            self.summary.articles_unchanged += 1
            if outcome.stat_changed:
                self._moved.append(source)
                if len(self._moved) >= self.batch_size:
                    self.flush()
        elif isinstance(outcome, Skipped):
            self._skips.append(outcome)
            if len(self._skips) >= self.batch_size:
                self._flush_skips()
        else:
            if outcome.whole_folder:
                folder = "" if source.source_path == "./" else source.source_path
                self.unlisted.setdefault(source.source_id, []).append(folder)
            if outcome.origin == "memory":  # failed before, unchanged: counted, noted with the skips
                self._unchanged_failures.append(outcome)
                if len(self._unchanged_failures) >= self.batch_size:
                    self._flush_skips()
            else:
                self._fail(outcome)
        self.reporter.advanced(1)

    def flush(self) -> None:
        """Write the waiting articles (one transaction), skips (another) and the new stats of
        unchanged files."""
        self._flush_skips()
        batch = self._batch
        outcome = self.loader.load(
            batch,
            lambda done: self._after(
                files_seen=done.inserted + done.updated,
                articles_inserted=done.inserted,
                articles_updated=done.updated,
                files_warned=done.warned,
            ),
        )
        self.summary.files_seen += outcome.inserted + outcome.updated
        self.summary.articles_inserted += outcome.inserted
        self.summary.articles_updated += outcome.updated
        self.summary.files_warned += outcome.warned
        self._batch = []
        for failed in outcome.failures:
            self._fail(failed)
        self.loader.refresh_stats(self._moved)
        self._moved.clear()

    def _flush_skips(self) -> None:
        skips, self._skips = self._skips, []
        failures, self._unchanged_failures = self._unchanged_failures, []
        retired = self.loader.record_skips(
            skips,
            failures,
            lambda n: self._after(
                files_seen=len(skips) + len(failures),
                files_skipped=len(skips),
                files_failed=len(failures),
                articles_deleted=n,
            ),
        )
        self.summary.files_seen += len(skips)
        self.summary.files_skipped += len(skips)
        self.summary.articles_deleted += retired
        for failed in failures:
            self._count_failure(failed)

    def retire_missing(self, folders: list[tuple[int, str]]) -> None:
        """Soft-delete what was loaded from these (source, folder prefix) and not seen in this run,
        but for what lies in folders the walk could not list."""
        for source_id, prefix in folders:
            kept = tuple(self.unlisted.get(source_id, ()))
            if any(prefix.startswith(k) for k in kept):
                continue  # the folder itself could not be listed
            retired = self.loader.retire_missing(
                source_id,
                prefix,
                self.seen.get(source_id, set()),
                kept,
                lambda n: self._after(articles_deleted=n),
            )
            self.summary.articles_deleted += retired

    def _fail(self, failed: Failed) -> None:
        self.loader.record_failure(failed, self._after(files_seen=1, files_failed=1))
        self._count_failure(failed)

    def _count_failure(self, failed: Failed) -> None:
        self.summary.files_seen += 1
        self.summary.files_failed += 1
        if len(self.summary.errors) < MAX_REPORTED_ERRORS:
            self.summary.errors.append(failed.error)

    def _after(self, **added: int) -> dict[str, int]:
        """The run's counts once a write that adds these to them commits."""
        counts = self.summary.counts()
        for name, value in added.items():
            counts[name] += value
        return counts
