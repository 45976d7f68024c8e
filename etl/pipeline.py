"""The one place the stages meet: discover -> read -> transform -> record -> load.

Files stream from the walk; what the database knows of them is looked up a window at a time, and
each file is either found unchanged by its size and mtime or sent to the workers. Every file ends
as one outcome, in input order, which the run's recorder counts and hands to the loader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator

from etl import __version__
from etl.batches import chunked
from etl.config import Settings
from etl.errors import (
    DatabaseError,
    ExtractError,
    FileError,
    LoadError,
    RunFailed,
    TransformError,
    WorkersUnavailable,
)
from etl.extract.discover import Found, discover_files, walk_root
from etl.fsnames import text_path
from etl.interrupts import StopOnInterrupt
from etl.load import Loader, engine_for, upgrade_database
from etl.load.locks import hold_run_locks, run_locks
from etl.load.sources import SourcePlan
from etl.recording import Reporter, RunRecorder, RunSummary, SilentReporter
from etl.records import Failed, KnownFiles, KnownOutcome, Outcome, Skipped, SourceFile, Unchanged
from etl.workers import Job, process_files

# files whose loaded state is looked up in one query
KNOWN_WINDOW = 1000
NOTHING_KNOWN = KnownFiles({}, {})
_ERRORS = {error.stage: error for error in (ExtractError, TransformError, LoadError)}


def count_files(settings: Settings) -> int:
    """How many input entries there are: a walk of its own, so the run itself can stream them."""
    walks = [walk_root(p) for p in settings.paths]
    return sum(1 for _ in discover_files(walks, settings.shard, settings.max_file_size))


def run(settings: Settings, reporter: Reporter | None = None) -> RunSummary:
    """Migrate the database, then load every file under `settings.paths`; a bad file is recorded
    and the run goes on.

    A first Ctrl-C (SIGINT) stops the run after the batch in hand is loaded: the summary comes back
    with `interrupted` set and the run is marked so. A second one stops at once, dropping the batch
    in hand; a third, should the run be stuck, interrupts whatever it is doing.

    Raises:
        RunLocked: when another run is loading the same input into the database (unless
            `settings.wait`, which waits for it instead).
        KeyboardInterrupt: on a second Ctrl-C, after marking the run `interrupted`.
        RunFailed: when the run stops part-way: the database stops taking writes (a full disk, a
            lost connection) or no worker process can be started; it carries the summary of what
            was committed, and the run is marked `failed` if the database can still be written.
        DatabaseError: when the database fails before the run starts.
        ConfigError: when the schema has drifted in a way etl cannot repair.
    """
    started = time.monotonic()
    reporter = reporter or SilentReporter()
    reporter.started(settings)
    with engine_for(settings.database_url) as engine:
        reporter.migrated(upgrade_database(engine))
        loader = Loader(engine, __version__)
        plan = loader.plan_sources([str(p) for p in settings.paths], settings.source)
        locks = run_locks([s.name for s in plan.sources], settings.shard)
        with hold_run_locks(engine, locks, settings.wait, reporter.waiting):
            paths = [text_path(p) for p in settings.paths]
            shard = f"{settings.shard[0]}/{settings.shard[1]}" if settings.shard else None
            summary = RunSummary(loader.start_run(paths, shard), settings.safe_database_url, paths, shard)
            recorder = RunRecorder(loader, summary, reporter, settings.batch_size)
            try:
                with _interrupt_policy() as stop:
                    _load_files(settings, loader, plan, recorder, stop)
                    if not summary.interrupted:
                        summary.unlinked = loader.resolve_post_links()
                    loader.finish_run(summary.status, summary.counts())
            except KeyboardInterrupt:
                loader.finish_run("interrupted", None)  # the counts its last write stored stand
                raise
            except (DatabaseError, WorkersUnavailable) as exc:
                summary.failed = True
                summary.elapsed_s = time.monotonic() - started
                loader.mark_failed(summary.counts())
                raise RunFailed(str(exc), summary) from exc
    summary.elapsed_s = time.monotonic() - started
    return summary


def _interrupt_policy() -> contextlib.AbstractContextManager[StopOnInterrupt]:
    """The caller's Ctrl-C policy if it set one (the command line does), armed from here on, else
    one for the run."""
    active = StopOnInterrupt.active()
    if active is None:
        return StopOnInterrupt()
    active.armed = True
    return contextlib.nullcontext(active)


def _load_files(
    settings: Settings, loader: Loader, plan: SourcePlan, recorder: RunRecorder, stop: StopOnInterrupt
) -> None:
    found = discover_files(plan.walks, settings.shard, settings.max_file_size, plan.nested)
    lookup = (lambda _keys: NOTHING_KNOWN) if settings.full else loader.known_files
    planned = plan_files(found, lookup, settings.timezone, settings.max_file_size)
    for outcome in process_files(planned, settings.workers, lambda: stop.requested):
        recorder.record(outcome)
    if stop.now:
        raise KeyboardInterrupt
    recorder.flush()
    if stop.requested:
        recorder.summary.interrupted = True
        return
    if settings.shard:
        return  # a shard sees only its own files: it cannot tell which of the others are gone
    # only a walk that finished knows what is gone; single-file arguments retire nothing
    recorder.retire_missing(plan.retire)


def plan_files(
    found: Iterable[Found],
    lookup: Callable[[list[tuple[int, str]]], KnownFiles],
    timezone: str,
    max_file_size: int,
) -> Iterator[Job | Outcome]:
    """Each file as a Job, or as Unchanged when its size, mtime and etl version match what was
    loaded, or as the skip or failure remembered of it when they match that; entries that are not
    files to read (Skipped, Failed by the walk) pass through, marked as remembered when they are
    what was recorded of them before.

    What is known of the files is fetched from `lookup` a window at a time, so memory stays flat
    however large the archive.
    """
    for window in chunked(found, KNOWN_WINDOW):
        known = lookup([_key(f) for f in window])
        for source in window:
            key = _key(source)
            if not isinstance(source, SourceFile):
                yield _walk_outcome(source, known.outcomes.get(key))
                continue
            entry = known.articles.get(key)
            if entry is not None and entry.extractor_version != __version__:
                entry = None  # loaded by another etl: read it as new
            remembered = known.outcomes.get(key)
            if entry is not None and (entry.size, entry.mtime_ns) == (source.size, source.mtime_ns):
                # a skip or failure remembered of a file that is its loaded article again (a refusal
                # by size, the limit since raised) is over: refreshing its stats forgets it
                yield Unchanged(source, stat_changed=remembered is not None)
            elif remembered is not None and remembered.was_read and _same_file(source, remembered):
                yield _remembered(source, remembered)
            else:
                yield Job(source, entry.content_sha256 if entry else None, timezone, max_file_size)


def _key(found: Found) -> tuple[int, str]:
    source = found if isinstance(found, SourceFile) else found.source
    return source.source_id, source.source_path


def _same_file(source: SourceFile, remembered: KnownOutcome) -> bool:
    return (remembered.size, remembered.mtime_ns, remembered.extractor_version) == (
        source.size,
        source.mtime_ns,
        __version__,
    )


def _remembered(source: SourceFile, remembered: KnownOutcome) -> Skipped | Failed:
    """The skip or failure an earlier run recorded of this unchanged file, without reading it."""
    if remembered.outcome == "skipped":
        return Skipped(source, remembered.reason, origin="memory")
    error = _ERRORS.get(remembered.stage, FileError)(source.source_path, remembered.reason)
    return Failed(source, error, origin="memory")


def _walk_outcome(found: Skipped | Failed, remembered: KnownOutcome | None) -> Skipped | Failed:
    """What the walk decided of an entry without reading it; remembered when it was recorded so."""
    if isinstance(found, Skipped):
        outcome, stage, reason = "skipped", "extract", found.reason
    else:
        outcome, stage, reason = "failed", found.error.stage, found.error.message
    same = (
        remembered is not None
        and not remembered.was_read
        and (remembered.outcome, remembered.stage, remembered.reason) == (outcome, stage, reason)
        and _same_file(found.source, remembered)
    )
    return dataclasses.replace(found, origin="memory" if same else "walk")
