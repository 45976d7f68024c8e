"""Per-file work (read, recognise an unchanged file, transform), in worker processes when asked.

The pool is etl's own, over multiprocessing's fork server, because a worker that dies (the OOM
killer, `kill -9`, a crash in C) must cost one file, not the run: each worker answers file by
file, so when one dies the parent knows which file it held, records that file as failed, hands the
rest of its task to a fresh worker and goes on. A file that holds a worker past the time limit
gets the same treatment, and the parent stops waiting whenever the run is asked to stop.

A thread per worker reads its answers as they come, so a worker never waits for the writer: while
the writer loads a batch (a second, on an archive of long transcripts) the workers go on with the
tasks queued on them, instead of stopping at the first answer the connection cannot hold.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from etl.errors import FileError, TransformError, WorkersUnavailable
from etl.interrupts import ctrl_c_for_the_main_thread
from etl.records import Failed, Outcome, SourceFile, Unchanged

# files handed out ahead of the writer: bounds the results waiting to be loaded
WINDOW = 1024
# files a worker takes per task: fewer round trips than one at a time
FILES_PER_TASK = 16
# tasks queued on a worker at once, so it never waits for the parent between tasks, nor while
# the parent writes a batch (~150 files of a worker's work on long transcripts)
TASKS_IN_FLIGHT = 10
# a worker is replaced after this many tasks (~2,000 files): parser allocations fragment the heap
# and a long-lived worker's RSS creeps up, so a fresh one keeps memory flat on any archive size
TASKS_PER_WORKER = 128
# one file may not hold a worker longer than this: the worker's own alarm gives up on it, and if
# the worker does not answer a little later (stuck in C code) the parent stops it
FILE_TIME_LIMIT_S = 30.0
UNRESPONSIVE_AFTER_S = FILE_TIME_LIMIT_S + 15.0
# how often a waiting parent looks at the clock and at the run's stop request
POLL_S = 0.5


@dataclass(frozen=True, slots=True)
class Job:
    """A file to read: `loaded_sha256` is the hash of the bytes already loaded from it, if any."""

    source: SourceFile
    loaded_sha256: str | None
    timezone: str
    max_file_size: int


def process_file(job: Job) -> Outcome:
    """One file's whole CPU work; errors come back as values so the run goes on."""
    # imported here: a run whose files are all unchanged never pays for the readers and parsers
    from etl.extract.read import document_from_bytes, read_bytes, sha256_hex
    from etl.transform import transform

    source = job.source
    try:
        with _time_limit():
            data = read_bytes(source, job.max_file_size)
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


