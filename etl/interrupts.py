"""Ctrl-C as a user means it: the first stops the run after the batch in hand is loaded, the second
stops it without loading that batch, a third (should the run be stuck) interrupts outright.

The first two only set flags that the run reads between files and between writes. An exception
raised by a signal can land anywhere: in the middle of a database call (leaving the connection
unusable for marking the run interrupted), of the worker pool's bookkeeping, or of the summary
being printed. The command line sets the policy for the rest of its process, unarmed until the
files start loading (a Ctrl-C during migrations or while waiting for a lock interrupts at once, as
usual), so a Ctrl-C that arrives while the run is finishing or the process exiting is one more
request to stop, not a traceback or a death by signal.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import MethodType
from typing import Any


class StopOnInterrupt:
    def __init__(self, armed: bool = True) -> None:
        self.armed = armed  # unarmed, a Ctrl-C is a KeyboardInterrupt as usual
        self.requested = False
        self.now = False
        self._previous: Any = None

    @staticmethod
    def active() -> StopOnInterrupt | None:
        """The policy in force, when a caller (the command line) has set one."""
        handler = signal.getsignal(signal.SIGINT)
        if isinstance(handler, MethodType) and isinstance(handler.__self__, StopOnInterrupt):
            return handler.__self__
        return None

    @classmethod
    def for_this_process(cls, armed: bool) -> StopOnInterrupt:
        """Installed for good: for a command line, whose process ends with the command."""
        policy = cls(armed)
        policy.__enter__()
        return policy

    def __enter__(self) -> StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._request)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _request(self, _signum: int, _frame: object) -> None:
        if not self.armed:
            raise KeyboardInterrupt
        if self.requested:
            self.now = True
            signal.signal(signal.SIGINT, signal.default_int_handler)
        self.requested = True


@contextlib.contextmanager
def ctrl_c_for_the_main_thread() -> Iterator[None]:
    """Threads started inside block SIGINT (a thread inherits the mask of the one that starts it).

    The kernel hands a Ctrl-C to any thread that does not block it. While the workers start, the
    main thread blocks it with its action set to ignore (etl.workers); a helper thread (the
    progress display, a worker's reader) that took it then would drop it, and the run would go on
    as if no key had been pressed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
