"""Loader: the one object through which a run touches the database."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from etl.errors import DatabaseError, DatabaseUnavailable, LoadError
from etl.load import outcomes, post_links, runs, sources
from etl.load.engine import database_message, driver_error, lost_connection, stops_the_run
from etl.load.lookups import SharedRows
from etl.load.sources import SourcePlan
from etl.load.upsert import write_articles
from etl.records import Article, Failed, KnownFile, KnownFiles, Skipped, SourceFile

Counts = Mapping[str, int]
T = TypeVar("T")


def _database_errors(method: Callable[..., T]) -> Callable[..., T]:
    """What the driver raises leaves as etl's DatabaseError, so the run never sees SQLAlchemy's or
    the driver's exceptions (a lost connection as DatabaseUnavailable)."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except DatabaseError:
            raise
        except Exception as exc:
            if not driver_error(exc):
                raise
            kind = DatabaseUnavailable if lost_connection(exc) else DatabaseError
            raise kind(f"database error: {_reason(exc)}") from exc

    return wrapper


@dataclass
class BatchOutcome:
    inserted: int = 0
    updated: int = 0
    warned: int = 0  # articles loaded with a warning
    failures: list[Failed] = field(default_factory=list)


class Loader:
    """Writes article batches, one transaction each, and keeps the run ledger.

    Every write also stores the run's counts as they stand once it commits, so the etl_runs row
    of a run killed at any moment tells what it committed.
    """

    def __init__(self, engine: Engine, version: str) -> None:
        self.engine = engine
        self.version = version
        self.shared = SharedRows()
        self.run_id: int | None = None
        self.plan: SourcePlan | None = None
        self.source_names: dict[int, str] = {}

    @_database_errors
    def plan_sources(self, paths: list[str], name: str | None) -> SourcePlan:
        """Which source each path belongs to (creating or moving sources as needed)."""
        with self.engine.begin() as connection:
            self.plan = sources.plan_sources(connection, paths, name, runs.now_utc())
        self.source_names = self.plan.names()
        return self.plan

    @_database_errors
    def start_run(self, paths: Sequence[str], shard: str | None) -> int:
        """Record a new run, after marking runs killed on this machine as interrupted."""
        plan = self._current_plan()
        with self.engine.begin() as connection:
            runs.mark_dead_runs(connection)
            self.run_id = runs.start_run(
                connection, paths, shard, self.version, [s.name for s in plan.sources]
            )
            sources.mark_run(connection, plan, self.run_id)
        return self.run_id

    @_database_errors
    def known_articles(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], KnownFile]:
        with self.engine.connect() as connection:
            return runs.known_articles(connection, keys)

    @_database_errors
    def known_files(self, keys: list[tuple[int, str]]) -> KnownFiles:
        """What is remembered of these files: the live articles loaded from them, and the skips
        and failures of those that are not articles."""
        with self.engine.connect() as connection:
            return KnownFiles(
                runs.known_articles(connection, keys), outcomes.known_outcomes(connection, keys)
            )

    @_database_errors
    def retire_missing(
        self,
        source_id: int,
        prefix: str,
        seen: set[str],
        kept: tuple[str, ...],
        counts: Callable[[int], Counts],
    ) -> int:
        """Soft-delete articles of the source under `prefix` whose files are gone, but for those
        under the `kept` folder prefixes; child rows are kept. `counts(retired)` gives the run's
        counts after it."""
        with self.engine.begin() as connection:
            retired = runs.retire_missing(connection, source_id, prefix, seen, kept)
            runs.store_counts(connection, self._current_run(), counts(retired))
            return retired

    @_database_errors
    def refresh_stats(self, files: list[SourceFile]) -> None:
        if files:
            with self.engine.begin() as connection:
                runs.refresh_stats(connection, files)

    @_database_errors
    def load(self, batch: list[Article], counts: Callable[[BatchOutcome], Counts]) -> BatchOutcome:
        """Load a batch in one transaction; if the database refuses it, retry article by article.

        `counts(outcome)` gives the run's counts once `outcome` is committed. Whatever the driver
        refuses in one article (a value, a constraint) fails that article alone; what stops every
        write (a full disk, a lost connection, a read-only database) stops the run.
        """
        if not batch:
            return BatchOutcome()
        try:
            return self._write(batch, counts)
        except Exception as exc:
            if stops_the_run(exc):
                raise _stopped(batch, exc) from None
        outcome = BatchOutcome()
        for article in batch:
            try:
                single = self._write([article], lambda done: counts(_plus(outcome, done)))
            except Exception as exc:
                if stops_the_run(exc):
                    raise _stopped(batch, exc) from None
                message = f"database refused the article: {_reason(exc)}"
                outcome.failures.append(
                    Failed(article.source, LoadError(article.source.source_path, message))
                )
                continue
            outcome.inserted += single.inserted
            outcome.updated += single.updated
            outcome.warned += single.warned
        return outcome

    @_database_errors
    def record_failure(self, failed: Failed, counts: Counts) -> None:
        """Record a file that failed (one remembered from an earlier run goes to record_skips)."""
        with self.engine.begin() as connection:
            runs.record_error(connection, self._current_run(), failed, self.version)
            runs.store_counts(connection, self._current_run(), counts)

    @_database_errors
    def record_skips(
        self, skips: list[Skipped], unchanged_failures: list[Failed], counts: Callable[[int], Counts]
    ) -> int:
        """Record files that are not articles, in one transaction (half of a real archive can be
        stubs: a commit each was most of the writer's time on them); returns how many loaded
        articles they retired. A skip or failure remembered from an earlier run (the file not read
        again) is not recorded again and retires nothing: the run is only noted as having seen it."""
        written = [s for s in skips if s.origin != "memory"]
        seen = [s.source for s in skips if s.origin == "memory"] + [f.source for f in unchanged_failures]
        if not written and not seen:
            return 0
        with self.engine.begin() as connection:
            outcomes.mark_seen(connection, self._current_run(), seen)
            retired = runs.record_skips(connection, self._current_run(), written, self.version)
            runs.store_counts(connection, self._current_run(), counts(retired))
            return retired

    @_database_errors
    def resolve_post_links(self) -> list[tuple[str, str]]:
        """Point the post links of the run's sources at their articles; those that point nowhere."""
        with self.engine.begin() as connection:
            return post_links.resolve(connection, [s.id for s in self._current_plan().sources])

    @_database_errors
    def finish_run(self, status: str, counts: Counts | None) -> None:
        """Mark the run ended; `counts` None keeps what its last write stored (after an interrupt
        that may have come between a commit and the summary hearing of it)."""
        with self.engine.begin() as connection:
            runs.finish_run(connection, self._current_run(), status, counts)

    def mark_failed(self, counts: Counts) -> None:
        """Mark the run failed if the database can still be written; if not, the next run will."""
        with contextlib.suppress(Exception):
            self.finish_run("failed", counts)

    def _write(self, batch: list[Article], counts: Callable[[BatchOutcome], Counts]) -> BatchOutcome:
        try:
            with self.engine.begin() as connection:
                now = runs.now_utc()
                inserted, updated = write_articles(
                    connection, self.shared, batch, self.version, now, self._current_run(), self.source_names
                )
                outcome = BatchOutcome(inserted, updated, warned=sum(1 for a in batch if a.warnings))
                runs.store_counts(connection, self._current_run(), counts(outcome))
        except BaseException:
            self.shared.rollback()
            raise
        self.shared.commit()
        return outcome

    def _current_run(self) -> int:
        if self.run_id is None:
            raise RuntimeError("start_run() was not called")
        return self.run_id

    def _current_plan(self) -> SourcePlan:
        if self.plan is None:
            raise RuntimeError("plan_sources() was not called")
        return self.plan


def _plus(before: BatchOutcome, single: BatchOutcome) -> BatchOutcome:
    return BatchOutcome(
        before.inserted + single.inserted, before.updated + single.updated, before.warned + single.warned
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, DBAPIError):
        return database_message(exc)
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _stopped(batch: list[Article], exc: Exception) -> DatabaseError:
    first, last = batch[0].source.source_path, batch[-1].source.source_path
    if lost_connection(exc):
        return DatabaseUnavailable(
            f"lost the database while loading {len(batch)} files ({first} … {last}), nothing of them "
            f"was kept: {_reason(exc)}; what earlier batches loaded is kept, run again when it is back"
        )
    return DatabaseError(
        f"the database stopped taking writes while loading {len(batch)} files ({first} … {last}), "
        f"nothing of them was kept: {_reason(exc)}; what earlier batches loaded is kept, run again "
        "when it takes writes"
    )