@contextlib.contextmanager
def _time_limit() -> Iterator[None]:
    """SIGALRM after FILE_TIME_LIMIT_S; only the main thread can take signals (a host process may
    call etl from another thread, where the worker processes' own limit must do)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, FILE_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _TooSlow(Exception):
    """Raised by the per-file alarm."""


def _too_slow(_signum: int, _frame: object) -> None:
    raise _TooSlow


def process_files(
    items: Iterable[Job | Outcome], workers: int, stop: Callable[[], bool] = lambda: False
) -> Iterator[Outcome]:
    """An outcome for every item, in input order: jobs are processed (by `workers` processes when
    more than one), outcomes already decided (unchanged, skipped) pass straight through.

    No pool is started, and no parser loaded, until a job comes. When `stop()` turns true the
    stream ends, with or without the outcomes still being worked on.
    """
    if workers <= 1:
        for item in items:
            yield process_file(item) if isinstance(item, Job) else item
            if stop():
                return
        return
    with _Pool(workers) as pool:
        yield from pool.run(items, stop)


@dataclass
class _Task:
    jobs: list[Job]
    slots: list[int]  # where each job's outcome goes, in the run's order
    answered: int = 0


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.Process
    connection: Connection
    reader: threading.Thread | None = None
    tasks: collections.deque[_Task] = field(default_factory=collections.deque)
    tasks_given: int = 0
    last_heard: float = field(default_factory=time.monotonic)
    retiring: bool = False


# what a worker's reader puts after its last answer: the connection ended (the worker exited or died)
_ENDED = object()


def _read(worker: _Worker, answers: queue.SimpleQueue[tuple[_Worker, Any]]) -> None:
    """Pass on every answer of the worker, then _ENDED once its connection is gone."""
    try:
        while True:
            answers.put((worker, worker.connection.recv()))
    except (EOFError, OSError):
        answers.put((worker, _ENDED))


class _Pool:
    """Worker processes forked from a fork server that loaded the parsers and models once
    (etl.transform.warm): they start warm, and the writer (this process) stays small."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["etl.transform.warm", "etl.workers"])
        self.workers: list[_Worker] = []
        self.answers: queue.SimpleQueue[tuple[_Worker, Any]] = queue.SimpleQueue()

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *_exc: object) -> None:
        for worker in self.workers:
            worker.process.kill()
        for worker in self.workers:
            worker.process.join(5)
            with contextlib.suppress(OSError):
                worker.connection.close()

    def run(self, items: Iterable[Job | Outcome], stop: Callable[[], bool]) -> Iterator[Outcome]:
        results: dict[int, Outcome] = {}
        pending: collections.deque[tuple[int, Job]] = collections.deque()
        taken = 0  # items taken from the stream so far: the next slot number
        given = 0  # the next slot to yield
        stream = iter(items)
        exhausted = False
        while True:
            while not exhausted and taken - given < WINDOW:
                item = next(stream, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, Job):
                    pending.append((taken, item))
                    taken += 1
                else:
                    results[taken] = item
                    taken += 1
            while given in results:
                yield results.pop(given)
                given += 1
                if stop():
                    return
            if exhausted and given == taken:
                return
            self._hand_out(pending)
            self._collect(results, pending)
            if stop():
                return

    def _hand_out(self, pending: collections.deque[tuple[int, Job]]) -> None:
        for worker in self.workers:
            if not worker.tasks and not worker.process.is_alive():
                worker.retiring = True  # died while idle: nothing was lost, it is replaced
        while pending and sum(1 for w in self.workers if not w.retiring) < self.size:
            self.workers.append(self._start())
        for worker in sorted(self.workers, key=lambda w: len(w.tasks)):
            while pending and not worker.retiring and len(worker.tasks) < TASKS_IN_FLIGHT:
                chunk = [pending.popleft() for _ in range(min(FILES_PER_TASK, len(pending)))]
                task = _Task([job for _, job in chunk], [slot for slot, _ in chunk])
                try:
                    worker.connection.send(task.jobs)
                    worker.tasks_given += 1
                    if worker.tasks_given >= TASKS_PER_WORKER:
                        worker.retiring = True
                        worker.connection.send(None)  # finish what it has, then exit
                except OSError:  # it has just died: what it held is found by _collect
                    pending.extendleft(reversed(chunk))
                    worker.retiring = True
                    break
                if not worker.tasks:
                    worker.last_heard = time.monotonic()
                worker.tasks.append(task)

    def _collect(self, results: dict[int, Outcome], pending: collections.deque[tuple[int, Job]]) -> None:
        for worker in [w for w in self.workers if w.retiring and not w.tasks]:
            worker.process.join(0)  # it exits once its last task is answered; if not yet, next time
            if worker.process.exitcode is not None:
                worker.connection.close()
                self.workers.remove(worker)
        busy = [w for w in self.workers if w.tasks]
        if not busy:
            return
        self._take_answers(results, pending, POLL_S)
        now = time.monotonic()
        for worker in busy:
            if worker not in self.workers or not worker.tasks:
                continue
            if not worker.process.is_alive():
                # its reader passes on what it sent before it went, then the end
                assert worker.reader is not None
                worker.reader.join(5)
                self._take_answers(results, pending, 0)
                if worker in self.workers and worker.tasks:  # no end (its socket held elsewhere)
                    self._lost(worker, results, pending, _death(worker.process))
            elif now - worker.last_heard > UNRESPONSIVE_AFTER_S:
                worker.process.kill()
                worker.process.join()
                why = f"gave up after {UNRESPONSIVE_AFTER_S:.0f} s on this file: the worker stopped answering"
                self._lost(worker, results, pending, why)

    def _take_answers(
        self, results: dict[int, Outcome], pending: collections.deque[tuple[int, Job]], timeout: float
    ) -> None:
        """Every answer the readers have passed on, waiting up to `timeout` for the first."""
        try:
            messages = [self.answers.get(timeout=timeout) if timeout else self.answers.get_nowait()]
        except queue.Empty:
            return
        with contextlib.suppress(queue.Empty):
            while True:
                messages.append(self.answers.get_nowait())
        for worker, message in messages:
            if worker not in self.workers or not worker.tasks:
                continue  # a worker already replaced, or one that ended with nothing in hand
            if message is _ENDED:
                self._lost(worker, results, pending, _death(worker.process))
            else:
                self._answer(worker, message, results)

    def _answer(self, worker: _Worker, outcome: Outcome, results: dict[int, Outcome]) -> None:
        task = worker.tasks[0]
        results[task.slots[task.answered]] = outcome
        task.answered += 1
        worker.last_heard = time.monotonic()
        if task.answered == len(task.jobs):
            worker.tasks.popleft()

    def _lost(
        self,
        worker: _Worker,
        results: dict[int, Outcome],
        pending: collections.deque[tuple[int, Job]],
        why: str,
    ) -> None:
        """The worker is gone: the file it held failed; the files it had not reached go to another."""
        task = worker.tasks.popleft()
        held = task.jobs[task.answered]
        results[task.slots[task.answered]] = Failed(held.source, TransformError(held.source.source_path, why))
        unreached = list(zip(task.slots[task.answered + 1 :], task.jobs[task.answered + 1 :], strict=True))
        for later in worker.tasks:
            unreached += zip(later.slots[later.answered :], later.jobs[later.answered :], strict=True)
        pending.extendleft(reversed(unreached))
        with contextlib.suppress(OSError):
            worker.connection.close()
        self.workers.remove(worker)

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_serve, args=(theirs,), daemon=True)
        try:
            with _main_module_hidden(), _deaf_to_ctrl_c():
                process.start()
        except (OSError, EOFError) as exc:  # the fork server could not start or fork
            ours.close()
            raise WorkersUnavailable(f"cannot start a worker process: {exc or type(exc).__name__}") from None
        finally:
            theirs.close()
        worker = _Worker(process, ours)
        worker.reader = threading.Thread(target=_read, args=(worker, self.answers), daemon=True)
        with ctrl_c_for_the_main_thread():
            worker.reader.start()
        return worker


