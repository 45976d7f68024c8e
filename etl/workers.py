"""Per-file work (read, recognise an unchanged file, transform), in worker processes when asked."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from etl.batches import chunked
from etl.errors import FileError, TransformError
from etl.records import Failed, Outcome, SourceFile, Unchanged

# files handed to the pool at a time, two windows in flight: bounds the results waiting for the writer
WINDOW = 512
# files a worker takes per task: fewer round trips to the pool than one at a time
FILES_PER_TASK = 16
# a worker is replaced after this many tasks (~2,000 files): parser allocations fragment the heap
# and a long-lived worker's RSS creeps up, so a fresh one keeps memory flat on any archive size
TASKS_PER_WORKER = 128
# one file may not hold a worker longer than this; it is recorded as failed instead
FILE_TIME_LIMIT_S = 30.0


@dataclass(frozen=True, slots=True)
class Job:
    """A file to read: `loaded_sha256` is the hash of the bytes already loaded from it, if any."""

    source: SourceFile
    loaded_sha256: str | None
    timezone: str


def process_file(job: Job) -> Outcome:
    """One file's whole CPU work; errors come back as values so the run goes on."""
    # imported here: a run whose files are all unchanged never pays for the readers and parsers
    from etl.extract.read import document_from_bytes, read_bytes, sha256_hex
    from etl.transform import transform

    source = job.source
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, FILE_TIME_LIMIT_S)
    try:
        data = read_bytes(source)
        sha256 = sha256_hex(data)
        if sha256 == job.loaded_sha256:
            return Unchanged(source, stat_changed=True)
        return transform(document_from_bytes(source, data, sha256), job.timezone)
    except FileError as error:
        return Failed(source, error)
    except _TooSlow:
        message = f"gave up after {FILE_TIME_LIMIT_S:.0f} s on this file"
        return Failed(source, TransformError(source.source_path, message))
    except Exception as exc:  # a bug on one odd file must not stop the other files
        return Failed(source, TransformError(source.source_path, f"unexpected {type(exc).__name__}: {exc}"))
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


def process_files(items: Iterable[Job | Unchanged], workers: int) -> Iterator[Outcome]:
    """An outcome for every item, in input order: jobs are processed (by `workers` processes when
    more than one), files already found unchanged pass straight through.

    No pool is started, and no parser loaded, until a window holds a job.
    """
    with contextlib.ExitStack() as stack:
        pool = None
        pending: Iterator[Outcome] = iter(())
        for window in chunked(items, WINDOW):
            jobs = [item for item in window if isinstance(item, Job)]
            if jobs and pool is None and workers > 1:
                pool = stack.enter_context(_start_pool(workers))
            results = (
                pool.imap(process_file, jobs, chunksize=FILES_PER_TASK) if pool else map(process_file, jobs)
            )
            # the next window is handed out before this one is drained, so the workers keep going
            # while the writer loads the end of a window
            yield from pending
            pending = _in_order(window, results)
        yield from pending


def _start_pool(workers: int) -> multiprocessing.pool.Pool:
    """Workers forked from a fork server that has loaded the parsers and models (etl.transform.warm):
    they start warm, and the writer (this process) stays small."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["etl.transform.warm", "etl.workers"])
    return context.Pool(workers, initializer=_ignore_interrupts, maxtasksperchild=TASKS_PER_WORKER)


def _in_order(window: list[Job | Unchanged], results: Iterator[Outcome]) -> Iterator[Outcome]:
    for item in window:
        yield next(results) if isinstance(item, Job) else item
