"""How far a run has got, for people: a bar on a terminal, else a line on stderr every few seconds.

The figures come from `RateWindow`: files/s is what was done over the last `WINDOW_S` seconds, so
the ETA follows the pace the run has now, not its average since the start, which a slow start
(migrations, a cold disk cache) or a fast one (unchanged files) would keep wrong for the rest of
the run. rich draws the bar and is imported only when one is shown: `etl --help` never loads it.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from etl.interrupts import ctrl_c_for_the_main_thread

WINDOW_S = 10.0  # files/s is measured over (at least) this many seconds back
EVERY_S = 10.0  # without a terminal: seconds between two progress lines (--progress-every)
# a terminal that cannot move its cursor (rich's list): a redrawn bar would print line after line
_DUMB_TERMINALS = ("dumb", "unknown")


@dataclass(frozen=True)
class Figures:
    """What a progress display says at one moment."""

    count: int  # files done
    total: int | None  # files to do, when they were counted
    rate: float | None  # files/s over the last window; None before any time has passed
    eta: float | None  # seconds left at that rate; None without a total or a rate
    elapsed: float  # seconds since the display started


class RateWindow:
    """Files done, and files per second over the last `window` seconds.

    A (time, count) sample is kept at most every `resolution` seconds, and only for the last
    window, so memory stays flat at any pace. The rate runs from the newest sample at least
    `window` seconds old (the start, while the run is younger) to now: a real interval, so a run
    that stalls falls towards 0 files/s instead of keeping its old pace.
    """

    def __init__(self, start: float, window: float = WINDOW_S, resolution: float | None = None) -> None:
        self.start = start
        self.window = window
        self.resolution = window / 100 if resolution is None else resolution
        self.count = 0
        self._samples: deque[tuple[float, int]] = deque([(start, 0)])
        self._sampled = start
        self._lock = threading.Lock()  # a display's thread reads the samples while the run adds them

    def advance(self, now: float, files: int = 1) -> None:
        """`files` more are done at `now` (monotonic seconds, never going back). Called from one
        thread; the lock is taken only to add a sample, so a file costs little more than a call."""
        self.count += files
        if now - self._sampled >= self.resolution:
            self._sampled = now
            with self._lock:
                self._samples.append((now, self.count))
                boundary = now - self.window
                while len(self._samples) > 1 and self._samples[1][0] <= boundary:
                    self._samples.popleft()

    def rate(self, now: float) -> float | None:
        """Files per second over the last window at `now`; None when no time has passed."""
        with self._lock:
            count = self.count
            base_time, base_count = self._samples[0]
            boundary = now - self.window
            for sample_time, sample_count in self._samples:
                if sample_time > boundary:
                    break
                base_time, base_count = sample_time, sample_count
        if now <= base_time:
            return None
        return (count - base_count) / (now - base_time)

    def figures(self, now: float, total: int | None = None, started: float | None = None) -> Figures:
        """The figures at `now`; elapsed counts from `started` (default: the window's start)."""
        rate = self.rate(now)
        count = self.count
        return Figures(
            count,
            total,
            rate,
            estimate_eta(count, total, rate),
            now - (self.start if started is None else started),
        )


def estimate_eta(count: int, total: int | None, rate: float | None) -> float | None:
    """Seconds until `total` at `rate` files/s: 0 once done, None without a total or a pace."""
    if total is None:
        return None
    if count >= total:
        return 0.0
    if not rate:
        return None
    return (total - count) / rate


def format_duration(seconds: float, *, up: bool = False) -> str:
    """H:MM:SS, cut down (an elapsed time) or, with `up`, rounded up (time left is never 0 early)."""
    whole = math.ceil(seconds) if up else math.floor(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def bar_figures(figures: Figures) -> str:
    """The text beside the bar: `42%  1,234/2,937 files  85.3 files/s  ETA 0:00:20` (the bar keeps
    to one line of an 80-column terminal; the summary after it says how long the run took)."""
    return "  ".join(_parts(figures, percent_first=True)[:-1])


def log_line(figures: Figures) -> str:
    """One progress line for logs: `Progress: 1,234 files, 85.3 files/s, elapsed 0:00:14`, with
    `1,234/2,937 files (42%)` and `ETA 0:00:20` when the total is known."""
    return "Progress: " + ", ".join(_parts(figures, percent_first=False))


def _parts(figures: Figures, percent_first: bool) -> list[str]:
    rate = "-" if figures.rate is None else f"{figures.rate:,.1f}"
    parts = [f"{figures.count:,} files", f"{rate} files/s"]
    if figures.total is not None:
        percent = 100 if figures.total == 0 else figures.count * 100 // figures.total
        eta = "-:--:--" if figures.eta is None else format_duration(figures.eta, up=True)
        done = f"{figures.count:,}/{figures.total:,} files"
        parts[0] = f"{percent:>3}%  {done}" if percent_first else f"{done} ({percent}%)"
        parts.append(f"ETA {eta}")
    parts.append(f"elapsed {format_duration(figures.elapsed)}")
    return parts


def shows_bar(stream: TextIO) -> bool:
    """Whether `stream` is a terminal that can redraw a bar in place."""
    return stream.isatty() and os.environ.get("TERM", "").lower() not in _DUMB_TERMINALS


class Bar:
    """A progress bar on the terminal `stream` (rich); `print` puts a line above it, never on it.

    It pulses until `set_total` says how many files there are. Strays that others print to a
    terminal while it shows (sys.stdout, sys.stderr) go above it too.
    """

    # rich hears the count at most this often: each of its updates takes a lock and stores a speed
    # sample, which an unchanged re-run (tens of thousands of files a second) should not pay per file
    PUSH_S = 0.05

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.console import Console
        from rich.constrain import Constrain
        from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
        from rich.table import Column
        from rich.text import Text

        self.stream = stream
        self.clock = clock
        self.opened = clock()
        self.window = RateWindow(self.opened)
        self.total: int | None = None
        self._pushed = self.opened
        bar = self

        class FiguresColumn(ProgressColumn):
            def render(self, task: Any) -> Text:
                return Text(bar_figures(bar.window.figures(bar.clock(), bar.total, bar.opened)))

        console = Console(file=stream, markup=False, emoji=False, highlight=False)

        class Narrower(Progress):
            # a line as wide as the terminal leaves the cursor past its end, and the terminal's
            # echo of a Ctrl-C (^C) then starts a new line, leaving a copy of the bar behind
            def get_renderables(self) -> Any:
                yield Constrain(self.make_tasks_table(self.tasks), console.width - len("^C"))

        self.progress = Narrower(
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),  # what the figures leave, up to the whole width
            FiguresColumn(table_column=Column(no_wrap=True)),
            console=console,
            redirect_stdout=_is_terminal("stdout"),
            redirect_stderr=_is_terminal("stderr"),
        )
        self.task = self.progress.add_task("Counting", total=None)
        with ctrl_c_for_the_main_thread():
            self.progress.start()  # rich's refresh thread

    def set_total(self, total: int) -> None:
        """The files have been counted: from now on the bar fills, and the rate is of loading."""
        self.window = RateWindow(self.clock())
        self.total = total
        self.progress.update(self.task, description="Loading", total=total, completed=0)

    def advanced(self, files: int) -> None:
        now = self.clock()
        self.window.advance(now, files)
        if now - self._pushed >= self.PUSH_S:
            self._pushed = now
            self.progress.update(self.task, completed=self.window.count)

    def print(self, text: str, stream: TextIO) -> None:
        """`text` (already `printable`) on a line of its own above the bar; a stream that is not a
        terminal gets it as it is."""
        if stream is self.stream or stream.isatty():
            self.progress.console.print(text, soft_wrap=True)
        else:
            stream.write(text + "\n")
            stream.flush()

    def close(self) -> None:
        """Draw the last figures and leave them on the screen."""
        self.progress.update(self.task, completed=self.window.count)
        self.progress.stop()


class Lines:
    """Without a terminal: a `log_line` through `write` every `every` seconds, from a thread of
    its own, so a run that stalls still says so; when one was written, a last one at `close`."""

    def __init__(
        self, write: Callable[[str], None], every: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.write = write
        self.every = every
        self.clock = clock
        self.window = RateWindow(clock())
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="etl-progress", daemon=True)
        with ctrl_c_for_the_main_thread():
            self._thread.start()

    def advanced(self, files: int) -> None:
        self.window.advance(self.clock(), files)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.written:
            self._line()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self._line()

    def _line(self) -> None:
        self.write(log_line(self.window.figures(self.clock())))
        self.written += 1


def _is_terminal(name: str) -> bool:
    stream = getattr(sys, name)
    return stream is not None and stream.isatty()