def _death(process: Any) -> str:
    process.join(5)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if code == -signal.SIGKILL else ""
        return f"the worker processing this file died: killed by signal {-code} ({name}){hint}"
    return f"the worker processing this file died: it exited with status {code}"


def _serve(connection: Connection) -> None:
    """A worker: tasks in, one outcome per file out, until told to stop or the parent is gone."""
    # Ctrl-C reaches the whole process group: the parent decides when to stop, not the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        for job in jobs:
            outcome = process_file(job)
            try:
                connection.send(outcome)
            except OSError:  # the parent is gone, or has stopped listening: nothing to answer
                return


@contextlib.contextmanager
def _deaf_to_ctrl_c() -> Iterator[None]:
    """Start the fork server, if this starts it, with Ctrl-C ignored.

    Ctrl-C reaches the whole process group. A fork server started with SIGINT ignored keeps it
    ignored (Python installs its KeyboardInterrupt handler only over the default), and so does every
    worker it forks, from its first instruction: no worker prints a KeyboardInterrupt traceback
    from before `_serve` could ignore the signal itself. The parent blocks the signal meanwhile, so
    a Ctrl-C pressed during the start stays pending (Linux queues a blocked signal even when it is
    ignored) and reaches the parent's own handler right after.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a process without telling it the parent's `__main__`.

    multiprocessing makes every spawned or fork-server child import the parent's main script (by
    path or module name) before it runs. A script that calls etl.run() at top level, without an
    `if __name__ == "__main__":` guard, would run again in every worker, and a script read from
    standard input (`<stdin>`) cannot be imported at all. The workers need nothing from it.
    """
    main = sys.modules["__main__"]
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
