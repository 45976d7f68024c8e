"""The per-file job, run in worker processes: read, recognise an unchanged file, transform."""

from __future__ import annotations

import itertools
import multiprocessing
import signal
from collections.abc import Iterable, Iterator

from etl.errors import FileError, TransformError
from etl.extract import read_document
from etl.load.sql import chunked
from etl.records import Article, SourceFile, Unchanged

Job = tuple[SourceFile, str | None, str]  # the file, the hash it had when loaded, the time zone
Outcome = Article | Unchanged | FileError
# files handed to the pool at a time, two windows in flight: bounds the results waiting for the writer
WINDOW = 512
CHUNK = 16
# a worker is replaced after this many chunks (~2,000 files): parser allocations fragment the heap
# and a long-lived worker's RSS creeps up, so a fresh one keeps memory flat on any archive size
CHUNKS_PER_WORKER = 128
# one file may not hold a worker longer than this; it is recorded as failed instead
FILE_TIME_LIMIT_S = 30.0


def process_file(job: Job) -> Outcome:
    """One file's whole CPU work; errors come back as values so the run goes on."""
    # imported here: a run whose files are all unchanged never pays for the parsers
    from etl.transform import transform

    source, loaded_sha, timezone = job
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, FILE_TIME_LIMIT_S)
    try:
        doc = read_document(source)
        if doc.content_sha256 == loaded_sha:
            return Unchanged(source.source_path, source.size, source.mtime_ns)
        return transform(doc, timezone)
    except FileError as error:
        return error
    except _TooSlow:
        return TransformError(source.source_path, f"gave up after {FILE_TIME_LIMIT_S:.0f} s on this file")
    except Exception as exc:  # a bug on one odd file must not stop the other files
        return TransformError(source.source_path, f"unexpected {type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _TooSlow(Exception):
    """Raised by the per-file alarm."""


def _too_slow(_signum: int, _frame: object) -> None:
    raise _TooSlow


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent decides when to stop, not the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_files(jobs: Iterable[Job], workers: int) -> Iterator[Outcome]:
    """Outcomes in input order, from `workers` processes (in this process when workers is 1)."""
    if workers <= 1:
        yield from map(process_file, jobs)
        return
    windows = chunked(jobs, WINDOW)
    first = next(windows, None)
    if first is None:
        return  # nothing to parse: no pool, no parsers
    from etl.transform import warm_up

    warm_up()  # in this process, before the fork: workers inherit the parsers instead of loading them
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_ignore_interrupts, maxtasksperchild=CHUNKS_PER_WORKER) as pool:
        # the next window is handed out before this one is drained, so the workers keep going while
        # the writer loads the end of a window
        pending: Iterator[Outcome] = iter(())
        for window in itertools.chain([first], windows):
            submitted = pool.imap(process_file, window, chunksize=CHUNK)
            yield from pending
            pending = submitted
        yield from pending
