"""The one place the stages meet: discover -> read -> transform -> record -> load.

Files stream from the walk; what the database knows of them is looked up a window at a time, and
each file is either found unchanged by its size and mtime or sent to the workers. Every file ends
as one outcome, in input order, which the run's recorder counts and hands to the loader.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from etl import __version__
from etl.batches import chunked
from etl.config import Settings
from etl.extract.discover import discover_files
from etl.load import Loader, engine_for, upgrade_database
from etl.load.locks import hold_run_locks, run_locks
from etl.recording import Reporter, RunRecorder, RunSummary, SilentReporter
from etl.records import KnownFile, SourceFile, Unchanged
from etl.workers import Job, process_files

# files whose loaded state is looked up in one query
KNOWN_WINDOW = 1000


def count_files(settings: Settings) -> int:
    """How many input files there are: a walk of its own, so the run itself can stream them."""
    return sum(1 for _ in discover_files(settings.paths, settings.shard))


def run(settings: Settings, reporter: Reporter | None = None) -> RunSummary:
    """Migrate the database, then load every file under `settings.paths`; a bad file is recorded
    and the run goes on.

    A first Ctrl-C (SIGINT) stops the run after the batch in hand is loaded: the summary comes back
    with `interrupted` set and the run is marked so. A second one stops at once.

    Raises:
        RunLocked: when another run is loading the same input into the database (unless
            `settings.wait`, which waits for it instead).
        KeyboardInterrupt: on a second Ctrl-C, after marking the run `interrupted`.
        DatabaseUnavailable: when the connection is lost while loading a batch.
        DatabaseError: when the database fails otherwise.
        In both cases the run is marked `failed` if the database can still be written.
    """
    started = time.monotonic()
    reporter = reporter or SilentReporter()
    reporter.started(settings)
    locks = run_locks(settings.input_key, settings.shard)
    with (
        engine_for(settings.database_url) as engine,
        hold_run_locks(engine, locks, settings.wait, reporter.waiting),
    ):
        reporter.migrated(upgrade_database(engine))
        loader = Loader(engine, __version__)
        paths = [str(p) for p in settings.paths]
        shard = f"{settings.shard[0]}/{settings.shard[1]}" if settings.shard else None
        summary = RunSummary(loader.start_run(paths, shard), settings.safe_database_url, paths, shard)
        recorder = RunRecorder(loader, summary, reporter, settings.batch_size)
        try:
            with _StopOnInterrupt() as stop:
                _load_files(settings, loader, recorder, stop)
        except KeyboardInterrupt:
            loader.finish_run("interrupted", summary.counts())
            raise
        except Exception:
            loader.mark_failed(summary.counts())
            raise
        loader.finish_run(summary.status, summary.counts())
    summary.elapsed_s = time.monotonic() - started
    return summary


def _load_files(settings: Settings, loader: Loader, recorder: RunRecorder, stop: _StopOnInterrupt) -> None:
    files = discover_files(settings.paths, settings.shard)
    lookup = (lambda _paths: {}) if settings.full else loader.known_articles
    for outcome in process_files(plan_files(files, lookup, settings.timezone), settings.workers):
        recorder.record(outcome)
        if stop.requested:
            recorder.summary.interrupted = True
            break
    recorder.flush()
    if recorder.summary.interrupted or settings.shard:
        return  # a shard sees only its own files: it cannot tell which of the others are gone
    # only a walk that finished knows what is gone; single-file arguments retire nothing
    recorder.retire_missing(sorted({str(p.resolve()) for p in settings.paths if p.is_dir()}))


def plan_files(
    files: Iterable[SourceFile], lookup: Callable[[list[str]], dict[str, KnownFile]], timezone: str
) -> Iterator[Job | Unchanged]:
    """Each file as a Job, or as Unchanged when its size, mtime and etl version match what was loaded.

    What is known of the files is fetched from `lookup` a window at a time, so memory stays flat
    however large the archive.
    """
    for window in chunked(files, KNOWN_WINDOW):
        known = lookup([f.source_path for f in window])
        for source in window:
            entry = known.get(source.source_path)
            if entry is None or entry.extractor_version != __version__:
                yield Job(source, None, timezone)
            elif (entry.size, entry.mtime_ns) == (source.size, source.mtime_ns):
                yield Unchanged(source, stat_changed=False)
            else:
                yield Job(source, entry.content_sha256, timezone)


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
