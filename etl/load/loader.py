"""Loader: the one object through which a run touches the database."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from etl.errors import DatabaseUnavailable, LoadError
from etl.load import runs
from etl.load.engine import database_message
from etl.load.lookups import SharedRows
from etl.load.upsert import write_articles
from etl.records import Article, Failed, KnownFile, Skipped, SourceFile


@dataclass
class BatchOutcome:
    inserted: int = 0
    updated: int = 0
    warned: int = 0  # articles loaded with a warning
    failures: list[Failed] = field(default_factory=list)


class Loader:
    """Writes article batches, one transaction each, and keeps the run ledger."""

    def __init__(self, engine: Engine, version: str) -> None:
        self.engine = engine
        self.version = version
        self.shared = SharedRows()
        self.run_id: int | None = None

    def start_run(self, paths: Sequence[str], shard: str | None) -> int:
        """Record a new run, after marking runs killed on this machine as interrupted."""
        with self.engine.begin() as connection:
            runs.mark_dead_runs(connection)
            self.run_id = runs.start_run(connection, paths, shard, self.version)
        return self.run_id

    def known_articles(self, paths: list[str]) -> dict[str, KnownFile]:
        with self.engine.connect() as connection:
            return runs.known_articles(connection, paths)

    def retire_missing(self, root: str, seen: set[str]) -> int:
        """Soft-delete articles whose files are gone from `root`; child rows are kept."""
        with self.engine.begin() as connection:
            return runs.retire_missing(connection, root, seen)

    def refresh_stats(self, files: list[SourceFile]) -> None:
        if files:
            with self.engine.begin() as connection:
                runs.refresh_stats(connection, files)

    def load(self, batch: list[Article]) -> BatchOutcome:
        """Load a batch in one transaction; if the database refuses it, retry article by article."""
        if not batch:
            return BatchOutcome()
        try:
            return self._write(batch)
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise _unavailable(batch, exc) from None
        outcome = BatchOutcome()
        for article in batch:
            try:
                single = self._write([article])
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise _unavailable(batch, exc) from None
                message = f"database refused the article: {database_message(exc)}"
                outcome.failures.append(
                    Failed(article.source, LoadError(article.source.source_path, message))
                )
                continue
            outcome.inserted += single.inserted
            outcome.updated += single.updated
            outcome.warned += single.warned
        return outcome

    def record_failure(self, failed: Failed) -> None:
        with self.engine.begin() as connection:
            runs.record_error(connection, self._current_run(), failed.error)

    def record_skip(self, skipped: Skipped) -> int:
        """Record a file that is not an article; returns how many loaded articles it retired."""
        with self.engine.begin() as connection:
            return runs.record_skip(connection, self._current_run(), skipped)

    def finish_run(self, status: str, counts: dict[str, Any]) -> None:
        with self.engine.begin() as connection:
            runs.finish_run(connection, self._current_run(), status, counts)

    def mark_failed(self, counts: dict[str, Any]) -> None:
        """Mark the run failed if the database can still be written; if not, the next run will."""
        with contextlib.suppress(DBAPIError):
            self.finish_run("failed", counts)

    def _write(self, batch: list[Article]) -> BatchOutcome:
        try:
            with self.engine.begin() as connection:
                now = runs.now_utc()
                inserted, updated = write_articles(
                    connection, self.shared, batch, self.version, now, self._current_run()
                )
        except BaseException:
            self.shared.rollback()
            raise
        self.shared.commit()
        return BatchOutcome(inserted, updated, warned=sum(1 for a in batch if a.warnings))

    def _current_run(self) -> int:
        if self.run_id is None:
            raise RuntimeError("start_run() was not called")
        return self.run_id


def _unavailable(batch: list[Article], exc: DBAPIError) -> DatabaseUnavailable:
    first, last = batch[0].source.source_path, batch[-1].source.source_path
    return DatabaseUnavailable(
        f"lost the database while loading {len(batch)} files ({first} … {last}), nothing of them "
        f"was kept: database refused the article: {database_message(exc)}; run again when it is back"
    )
